package io.vigil.inventory;

import java.util.List;
import java.util.Optional;

/**
 * One reading of the inventory: AI workloads, exposed AI services with their probe results, the
 * containers (or why docker is not available), the hash baselines with their last verify (or why
 * integrity checking is unavailable), model files modified recently under the watched roots, and
 * problems met while reading. {@code takenAtMillis} is 0 before the first poll. Immutable.
 */
public record InventorySnapshot(long takenAtMillis, List<Workload> workloads, List<ExposedService> services,
                                DockerReport docker, List<Baseline> baselines, Optional<String> integrityUnavailable,
                                List<RecentModelFile> recentModelFiles, List<String> problems) {

    public static final InventorySnapshot EMPTY = new InventorySnapshot(0, List.of(), List.of(),
            DockerReport.notAvailable("not read yet"), List.of(), Optional.empty(), List.of(), List.of());

    public InventorySnapshot {
        workloads = List.copyOf(workloads);
        services = List.copyOf(services);
        baselines = List.copyOf(baselines);
        recentModelFiles = List.copyOf(recentModelFiles);
        problems = List.copyOf(problems);
    }

    public InventorySnapshot withBaselines(List<Baseline> newBaselines) {
        return new InventorySnapshot(takenAtMillis, workloads, services, docker, newBaselines, integrityUnavailable,
                recentModelFiles, problems);
    }

    /** Total drift entries over every baseline's last verify. */
    public int driftCount() {
        return baselines.stream().mapToInt(b -> b.drift().size()).sum();
    }
}
