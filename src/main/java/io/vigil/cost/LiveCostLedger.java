package io.vigil.cost;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Optional;

/**
 * What the live estimate adds up to over time: the USD-per-hour readings integrated (trapezoids
 * between readings; a gap longer than {@link #MAX_GAP_MS} is time nobody watched and adds nothing),
 * with a checkpoint of the running total about once a minute for the last {@link #KEEP_MS}, so
 * "how much since 14:02" is a subtraction, not a pass over a day of points. Thread-safe.
 */
public final class LiveCostLedger {

    /** A gap between readings longer than this adds nothing: Vigil (or the GPU source) was not watching. */
    static final long MAX_GAP_MS = 5 * 60_000;
    static final long CHECKPOINT_MS = 60_000;
    static final long KEEP_MS = 26 * 3_600_000L;

    private record Checkpoint(long epochMillis, double cumulativeUsd) {
    }

    /** USD spent from {@code fromMillis} (or later, when the ledger starts later) to the newest reading. */
    public record Spent(double usd, long fromMillis, long toMillis) {
    }

    private final Deque<Checkpoint> checkpoints = new ArrayDeque<>();
    private long lastMillis = -1;
    private double lastUsdPerHour;
    private double cumulativeUsd;
    /** Where the newest unbroken stretch of readings starts: nothing is known before it. */
    private long stretchStart = -1;

    /** Adds a reading; readings must come in time order (an older one is ignored). */
    public synchronized void add(long epochMillis, double usdPerHour) {
        if (Double.isNaN(usdPerHour) || epochMillis <= lastMillis) {
            return;
        }
        if (lastMillis >= 0 && epochMillis - lastMillis <= MAX_GAP_MS) {
            cumulativeUsd += (lastUsdPerHour + usdPerHour) / 2 * (epochMillis - lastMillis) / 3_600_000.0;
        } else {
            stretchStart = epochMillis;
            checkpoints.clear(); // only the newest stretch answers "since when"
        }
        lastMillis = epochMillis;
        lastUsdPerHour = usdPerHour;
        Checkpoint newest = checkpoints.peekLast();
        if (newest == null || epochMillis - newest.epochMillis() >= CHECKPOINT_MS) {
            checkpoints.addLast(new Checkpoint(epochMillis, cumulativeUsd));
        }
        while (!checkpoints.isEmpty() && epochMillis - checkpoints.peekFirst().epochMillis() > KEEP_MS) {
            checkpoints.removeFirst();
        }
    }

    /**
     * What was spent from {@code fromMillis} to the newest reading: from the checkpoint at or just
     * before it (linear between checkpoints), or from the first one after it when the ledger starts
     * later (then {@link Spent#fromMillis()} says where). Empty before any reading at or after it.
     */
    public synchronized Optional<Spent> since(long fromMillis) {
        if (lastMillis < 0 || lastMillis < fromMillis) {
            return Optional.empty();
        }
        Checkpoint before = null;
        Checkpoint after = null;
        for (Iterator<Checkpoint> it = checkpoints.iterator(); it.hasNext(); ) {
            Checkpoint c = it.next();
            if (c.epochMillis() <= fromMillis) {
                before = c;
            } else {
                after = c;
                break;
            }
        }
        double startUsd;
        long start;
        if (before == null) {
            Checkpoint first = checkpoints.peekFirst();
            start = first == null ? stretchStart : first.epochMillis();
            startUsd = first == null ? 0 : first.cumulativeUsd();
        } else if (after == null) {
            // Between the newest checkpoint and the newest reading: interpolate on the running total.
            double f = lastMillis == before.epochMillis() ? 0
                    : (double) (fromMillis - before.epochMillis()) / (lastMillis - before.epochMillis());
            startUsd = before.cumulativeUsd() + f * (cumulativeUsd - before.cumulativeUsd());
            start = fromMillis;
        } else {
            double f = (double) (fromMillis - before.epochMillis()) / (after.epochMillis() - before.epochMillis());
            startUsd = before.cumulativeUsd() + f * (after.cumulativeUsd() - before.cumulativeUsd());
            start = fromMillis;
        }
        return Optional.of(new Spent(cumulativeUsd - startUsd, start, lastMillis));
    }
}
