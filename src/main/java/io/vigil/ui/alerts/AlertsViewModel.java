package io.vigil.ui.alerts;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertEvent;
import io.vigil.alerts.AlertExport;
import io.vigil.alerts.AlertManager;
import io.vigil.alerts.AlertState;
import io.vigil.store.RollupStore;
import io.vigil.store.StoreException;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import io.vigil.text.Durations;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;

/**
 * What the Alerts view shows and does. Actions write to the database, so they run on the
 * background executor; their results and the loaded history reach the view through volatile fields
 * that its refresh reads.
 */
public final class AlertsViewModel {

    private final AlertManager alerts;
    private final SeriesStore series;
    private final Optional<RollupStore> rollups;
    private final Clock clock;
    private final ExecutorService background;
    private final BiConsumer<String, Map<String, String>> runPlaybook;

    private volatile List<Alert> history = List.of();
    private volatile long historyVersion = -1;
    private volatile Detail detail;
    /** FX thread only: the selected alert's snapshot the detail was loaded for. */
    private Alert followed;
    private volatile boolean reloadRequested;
    private volatile String message = "";
    private volatile long messageSerial;

    /** The selected alert's history, loaded in the background. */
    record Detail(long alertId, List<AlertEvent> events, SeriesPoints points, long from, long to) {
    }

    public AlertsViewModel(AlertManager alerts, SeriesStore series, Optional<RollupStore> rollups, Clock clock,
                           ExecutorService background, BiConsumer<String, Map<String, String>> runPlaybook) {
        this.alerts = alerts;
        this.series = series;
        this.rollups = rollups;
        this.clock = clock;
        this.background = background;
        this.runPlaybook = runPlaybook;
    }

    long version() {
        return alerts.version();
    }

    /** Open alerts and recent history; reloads in the background when alerts changed. */
    List<Alert> alerts() {
        long v = alerts.version();
        if (v != historyVersion) {
            historyVersion = v;
            background.execute(() -> {
                try {
                    history = alerts.history(500);
                } catch (StoreException e) {
                    history = alerts.open();
                    say("Cannot read alert history: " + e.getMessage());
                }
            });
        }
        // Open alerts from memory (their values move every tick), resolved ones from the database.
        List<Alert> out = new java.util.ArrayList<>(alerts.open());
        for (Alert a : history) {
            if (!a.state().open()) {
                out.add(a);
            }
        }
        return out;
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * Follows the alert the analyst selected, by id: {@code current} is that alert's latest snapshot
     * (null when nothing is selected). Its history and chart are reloaded in the background whenever
     * the alert moved on (new state, silence, a recorded action), so the detail pane never keeps
     * showing what was true when the row was clicked.
     */
    void follow(Alert current) {
        if (current == null) {
            followed = null;
            detail = null;
            return;
        }
        Alert last = followed;
        boolean moved = last == null || last.id() != current.id() || last.state() != current.state()
                || !java.util.Objects.equals(last.updated(), current.updated())
                || !java.util.Objects.equals(last.silencedUntil(), current.silencedUntil())
                || last.severity() != current.severity();
        if (moved || reloadRequested) {
            reloadRequested = false;
            followed = current;
            load(current);
        }
    }

    /** The snapshot the detail pane was last loaded for (null when none). */
    Alert followed() {
        return followed;
    }

    private void load(Alert a) {
        background.execute(() -> {
            try {
                List<AlertEvent> events = alerts.events(a.id());
                long to = a.state().open() ? clock.millis() : a.updated().toEpochMilli() + 10 * 60_000;
                long from = Math.min(a.since().toEpochMilli() - 30 * 60_000, to - 60 * 60_000);
                SeriesPoints points = SeriesPoints.EMPTY;
                if (!a.metric().isEmpty()) {
                    MetricId id = MetricId.parse(a.metric());
                    SeriesPoints live = series.read(id, from, to, 600);
                    long firstLive = live.isEmpty() ? to : live.times()[0];
                    SeriesPoints older = firstLive > from + 60_000 && rollups.isPresent()
                            ? rollups.get().history(id, from, firstLive, 300) : SeriesPoints.EMPTY;
                    points = older.followedBy(live);
                    if (points.isEmpty()) {
                        from = to - 60 * 60_000;
                    } else if (points.times()[0] > from) {
                        // Do not draw an empty stretch before the first sample (a young series).
                        from = Math.min(points.times()[0] - 30_000, a.since().toEpochMilli() - 60_000);
                    }
                }
                detail = new Detail(a.id(), events, points, from, to);
            } catch (StoreException | IllegalArgumentException e) {
                detail = new Detail(a.id(), List.of(), SeriesPoints.EMPTY, 0, 0);
                say("Cannot load the alert's history: " + e.getMessage());
            }
        });
    }

    /** Which alerts the state filter lets through. */
    enum StateFilter {
        /** Everything not resolved: what the analyst still has to deal with, acknowledged and silenced included. */
        UNRESOLVED("unresolved"),
        /** Pending or firing and not silenced: needs someone now. */
        OPEN("open"),
        /** Firing and not silenced: what the header and the Dashboard's alert strip count and open. */
        FIRING("firing"),
        ACKNOWLEDGED("acknowledged"),
        SILENCED("silenced"),
        RESOLVED("resolved"),
        ALL("all states");

        final String label;

        StateFilter(String label) {
            this.label = label;
        }

        boolean admits(Alert a, Instant now) {
            boolean silenced = a.state().open() && a.silenced(now);
            return switch (this) {
                case UNRESOLVED -> a.state().open();
                case OPEN -> (a.state() == AlertState.PENDING || a.state() == AlertState.FIRING) && !silenced;
                case FIRING -> a.state() == AlertState.FIRING && !silenced;
                case ACKNOWLEDGED -> a.state() == AlertState.ACKNOWLEDGED;
                case SILENCED -> silenced;
                case RESOLVED -> a.state() == AlertState.RESOLVED;
                case ALL -> true;
            };
        }

        static StateFilter ofLabel(String label) {
            for (StateFilter f : values()) {
                if (f.label.equals(label)) {
                    return f;
                }
            }
            return UNRESOLVED;
        }
    }

    /** The alert's state in words, as the table and the detail pane say it ("firing · silenced"). */
    static String stateText(Alert a, Instant now) {
        String s = a.state().name().toLowerCase(java.util.Locale.ROOT);
        return a.state().open() && a.silenced(now) ? s + " · silenced" : s;
    }

    /**
     * Whether {@code a} matches the filter box: every word of {@code query} (case-insensitive) occurs
     * in its rule, subject, labels, state, severity or source. A blank query matches everything.
     */
    static boolean matchesText(Alert a, String query, Instant now) {
        if (query == null || query.isBlank()) {
            return true;
        }
        StringBuilder hay = new StringBuilder();
        hay.append(a.ruleId()).append('\n').append(a.subject()).append('\n').append(stateText(a, now)).append('\n')
                .append(a.severity().name()).append('\n').append(a.source()).append('\n');
        a.labels().forEach((k, v) -> hay.append(k).append('=').append(v).append('\n'));
        String h = hay.toString().toLowerCase(java.util.Locale.ROOT);
        for (String word : query.trim().toLowerCase(java.util.Locale.ROOT).split("\\s+")) {
            if (!h.contains(word)) {
                return false;
            }
        }
        return true;
    }

    Detail detail() {
        return detail;
    }

    interface Action {
        Alert run() throws StoreException;
    }

    void act(String what, Action action) {
        background.execute(() -> {
            try {
                Alert a = action.run();
                say(what + ": alert " + a.id() + " (" + a.subject() + ")");
                // A note changes no state: ask the next follow() to reload the history anyway.
                reloadRequested = true;
            } catch (StoreException | IllegalArgumentException | IllegalStateException e) {
                say(what + " failed: " + e.getMessage());
            }
        });
    }

    void acknowledge(long id, String note) {
        act("Acknowledged", () -> alerts.acknowledge(id, note));
    }

    void silence(long id, Instant until, String note) {
        act("Silenced until " + Durations.moment(until, clock.instant(), java.time.ZoneId.systemDefault()),
                () -> alerts.silence(id, until, note));
    }

    void annotate(long id, String note) {
        act("Note added", () -> alerts.annotate(id, note));
    }

    void resolve(long id, String note) {
        act("Resolved", () -> alerts.resolve(id, note));
    }

    void runPlaybook(Alert a) {
        runPlaybook.accept(a.playbook(), a.labels());
    }

    void export(List<Alert> rows, Path file, boolean json) {
        background.execute(() -> {
            try (Writer w = Files.newBufferedWriter(file)) {
                if (json) {
                    AlertExport.json(rows, w);
                } else {
                    AlertExport.csv(rows, w);
                }
                say("Exported " + rows.size() + " alerts to " + file);
            } catch (IOException e) {
                say("Export failed: " + e.getMessage());
            }
        });
    }

    private void say(String text) {
        message = text;
        messageSerial++;
    }

    String message() {
        return message;
    }

    long messageSerial() {
        return messageSerial;
    }
}
