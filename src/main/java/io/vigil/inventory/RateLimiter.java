package io.vigil.inventory;

import java.time.Duration;

/**
 * Limits the bytes read per second across every hashing thread, so a baseline verify of a large
 * model folder does not starve training jobs of disk bandwidth. Callers reserve bytes before
 * reading them and sleep until their reservation is due. A rate of 0 means unlimited. Thread-safe.
 */
public final class RateLimiter {

    private final double bytesPerNano;
    private long nextFreeNanos;

    public RateLimiter(double megabytesPerSecond) {
        this.bytesPerNano = megabytesPerSecond <= 0 ? 0 : megabytesPerSecond * 1_000_000 / 1e9;
        this.nextFreeNanos = System.nanoTime();
    }

    public static RateLimiter unlimited() {
        return new RateLimiter(0);
    }

    /** Waits until {@code bytes} more may be read. */
    public void acquire(long bytes) throws InterruptedException {
        if (bytesPerNano == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(now, nextFreeNanos);
            nextFreeNanos = start + (long) (bytes / bytesPerNano);
            wait = start - now;
        }
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
