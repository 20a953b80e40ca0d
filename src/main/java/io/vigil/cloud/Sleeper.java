package io.vigil.cloud;

import java.time.Duration;

/**
 * Waits between retries of a page inside one poll. The app sleeps the poll's virtual thread; tests
 * pass one that records the wait and returns at once.
 */
@FunctionalInterface
public interface Sleeper {

    /** The real one: {@link Thread#sleep(Duration)}. */
    Sleeper THREAD = Thread::sleep;

    void sleep(Duration d) throws InterruptedException;
}
