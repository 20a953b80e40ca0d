package io.vigil.scenario;

import io.vigil.host.HostSnapshot;
import io.vigil.inventory.ContainerInfo;
import io.vigil.inventory.ContainerReader;
import io.vigil.inventory.DockerReport;
import io.vigil.inventory.InventorySettings;
import io.vigil.inventory.InventorySource;
import io.vigil.inventory.ModelFileScanner;
import io.vigil.inventory.ProbeKind;
import io.vigil.inventory.ProbeOutcome;
import io.vigil.inventory.ProbeResult;
import io.vigil.inventory.ProcMaps;
import io.vigil.inventory.RecentModelFile;
import io.vigil.inventory.RecentModelFiles;
import io.vigil.inventory.ServiceProbe;
import io.vigil.inventory.WorkloadCatalog;
import io.vigil.inventory.WorkloadClassifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The inventory of a scenario replay: the real {@link InventorySource} (catalogue, classifier,
 * exposure severity, metrics) over the scenario's processes and sockets, with the three readers that
 * would touch this machine replaced by the scenario's recording (ADR 0850): the loopback probe
 * answers from {@code serviceAnswers}, docker from {@code containers}, the model-file walk from
 * {@code modelFiles}. Shared-library maps are not read (the processes are not on this machine), and
 * hash baselines are off: they would hash this machine's files.
 */
public final class ScenarioInventory {

    static final String NO_BASELINES = "hash baselines are not part of the demo: they hash files on this machine";

    private ScenarioInventory() {
    }

    /** The inventory source of {@code scenario}, reading its processes through {@code host}. */
    public static InventorySource create(Scenario scenario, Clock clock, Supplier<HostSnapshot> host,
                                         InventorySettings settings) {
        WorkloadCatalog catalog = WorkloadCatalog.builtin();
        return new InventorySource(host, catalog, new WorkloadClassifier(catalog, ProcMaps.none()),
                new Probe(scenario), new Containers(scenario, clock), Optional.empty(), NO_BASELINES,
                new ModelFiles(scenario), List.of(), settings, clock);
    }

    /** Answers as the scenario recorded; a port it did not record did not answer. */
    record Probe(Scenario scenario) implements ServiceProbe {
        @Override
        public ProbeResult probe(ProbeKind kind, String bindAddress, int port) {
            for (Scenario.ServiceAnswer a : scenario.serviceAnswers()) {
                if (a.port() == port) {
                    return new ProbeResult(ProbeOutcome.valueOf(a.outcome()), a.detail());
                }
            }
            return new ProbeResult(ProbeOutcome.UNREACHABLE, "the scenario recorded no answer on port " + port);
        }
    }

    /** The scenario's containers alive now. */
    record Containers(Scenario scenario, Clock clock) implements ContainerReader {
        @Override
        public DockerReport read() {
            if (scenario.containers().isEmpty()) {
                return DockerReport.notAvailable("the scenario has no containers");
            }
            long offset = scenario.offsetMillis(clock.instant());
            List<ContainerInfo> out = new ArrayList<>();
            for (Scenario.Container c : scenario.containers()) {
                if (Scenario.alive(c.from(), c.to(), offset)) {
                    out.add(new ContainerInfo(c.id(), c.name(), c.image(), c.labels(), c.gpu(), c.risks()));
                }
            }
            return DockerReport.of(out);
        }
    }

    /** The scenario's model files written within the window before now (newest first), wherever the roots are. */
    record ModelFiles(Scenario scenario) implements RecentModelFiles {
        @Override
        public ModelFileScanner.Result recentlyModified(List<Path> roots, Duration window, Instant now) {
            long offset = scenario.offsetMillis(now);
            List<RecentModelFile> out = new ArrayList<>();
            for (Scenario.ModelFile f : scenario.modelFiles()) {
                long written = f.modified().toMillis();
                if (written <= offset && offset - written <= window.toMillis()) {
                    out.add(new RecentModelFile(Path.of(f.path()), f.sizeBytes(),
                            scenario.start().plus(f.modified()).toEpochMilli()));
                }
            }
            out.sort((a, b) -> Long.compare(b.mtimeMillis(), a.mtimeMillis()));
            return new ModelFileScanner.Result(out, false, List.of());
        }
    }
}
