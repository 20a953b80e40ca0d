package io.vigil.alerts;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The current {@link AlertMarks}, rebuilt only when the alerts changed (the manager's version) or a
 * silence ran out, so views may ask at every frame. Reads the manager's immutable snapshot and never
 * takes its lock: safe on the FX thread. Meant for one reading thread (the FX thread).
 */
public final class AlertMarksFeed implements Supplier<AlertMarks> {

    private final Supplier<List<Alert>> open;
    private final LongSupplier version;
    private final Clock clock;
    private AlertMarks current = AlertMarks.NONE;
    private long builtFor = Long.MIN_VALUE;
    private Instant nextSilenceEnd = Instant.MAX;

    public AlertMarksFeed(AlertManager alerts, Clock clock) {
        this(alerts::open, alerts::version, clock);
    }

    AlertMarksFeed(Supplier<List<Alert>> open, LongSupplier version, Clock clock) {
        this.open = open;
        this.version = version;
        this.clock = clock;
    }

    /** A feed that never has alerts (no database, so no alert manager). */
    public static Supplier<AlertMarks> none() {
        return () -> AlertMarks.NONE;
    }

    @Override
    public AlertMarks get() {
        long v = version.getAsLong();
        Instant now = clock.instant();
        if (v != builtFor || !now.isBefore(nextSilenceEnd)) {
            // Version first: a snapshot at least as new as the version read is what gets built.
            List<Alert> alerts = open.get();
            current = AlertMarks.of(alerts, now);
            builtFor = v;
            nextSilenceEnd = alerts.stream().map(Alert::silencedUntil)
                    .filter(u -> u != null && u.isAfter(now)).min(Instant::compareTo).orElse(Instant.MAX);
        }
        return current;
    }
}
