package io.vigil.inventory;

import java.util.Optional;

/**
 * One file of a baseline manifest: its path relative to the root ({@code /}-separated), size in
 * bytes, modification time (epoch ms) and SHA-256 in hex, absent when the file could not be read
 * when the baseline was taken. Immutable.
 */
public record ManifestEntry(String path, long sizeBytes, long mtimeMillis, Optional<String> sha256) {
}
