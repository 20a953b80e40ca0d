package io.vigil.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * Streams a file through SHA-256 in {@link #CHUNK_BYTES} chunks (never the whole file in memory),
 * through the shared {@link RateLimiter}, reporting each chunk to a progress callback. Thread-safe:
 * each call has its own digest and buffer.
 */
public final class FileHasher {

    static final int CHUNK_BYTES = 1 << 20;

    private final RateLimiter limiter;

    public FileHasher(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /** The lower-case hex SHA-256 of {@code file}; {@code bytesRead} receives each chunk's size. */
    public String sha256(Path file, LongConsumer bytesRead) throws IOException, InterruptedException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[CHUNK_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                limiter.acquire(buffer.length);
                int n = in.readNBytes(buffer, 0, buffer.length);
                if (n <= 0) {
                    break;
                }
                digest.update(buffer, 0, n);
                bytesRead.accept(n);
                if (Thread.interrupted()) {
                    throw new InterruptedException("hashing " + file + " cancelled");
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
