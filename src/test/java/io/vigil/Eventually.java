package io.vigil;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition that another thread or process makes true (a file written, a process gone,
 * an event delivered), bounded by a deadline: the one way tests here wait for something other than
 * the injected clock. It never waits for time itself to pass.
 */
public final class Eventually {

    /** A condition that may throw while it is checked (it reads files or /proc). */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Check condition) throws Exception {
        if (!holdsWithin(timeout, condition)) {
            throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
        }
    }

    /** Whether {@code condition} held within {@code timeout}; for callers that assert with more detail. */
    public static boolean holdsWithin(Duration timeout, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                throw new InterruptedException("waiting for a condition");
            }
        }
        return true;
    }
}
