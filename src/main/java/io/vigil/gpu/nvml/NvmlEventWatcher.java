package io.vigil.gpu.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.vigil.gpu.XidEvent;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for NVML error events (XID critical errors, single- and double-bit ECC) on a dedicated
 * platform thread: {@code nvmlEventSetWait_v2} blocks in native code, which must not pin a virtual
 * thread's carrier. Each wait is bounded ({@code waitMs}, 1 s by default) so {@link #close()} stops
 * the thread within about one wait.
 *
 * <p>The watcher holds its own NVML init reference and device handles, so it does not depend on
 * the poller's: when the driver goes away (a wait answers UNINITIALIZED, GPU_IS_LOST, …) it frees
 * its set, drops its reference and re-arms with backoff (1 s doubling to 30 s) until NVML answers
 * again. Each event goes to the sink on the watcher thread; the sink must be quick and thread-safe.
 *
 * <p>NVML counts init references and only really shuts down when the last one is dropped, so the
 * poller's re-initialisation after a lost GPU would re-initialise nothing while this thread holds a
 * reference. The poller owns that cycle: {@link #pause(Duration)} makes the thread leave its wait,
 * free its set and drop its reference, and park until {@link #resume()} (ADR 0130).
 *
 * <p>{@link #state()}, {@link #reason()}, {@link #pause(Duration)} and {@link #resume()} are safe
 * from any thread.
 */
public final class NvmlEventWatcher implements AutoCloseable {

    /** {@code nvmlEventData_t}, 32 bytes on x86_64 and aarch64. */
    static final StructLayout EVENT_DATA = MemoryLayout.structLayout(
            ADDRESS.withName("device"),
            JAVA_LONG.withName("eventType"),
            JAVA_LONG.withName("eventData"),
            JAVA_INT.withName("gpuInstanceId"),
            JAVA_INT.withName("computeInstanceId")).withName("nvmlEventData_t");
    private static final VarHandle DEVICE = EVENT_DATA.varHandle(MemoryLayout.PathElement.groupElement("device"))
            .withInvokeExactBehavior();
    private static final VarHandle EVENT_TYPE = EVENT_DATA.varHandle(MemoryLayout.PathElement.groupElement("eventType"))
            .withInvokeExactBehavior();
    private static final VarHandle EVENT_DATA_FIELD = EVENT_DATA.varHandle(
            MemoryLayout.PathElement.groupElement("eventData")).withInvokeExactBehavior();

    private static final Logger LOG = LoggerFactory.getLogger(NvmlEventWatcher.class);
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final long ALL_TYPES = XidEvent.Kind.XID.mask() | XidEvent.Kind.SINGLE_BIT_ECC.mask()
            | XidEvent.Kind.DOUBLE_BIT_ECC.mask();

    /** Where the watcher is. */
    public enum State { STARTING, ARMED, DOWN, PAUSED, STOPPED }

    private final Nvml nvml;
    private final Consumer<XidEvent> sink;
    private final Clock clock;
    private final int waitMs;
    private final AtomicLong seq;
    private final Thread thread;
    /** Guards the pause hand-shake and wakes the backoff wait. */
    private final Object gate = new Object();
    private volatile boolean stop;
    /** The owner asked the thread to let go of NVML (written under {@link #gate}). */
    private volatile boolean pauseRequested;
    /** The thread holds no set and no init reference and waits for {@link #resume()} (under gate). */
    private boolean parked;
    private volatile State state = State.STARTING;
    private volatile String reason = "starting";
    private volatile long arms;

    /**
     * Starts the watcher thread.
     *
     * @param seq numbers the events; shared with the owner so numbers keep rising across watchers
     */
    public NvmlEventWatcher(Nvml nvml, Consumer<XidEvent> sink, Clock clock, Duration wait, AtomicLong seq) {
        this.nvml = nvml;
        this.sink = sink;
        this.clock = clock;
        this.waitMs = (int) Math.max(1, Math.min(wait.toMillis(), 10_000));
        this.seq = seq;
        this.thread = Thread.ofPlatform().daemon().name("nvml-events").unstarted(this::run);
        thread.start();
    }

    public State state() {
        return state;
    }

    /** Why the watcher is not ARMED (or "armed"). */
    public String reason() {
        return reason;
    }

    /** How many times it has armed (registered its event set); rises after each recovery. */
    public long arms() {
        return arms;
    }

    private void run() {
        long backoff = 1000;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(EVENT_DATA);
            MemorySegment setOut = arena.allocate(ADDRESS);
            MemorySegment deviceOut = arena.allocate(ADDRESS);
            MemorySegment u32 = arena.allocate(JAVA_INT);
            MemorySegment text = arena.allocate(96);
            while (!stop) {
                if (parkWhileAsked()) {
                    backoff = 1000;
                    continue;
                }
                Armed armed = arm(setOut, deviceOut, u32, text);
                if (armed == null) {
                    state = State.DOWN;
                    if (await(backoff)) {
                        break;
                    }
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                    continue;
                }
                backoff = 1000;
                state = State.ARMED;
                reason = "armed";
                arms++;
                waitLoop(armed, data);
                nvml.eventSetFree(armed.set());
                nvml.shutdown(); // drops this watcher's reference; harmless when the driver already went away
            }
        } catch (RuntimeException e) {
            LOG.warn("NVML event watcher stopped: {}", e.toString());
            reason = e.toString();
        } finally {
            state = State.STOPPED;
        }
    }

    /** The armed event set and the devices it covers, by index. */
    private record Armed(MemorySegment set, List<MemorySegment> devices, List<String> uuids) {
    }

    private Armed arm(MemorySegment setOut, MemorySegment deviceOut, MemorySegment u32, MemorySegment text) {
        int rc = nvml.init();
        if (rc != NvmlReturn.SUCCESS) {
            reason = "nvmlInit: " + NvmlReturn.name(rc);
            return null;
        }
        rc = nvml.deviceGetCount(u32);
        if (rc != NvmlReturn.SUCCESS) {
            reason = "nvmlDeviceGetCount: " + NvmlReturn.name(rc);
            nvml.shutdown();
            return null;
        }
        int count = u32.get(JAVA_INT, 0);
        rc = nvml.eventSetCreate(setOut);
        if (rc != NvmlReturn.SUCCESS) {
            reason = "nvmlEventSetCreate: " + NvmlReturn.name(rc);
            nvml.shutdown();
            return null;
        }
        MemorySegment set = setOut.get(ADDRESS, 0);
        List<MemorySegment> devices = new ArrayList<>(count);
        List<String> uuids = new ArrayList<>(count);
        int registered = 0;
        for (int i = 0; i < count; i++) {
            MemorySegment dev = nvml.deviceGetHandleByIndex(i, deviceOut) == NvmlReturn.SUCCESS
                    ? deviceOut.get(ADDRESS, 0) : MemorySegment.NULL;
            devices.add(dev);
            uuids.add(!dev.equals(MemorySegment.NULL) && nvml.deviceGetUuid(dev, text, 96) == NvmlReturn.SUCCESS
                    ? text.getString(0) : "");
            if (dev.equals(MemorySegment.NULL)) {
                continue;
            }
            rc = nvml.deviceRegisterEvents(dev, ALL_TYPES, set);
            if (NvmlReturn.isUnsupported(rc)) {
                // Cards without ECC refuse the ECC types; XIDs alone are still worth having.
                rc = nvml.deviceRegisterEvents(dev, XidEvent.Kind.XID.mask(), set);
            }
            if (rc == NvmlReturn.SUCCESS) {
                registered++;
            }
        }
        if (registered == 0) {
            reason = count == 0 ? "no GPU" : "no GPU accepts event registration";
            nvml.eventSetFree(set);
            nvml.shutdown();
            return null;
        }
        return new Armed(set, devices, uuids);
    }

    private void waitLoop(Armed armed, MemorySegment data) {
        while (!stop && !pauseRequested) {
            int rc = nvml.eventSetWait(armed.set(), data, waitMs);
            if (rc == NvmlReturn.TIMEOUT) {
                continue;
            }
            if (rc != NvmlReturn.SUCCESS) {
                reason = "nvmlEventSetWait: " + NvmlReturn.name(rc) + "; re-arming";
                state = State.DOWN;
                LOG.info("NVML event wait answered {}; re-arming with backoff", NvmlReturn.name(rc));
                return;
            }
            deliver(armed, data);
        }
    }

    private void deliver(Armed armed, MemorySegment data) {
        MemorySegment dev = (MemorySegment) DEVICE.get(data, 0L);
        long type = (long) EVENT_TYPE.get(data, 0L);
        long payload = (long) EVENT_DATA_FIELD.get(data, 0L);
        XidEvent.Kind kind = XidEvent.Kind.of(type);
        if (kind == null) {
            return;
        }
        int gpu = armed.devices().indexOf(dev);
        String uuid = gpu >= 0 ? armed.uuids().get(gpu) : "";
        try {
            sink.accept(new XidEvent(seq.incrementAndGet(), clock.millis(), gpu, uuid, kind, payload));
        } catch (RuntimeException e) {
            LOG.warn("NVML event sink failed", e);
        }
    }

    /** Waits {@code ms}, or until closed or asked to pause; true when closed. */
    private boolean await(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (gate) {
            try {
                for (long left; !stop && !pauseRequested && (left = deadline - System.nanoTime()) > 0; ) {
                    TimeUnit.NANOSECONDS.timedWait(gate, left);
                }
            } catch (InterruptedException e) {
                return true;
            }
            return stop;
        }
    }

    /**
     * Called between arms, when the thread holds no set and no init reference: parks while the owner
     * re-initialises NVML. Returns whether it parked.
     */
    private boolean parkWhileAsked() {
        synchronized (gate) {
            if (!pauseRequested) {
                return false;
            }
            parked = true;
            state = State.PAUSED;
            reason = "paused while NVML re-initialises";
            gate.notifyAll();
            try {
                while (pauseRequested && !stop) {
                    gate.wait();
                }
            } catch (InterruptedException e) {
                stop = true;
            } finally {
                parked = false;
            }
            return true;
        }
    }

    /**
     * Asks the thread to leave its wait, free its event set, drop its NVML init reference and park,
     * and waits up to {@code timeout} (about one event wait) until it has. Returns true when it holds
     * nothing (parked or ended): the caller may shut NVML down and must then call {@link #resume()}.
     * False when it is stuck in a driver call: the caller must not shut down under it, and should
     * still call {@link #resume()} to cancel the request.
     */
    public boolean pause(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (gate) {
            pauseRequested = true;
            gate.notifyAll();
            try {
                for (long left; !parked && thread.isAlive() && (left = deadline - System.nanoTime()) > 0; ) {
                    // Bounded so a thread that ends without parking (stopped, failed) is noticed.
                    TimeUnit.NANOSECONDS.timedWait(gate, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return parked || !thread.isAlive();
        }
    }

    /** Lets a paused thread take a fresh init reference and arm again. */
    public void resume() {
        synchronized (gate) {
            pauseRequested = false;
            gate.notifyAll();
        }
    }

    /** How long {@link #pause(Duration)} should be given: the thread notices at the end of a wait. */
    public Duration pauseTimeout() {
        return Duration.ofMillis(waitMs * 3L + 2000);
    }

    /**
     * Stops the thread and waits for it (about one wait). Returns whether it ended; a thread stuck
     * in a hung driver call is left behind (it is a daemon).
     */
    public boolean stop() {
        synchronized (gate) {
            stop = true;
            gate.notifyAll();
        }
        try {
            thread.join(Duration.ofMillis(waitMs * 3L + 2000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    @Override
    public void close() {
        stop();
    }
}
