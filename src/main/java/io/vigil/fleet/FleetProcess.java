package io.vigil.fleet;

import java.util.OptionalLong;

/**
 * A process on a fleet GPU, as an exporter reports it: nvidia_gpu_exporter's
 * {@code compute_app_info} gives pid and name; dcgm-exporter gives only the Kubernetes pod that holds
 * the GPU (then {@code pid} is 0 and {@code name} empty). Every string here came from the watched
 * machine and is attacker input. Immutable.
 */
public record FleetProcess(int pid, String name, OptionalLong usedMemoryBytes, String pod, String namespace,
                           String container) {

    public FleetProcess {
        name = name == null ? "" : name;
        pod = pod == null ? "" : pod;
        namespace = namespace == null ? "" : namespace;
        container = container == null ? "" : container;
        usedMemoryBytes = usedMemoryBytes == null ? OptionalLong.empty() : usedMemoryBytes;
    }
}
