package io.vigil.inventory;

import io.vigil.text.SafeText;
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
        // Whoever starts a container names it and labels it: shown redacted and escaped (SafeText).
        name = SafeText.of(name);
        image = SafeText.of(image);
        Map<String, String> shown = new java.util.LinkedHashMap<>();
        labels.forEach((k, v) -> shown.put(SafeText.of(k), SafeText.of(v)));
        labels = Map.copyOf(shown);
        risks = List.copyOf(risks);
    }

    /** True for risks that break the container boundary outright (not just weaker defaults). */
    public boolean severe() {
        return risks.stream().anyMatch(r -> r.equals("privileged") || r.equals("host network")
                || r.startsWith("cap-add"));
    }
}
