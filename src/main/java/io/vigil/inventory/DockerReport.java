package io.vigil.inventory;

import java.util.List;

/**
 * What the docker reader found: either the running containers, or "not available" with a reason a
 * person can act on (no docker CLI, daemon not running, permission denied). Immutable.
 */
public record DockerReport(boolean available, String reason, List<ContainerInfo> containers) {

    public DockerReport {
        reason = reason == null ? "" : reason;
        containers = List.copyOf(containers);
    }

    public static DockerReport notAvailable(String reason) {
        return new DockerReport(false, reason, List.of());
    }

    public static DockerReport of(List<ContainerInfo> containers) {
        return new DockerReport(true, "", containers);
    }
}
