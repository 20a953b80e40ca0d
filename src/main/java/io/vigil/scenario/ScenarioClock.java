package io.vigil.scenario;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The clock of a replayed scenario: starts at the scenario's start and runs {@code speed} times faster
 * than real time (60 = an hour a minute). It never runs backwards, so series and rules see monotonic
 * time; scenarios loop by taking the offset modulo their length. The speed can change while
 * running. Thread-safe.
 */
public final class ScenarioClock extends Clock {

    private final ZoneId zone;
    private final java.util.function.LongSupplier nanoTime;
    private long anchorMillis;
    private long anchorNanos;
    private double speed;

    public ScenarioClock(Instant start, double speed, ZoneId zone) {
        this(start, speed, zone, System::nanoTime);
    }

    ScenarioClock(Instant start, double speed, ZoneId zone, java.util.function.LongSupplier nanoTime) {
        this.zone = zone;
        this.nanoTime = nanoTime;
        this.anchorMillis = start.toEpochMilli();
        this.anchorNanos = nanoTime.getAsLong();
        this.speed = checkSpeed(speed);
    }

    private static double checkSpeed(double speed) {
        if (!(speed > 0 && speed <= 10_000)) {
            throw new IllegalArgumentException("scenario speed must be between 0 and 10000, was " + speed);
        }
        return speed;
    }

    public synchronized double speed() {
        return speed;
    }

    /** Changes the speed from now on, without a jump in time. */
    public synchronized void setSpeed(double newSpeed) {
        long now = nanoTime.getAsLong();
        anchorMillis = currentMillis(now);
        anchorNanos = now;
        speed = checkSpeed(newSpeed);
    }

    private long currentMillis(long now) {
        return anchorMillis + (long) ((now - anchorNanos) / 1e6 * speed);
    }

    @Override
    public synchronized long millis() {
        return currentMillis(nanoTime.getAsLong());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a scenario clock has one zone");
    }
}
