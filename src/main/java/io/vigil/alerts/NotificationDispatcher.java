package io.vigil.alerts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who hears of what: a firing alert goes to every notifier that accepts it, unless it is
 * silenced; an alert still firing and not acknowledged is repeated every {@code repeatInterval}
 * (zero: never); a resolve goes to the notifiers that heard the trigger; a silence that expires while
 * the alert still fires triggers again.
 *
 * <p>With a {@link NotificationLog} the "announced, and when" state is kept in the database and
 * read back at start, so a restart still resolves what paged and repeats what fires; a firing
 * alert that was never announced (Vigil stopped between the commit and the send) is announced at
 * the next {@link #tick}. A failed write is logged; the in-memory state still applies.
 *
 * <p>Thread-safe.
 */
public final class NotificationDispatcher implements AlertListener {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);

    private final Clock clock;
    private final Duration repeatInterval;
    private final List<Notifier> notifiers = new CopyOnWriteArrayList<>();
    /** When each alert was last announced (by id); present means "the trigger went out". */
    private final Map<Long, Instant> lastSent = new HashMap<>();

    private final NotificationLog log;

    /** State in memory only (tests, {@code vigil status}). */
    public NotificationDispatcher(Clock clock, Duration repeatInterval) {
        this.clock = clock;
        this.repeatInterval = repeatInterval;
        this.log = null;
    }

    /** State kept in {@code log} and restored from it now. */
    public NotificationDispatcher(Clock clock, Duration repeatInterval, NotificationLog log) {
        this.clock = clock;
        this.repeatInterval = repeatInterval;
        this.log = log;
        try {
            lastSent.putAll(log.load());
        } catch (io.vigil.store.StoreException e) {
            LOG.warn("Notification state not restored: {}", e.getMessage());
        }
    }

    public void addNotifier(Notifier n) {
        notifiers.add(n);
    }

    @Override
    public void onAlertEvent(Alert alert, AlertEvent event) {
        Instant now = clock.instant();
        switch (event.kind()) {
            case "firing", "silence expired" -> {
                if (alert.state() == AlertState.FIRING && !alert.silenced(now)) {
                    announce(new Notification(Notification.Kind.TRIGGER, alert), now);
                }
            }
            case "severity" -> {
                if (alert.state() == AlertState.FIRING && !alert.silenced(now)) {
                    announce(new Notification(Notification.Kind.TRIGGER, alert), now);
                }
            }
            case "resolved" -> {
                boolean heard;
                synchronized (lastSent) {
                    heard = lastSent.remove(alert.id()) != null;
                }
                if (heard && log != null) {
                    try {
                        log.forget(alert.id());
                    } catch (io.vigil.store.StoreException e) {
                        LOG.warn("Notification state of alert {} not updated: {}", alert.id(), e.getMessage());
                    }
                }
                if (heard) {
                    send(new Notification(Notification.Kind.RESOLVE, alert));
                }
            }
            default -> { }
        }
    }

    /**
     * Repeats still-firing, unacknowledged, unsilenced alerts whose interval has passed; with a
     * {@link NotificationLog}, announces firing ones that never were (lost to a stop).
     */
    public void tick(List<Alert> open) {
        Instant now = clock.instant();
        for (Alert a : open) {
            if (a.state() != AlertState.FIRING || a.silenced(now)) {
                continue;
            }
            Instant last;
            synchronized (lastSent) {
                last = lastSent.get(a.id());
            }
            if (last == null && log != null) {
                announce(new Notification(Notification.Kind.TRIGGER, a), now);
                continue;
            }
            if (repeatInterval.isZero()) {
                continue;
            }
            if (last != null && !now.isBefore(last.plus(repeatInterval))) {
                announce(new Notification(Notification.Kind.REPEAT, a), now);
            }
        }
    }

    private void announce(Notification n, Instant now) {
        synchronized (lastSent) {
            lastSent.put(n.alert().id(), now);
        }
        if (log != null) {
            try {
                log.sent(n.alert().id(), now);
            } catch (io.vigil.store.StoreException e) {
                LOG.warn("Notification state of alert {} not saved: {}", n.alert().id(), e.getMessage());
            }
        }
        send(n);
    }

    private void send(Notification n) {
        for (Notifier notifier : notifiers) {
            if (notifier.accepts(n)) {
                try {
                    notifier.send(n);
                } catch (RuntimeException e) {
                    LOG.warn("Notifier {} failed: {}", notifier.getClass().getSimpleName(), e.getMessage());
                }
            }
        }
    }
}
