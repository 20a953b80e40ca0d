package io.vigil.inventory;

import java.util.List;
import java.util.Map;

/**
 * A running container as {@code docker inspect} describes it: id (short), name, image, labels,
 * whether it can use GPUs ({@code gpuAccess}: a device request for GPUs or the {@code nvidia}
 * runtime) and the risky settings found ({@code risks}, e.g. "privileged", "cap-add SYS_ADMIN",
 * "host network", "writable root filesystem", "no no-new-privileges"). Immutable.
 */
public record ContainerInfo(String id, String name, String image, Map<String, String> labels, boolean gpuAccess,
                            List<String> risks) {

    public ContainerInfo {
        labels = Map.copyOf(labels);
        risks = List.copyOf(risks);
    }

    /** True for risks that break the container boundary outright (not just weaker defaults). */
    public boolean severe() {
        return risks.stream().anyMatch(r -> r.equals("privileged") || r.equals("host network")
                || r.startsWith("cap-add"));
    }
}
