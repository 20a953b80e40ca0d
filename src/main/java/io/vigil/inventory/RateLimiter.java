package io.vigil.inventory;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Limits the bytes read per second across every hashing thread, so a baseline verify of a large
 * model folder does not starve training jobs of disk bandwidth. Callers reserve bytes before
 * reading them and sleep until their reservation is due. A rate of 0 means unlimited. Thread-safe.
 */
public final class RateLimiter {

    /** Sleeps for a number of nanoseconds (the real one is {@link Thread#sleep(Duration)}). */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double bytesPerNano;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private long nextFreeNanos;

    /** {@code megabytesPerSecond} in units of 10^6 bytes; 0 or less means unlimited. */
    public RateLimiter(double megabytesPerSecond) {
        this(megabytesPerSecond, System::nanoTime, nanos -> Thread.sleep(Duration.ofNanos(nanos)));
    }

    /** With an injected time source and sleeper, so tests need not wait. */
    public RateLimiter(double megabytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        this.bytesPerNano = megabytesPerSecond <= 0 ? 0 : megabytesPerSecond * 1_000_000 / 1e9;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.nextFreeNanos = nanoTime.getAsLong();
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
            long now = nanoTime.getAsLong();
            long start = Math.max(now, nextFreeNanos);
            nextFreeNanos = start + (long) (bytes / bytesPerNano);
            wait = start - now;
        }
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
    }
}
