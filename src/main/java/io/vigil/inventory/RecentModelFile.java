package io.vigil.inventory;

import java.nio.file.Path;

/** A model file modified recently: path, size in bytes, modification time (epoch ms). Immutable. */
public record RecentModelFile(Path path, long sizeBytes, long mtimeMillis) {
}
