package io.vigil.inventory;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * A hash baseline: its root (a folder or a file, absolute), when it was taken (epoch ms), how many
 * files and bytes its manifest holds, and the outcome of the last verify (time, drift entries and
 * problems such as unreadable files or symlink loops). Immutable.
 */
public record Baseline(long id, Path root, long createdMillis, int fileCount, long totalBytes,
                       OptionalLong lastVerifyMillis, List<DriftEntry> drift, List<String> problems) {

    public Baseline {
        drift = List.copyOf(drift);
        problems = List.copyOf(problems);
    }

    public boolean verified() {
        return lastVerifyMillis.isPresent();
    }
}
