package io.vigil.inventory;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of verifying one baseline: the root, when (epoch ms), files and bytes checked, the
 * drift found and problems that stopped a file from being checked. Immutable.
 */
public record VerifyReport(Path root, long verifiedAtMillis, int filesChecked, long bytesHashed,
                           List<DriftEntry> drift, List<String> problems) {

    public VerifyReport {
        drift = List.copyOf(drift);
        problems = List.copyOf(problems);
    }

    public boolean clean() {
        return drift.isEmpty();
    }
}
