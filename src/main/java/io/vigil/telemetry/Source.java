package io.vigil.telemetry;

import java.time.Duration;
import java.time.Instant;

/**
 * A telemetry source (GPU, host, cost, …). The {@link SourceScheduler} calls {@link #poll} on its own
 * period from a virtual thread, never from the UI thread, and never twice at once for one source.
 *
 * <p>A poll that throws marks the source DOWN with the exception's message, so messages should say
 * what a user can do. A poll that takes longer than {@link #pollTimeout()} is treated the same way.
 * Implementations keep their own typed snapshots (process lists, tables) for the views and
 * publish numbers as {@link Sample}s.
 */
public interface Source {

    /** Stable identifier, e.g. {@code host}, {@code gpu}, {@code cost}. */
    String id();

    /** Name shown in the status bar. */
    String displayName();

    /** How often to poll when healthy. */
    Duration period();

    /** A poll still running after this long is reported as hanging. */
    default Duration pollTimeout() {
        // Not Duration.multipliedBy: it goes through BigDecimal, and the scheduler asks at every poll.
        Duration thrice = Duration.ofMillis(Math.multiplyExact(period().toMillis(), 3));
        return thrice.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : thrice;
    }

    /** Reads the source once. {@code now} comes from the injected clock. */
    PollResult poll(Instant now) throws Exception;

    /**
     * Extra detail for {@code vigil status --json} (a list of GPUs, the request budget, …): plain
     * maps, lists, strings and numbers. Called after a poll, from any thread.
     */
    default java.util.Map<String, Object> statusDetails() {
        return java.util.Map.of();
    }

    /** Releases native or network resources; called once when the app stops. */
    default void close() {
    }
}
