package io.vigil.inventory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Model files modified within a window before now. {@link ModelFileScanner} walks the watched
 * folders; a scenario replay lists its recorded files (ADR 0850). Thread-safe.
 */
public interface RecentModelFiles {

    ModelFileScanner.Result recentlyModified(List<Path> roots, Duration window, Instant now);
}
