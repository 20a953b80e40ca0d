package io.vigil.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every registered {@link Source} on its own period. Time comes from the injected clock: each
 * {@link #tick()} starts the polls that are due, on the poll executor (virtual threads in the app),
 * and checks running polls for hangs. In the app a single daemon thread ({@link #start}) calls
 * {@code tick()} only when something is due: the next poll, or the timeout of a running one; a poll
 * that finishes, a new source, "retry now" and "poll now" wake it early. Tests call {@code tick()}
 * directly after moving a fake clock.
 *
 * <p>Failure isolation: a poll that throws, or runs past its source's timeout, marks only that
 * source DOWN and schedules a retry with exponential backoff; other sources keep their periods.
 * A source is never polled twice at once, so a hung poll holds back only its own source.
 *
 * <p>Thread-safe: {@code tick()} may be called from one thread while polls finish on others.
 */
public final class SourceScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceScheduler.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration MAX_BASE_RETRY = Duration.ofSeconds(30);

    private final Clock clock;
    private final ExecutorService pollExecutor;
    private final List<TelemetryListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final List<String> order = new CopyOnWriteArrayList<>();
    private Thread ticker;
    private volatile boolean stopping;
    /** Guards {@link #wakeRequested}; the ticker waits on it. */
    private final Object wake = new Object();
    private boolean wakeRequested;

    public SourceScheduler(Clock clock, ExecutorService pollExecutor) {
        this.clock = clock;
        this.pollExecutor = pollExecutor;
    }

    /** A scheduler whose polls run on virtual threads. */
    public static SourceScheduler withVirtualThreads(Clock clock) {
        return new SourceScheduler(clock, Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("poll-", 0).factory()));
    }

    public void addListener(TelemetryListener listener) {
        listeners.add(listener);
    }

    public void register(Source source) {
        if (slots.putIfAbsent(source.id(), new Slot(source, clock.instant())) != null) {
            throw new IllegalArgumentException("a source with id '" + source.id() + "' is already registered");
        }
        order.add(source.id());
        wakeTicker();
    }

    public List<Source> sources() {
        return order.stream().map(id -> slots.get(id).source).toList();
    }

    /**
     * Starts the polls that are due and checks running ones for hangs.
     *
     * @return the polls started by this tick, so a caller can wait for them
     */
    public List<Future<?>> tick() {
        return startPolls(source -> false);
    }

    /**
     * Starts a poll of every idle source that {@code force} accepts, due or not, plus the ones that
     * are due (used by {@code vigil status} to take a reading right away).
     */
    public List<Future<?>> pollNow(java.util.function.Predicate<Source> force) {
        List<Future<?>> started = startPolls(force);
        wakeTicker();
        return started;
    }

    /**
     * "Retry now": every idle source that {@code which} accepts is due now, failing or not (its
     * backoff is cut short), then a tick starts them.
     */
    public List<Future<?>> retryNow(java.util.function.Predicate<Source> which) {
        Instant now = clock.instant();
        for (String id : order) {
            Slot slot = slots.get(id);
            synchronized (slot) {
                if (slot.running == null && which.test(slot.source) && slot.nextDue.isAfter(now)) {
                    slot.nextDue = now;
                }
            }
        }
        List<Future<?>> started = tick();
        wakeTicker();
        return started;
    }

    private List<Future<?>> startPolls(java.util.function.Predicate<Source> force) {
        Instant now = clock.instant();
        List<Future<?>> started = new ArrayList<>();
        for (String id : order) {
            Slot slot = slots.get(id);
            synchronized (slot) {
                if (slot.running != null) {
                    checkHang(slot, now);
                    continue;
                }
                if (!now.isBefore(slot.nextDue) || (slot.failures == 0 && force.test(slot.source))) {
                    slot.startedAt = now;
                    slot.timedOut = false;
                    slot.pollStarted = false;
                    long generation = ++slot.generation;
                    slot.running = pollExecutor.submit(() -> runPoll(slot, generation));
                    started.add(slot.running);
                }
            }
        }
        return started;
    }

    private void checkHang(Slot slot, Instant now) {
        Duration timeout = slot.source.pollTimeout();
        if (slot.timedOut || now.isBefore(slot.startedAt.plus(timeout))) {
            return;
        }
        slot.timedOut = true;
        slot.failures++;
        Duration retry = retryDelay(slot.source, slot.failures);
        slot.nextDue = now.plus(retry);
        setHealth(slot, SourceHealth.down("no answer after " + timeout.toSeconds() + " s; retrying in "
                + retry.toSeconds() + " s"));
        LOG.warn("Source {} did not answer within {}; interrupting it", slot.source.id(), timeout);
        slot.running.cancel(true);
        if (!slot.pollStarted) {
            // The poll never began (a loaded machine, a fast scenario clock): cancelling it means it
            // never will, so nothing would ever free the slot. Free it now; a late start sees the
            // new generation and returns at once.
            slot.generation++;
            slot.running = null;
            slot.timedOut = false;
        }
        // Otherwise the slot stays busy until the interrupted poll returns: a source never runs twice at once.
    }

    private void runPoll(Slot slot, long generation) {
        synchronized (slot) {
            if (slot.generation != generation) {
                return; // given up on before it started
            }
            slot.pollStarted = true;
        }
        PollResult result = null;
        Throwable failure = null;
        try {
            result = slot.source.poll(slot.startedAt);
            if (result == null) {
                failure = new IllegalStateException("source returned no result");
            }
        } catch (Throwable t) {
            failure = t;
        }
        Instant finished = clock.instant();
        SourceHealth health;
        List<Sample> samples = List.of();
        synchronized (slot) {
            if (slot.generation != generation) {
                return;
            }
            slot.running = null;
            if (failure == null) {
                slot.failures = 0;
                // A poll that answers DOWN (no driver, no account) did not read anything: a source that
                // has only ever answered DOWN was never present here, which source-down stays quiet about.
                if (result.health().state() != HealthState.DOWN) {
                    slot.lastSuccess = finished;
                }
                if (!slot.timedOut) {
                    slot.nextDue = slot.startedAt.plus(slot.source.period());
                    if (slot.nextDue.isBefore(finished)) {
                        slot.nextDue = finished;
                    }
                } else {
                    slot.nextDue = finished.plus(slot.source.period());
                }
                health = result.health();
                samples = result.samples();
            } else {
                if (!slot.timedOut) {
                    slot.failures++;
                    Duration retry = retryAfter(failure).orElse(retryDelay(slot.source, slot.failures));
                    slot.nextDue = finished.plus(retry);
                    health = SourceHealth.down(describe(failure) + "; retrying in " + retry.toSeconds() + " s");
                    logFailure(slot, failure);
                } else {
                    health = slot.health; // already DOWN for hanging; keep its reason
                }
            }
            slot.timedOut = false;
            setHealth(slot, health);
        }
        wakeTicker(); // its next poll is now due at a time the ticker has not planned for
        if (!samples.isEmpty()) {
            for (TelemetryListener listener : listeners) {
                try {
                    listener.onSamples(slot.source.id(), samples);
                } catch (RuntimeException e) {
                    LOG.error("Listener {} failed on samples of {}", listener, slot.source.id(), e);
                }
            }
        }
    }

    private static java.util.Optional<Duration> retryAfter(Throwable failure) {
        return failure instanceof SourceException se ? se.retryAfter() : java.util.Optional.empty();
    }

    private void logFailure(Slot slot, Throwable failure) {
        // Log the cause once per outage, not on every retry, so a long outage does not flood the log.
        if (slot.failures == 1) {
            if (failure instanceof SourceException) {
                LOG.warn("Source {} is down: {}", slot.source.id(), failure.getMessage());
            } else {
                LOG.warn("Source {} failed", slot.source.id(), failure);
            }
        }
    }

    static String describe(Throwable failure) {
        if (failure instanceof InterruptedException || failure instanceof CancellationException) {
            return "poll interrupted";
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        return failure instanceof SourceException ? message : failure.getClass().getSimpleName() + ": " + message;
    }

    static Duration retryDelay(Source source, int failures) {
        Duration base = source.period().compareTo(MAX_BASE_RETRY) < 0 ? source.period() : MAX_BASE_RETRY;
        if (base.isZero() || base.isNegative()) {
            base = Duration.ofSeconds(1);
        }
        int shift = Math.min(Math.max(failures - 1, 0), 20);
        Duration delay = base.multipliedBy(1L << shift);
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    private void setHealth(Slot slot, SourceHealth health) {
        boolean changed = !health.equals(slot.health);
        slot.health = health;
        if (changed) {
            for (TelemetryListener listener : listeners) {
                try {
                    listener.onHealth(slot.source.id(), health);
                } catch (RuntimeException e) {
                    LOG.error("Listener {} failed on health of {}", listener, slot.source.id(), e);
                }
            }
        }
    }

    /** The current state of every source, in registration order. */
    public List<SourceStatus> statuses() {
        List<SourceStatus> out = new ArrayList<>();
        for (String id : order) {
            Slot slot = slots.get(id);
            synchronized (slot) {
                out.add(new SourceStatus(id, slot.source.displayName(), slot.health, slot.lastSuccess,
                        slot.nextDue, slot.failures));
            }
        }
        return out;
    }

    /** Whether a poll of {@code sourceId} is still running (a hung one included). */
    public boolean isPolling(String sourceId) {
        Slot slot = slots.get(sourceId);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            return slot.running != null;
        }
    }

    /**
     * The earliest instant on the scheduler's clock at which {@link #tick()} has something to do: a
     * source's next poll, or the timeout of a running poll not yet given up on; null when there is
     * nothing (no sources, or every poll hung and already marked, which wakes us when it returns).
     */
    Instant nextWake() {
        Instant next = null;
        for (String id : order) {
            Slot slot = slots.get(id);
            Instant at;
            synchronized (slot) {
                if (slot.running == null) {
                    at = slot.nextDue;
                } else if (!slot.timedOut) {
                    at = slot.startedAt.plus(slot.source.pollTimeout());
                } else {
                    continue;
                }
            }
            if (next == null || at.isBefore(next)) {
                next = at;
            }
        }
        return next;
    }

    private void wakeTicker() {
        synchronized (wake) {
            wakeRequested = true;
            wake.notifyAll();
        }
    }

    /**
     * Starts a daemon thread that calls {@link #tick()} whenever a poll is due or a running poll's
     * timeout passes, and otherwise sleeps: an idle console wakes once per due poll rather than on a
     * fixed tick. {@code maxWait} bounds each sleep in real time: the clock may run faster than real
     * time (a scenario at 60x, whose speed can change), so the sleep is converted with the clock's
     * rate measured over the previous sleep, and the bound caps the error when that rate changes.
     */
    public synchronized void start(Duration maxWait) {
        if (ticker != null) {
            return;
        }
        long maxWaitNanos = Math.max(1_000_000L, maxWait.toNanos());
        stopping = false;
        ticker = Thread.ofPlatform().daemon().name("scheduler").start(() -> runTicker(maxWaitNanos));
    }

    private void runTicker(long maxWaitNanos) {
        double clockRate = 1.0; // clock milliseconds per real millisecond, measured
        long lastNanos = System.nanoTime();
        long lastMillis = clock.millis();
        while (!stopping) {
            synchronized (wake) {
                wakeRequested = false; // a wake from here on is seen below
            }
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.error("Scheduler tick failed", e);
            }
            Instant next = nextWake();
            long nowMillis = clock.millis();
            long nowNanos = System.nanoTime();
            long realElapsed = nowNanos - lastNanos;
            if (realElapsed > 5_000_000L) {
                clockRate = (nowMillis - lastMillis) / (realElapsed / 1e6);
                lastNanos = nowNanos;
                lastMillis = nowMillis;
            }
            long waitNanos = maxWaitNanos;
            if (next != null && clockRate > 1e-6) {
                // +1 ms: wake just after the due instant, not just before it (which would only re-sleep).
                double clockDelayMillis = next.toEpochMilli() - nowMillis + 1;
                waitNanos = (long) Math.min(maxWaitNanos, Math.max(1_000_000L, clockDelayMillis / clockRate * 1e6));
            }
            try {
                synchronized (wake) {
                    if (!wakeRequested && !stopping) {
                        TimeUnit.NANOSECONDS.timedWait(wake, waitNanos);
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops at once: running polls are interrupted, then the sources close. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops ticking, waits up to {@code grace} for the polls in flight to return (interrupting them
     * after that), then closes the sources, so no poll uses a source (or its AWS client) after close.
     */
    public synchronized void close(Duration grace) {
        if (ticker != null) {
            stopping = true;
            ticker.interrupt();
            try {
                ticker.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticker = null;
        }
        pollExecutor.shutdown();
        try {
            if (!pollExecutor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                pollExecutor.shutdownNow();
                if (!pollExecutor.awaitTermination(1, TimeUnit.SECONDS)) {
                    LOG.warn("Polls still running after close; closing their sources anyway");
                }
            }
        } catch (InterruptedException e) {
            pollExecutor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (String id : order) {
            try {
                slots.get(id).source.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing source {} failed", id, e);
            }
        }
    }

    private static final class Slot {
        final Source source;
        /** Whether the current poll's task has begun running (guarded by the slot). */
        boolean pollStarted;
        Instant nextDue;
        Instant startedAt;
        Instant lastSuccess;
        Future<?> running;
        boolean timedOut;
        long generation;
        int failures;
        SourceHealth health = SourceHealth.unknown();

        Slot(Source source, Instant now) {
            this.source = source;
            this.nextDue = now;
        }
    }
}
