package io.vigil.ui.alerts;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertEvent;
import io.vigil.alerts.AlertExport;
import io.vigil.alerts.AlertManager;
import io.vigil.store.RollupStore;
import io.vigil.store.StoreException;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
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

    void select(Alert a) {
        if (a == null) {
            detail = null;
            return;
        }
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
                select(a);
            } catch (StoreException | IllegalArgumentException | IllegalStateException e) {
                say(what + " failed: " + e.getMessage());
            }
        });
    }

    void acknowledge(long id, String note) {
        act("Acknowledged", () -> alerts.acknowledge(id, note));
    }

    void silence(long id, Instant until, String note) {
        act("Silenced until " + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .withZone(java.time.ZoneId.systemDefault()).format(until), () -> alerts.silence(id, until, note));
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
