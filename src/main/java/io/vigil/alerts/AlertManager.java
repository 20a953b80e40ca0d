package io.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert lifecycle: turns each {@link Evaluation} into alerts (pending → firing), lets the analyst
 * acknowledge, silence, annotate and resolve them, and resolves them when their condition clears.
 * Alerts are de-duplicated by rule and identity labels: one open alert per instance.
 *
 * <p>Every change is committed to SQLite ({@code alert} and {@code alert_event} tables) before the
 * in-memory copy changes and before listeners hear of it, so what is shown has been kept, and a
 * restart picks up the open alerts where they were. A failed write leaves the alert as it was; the
 * next tick tries again.
 *
 * <p>Thread-safe: changes are serialised on this object's monitor, which is held across the
 * database commit; readers ({@link #open()}, {@link #openCounts()}, {@link #version()}) never take
 * it: they read an immutable snapshot published through a volatile field after each change, so the
 * FX thread never waits for a commit. Listeners are called outside the lock.
 */
public final class AlertManager {

    private static final Logger LOG = LoggerFactory.getLogger(AlertManager.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE alert (id INTEGER PRIMARY KEY AUTOINCREMENT, dedup_key TEXT NOT NULL, rule_id TEXT NOT NULL,"
                    + " severity TEXT NOT NULL, subject TEXT NOT NULL, labels TEXT NOT NULL, value REAL,"
                    + " state TEXT NOT NULL, since INTEGER NOT NULL, fired_at INTEGER, updated INTEGER NOT NULL,"
                    + " silenced_until INTEGER, playbook TEXT NOT NULL, runbook TEXT NOT NULL, metric TEXT NOT NULL,"
                    + " source TEXT NOT NULL);"
                    + "CREATE UNIQUE INDEX alert_open_key ON alert(dedup_key) WHERE state <> 'RESOLVED';"
                    + "CREATE TABLE alert_event (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " alert_id INTEGER NOT NULL REFERENCES alert(id), at INTEGER NOT NULL, kind TEXT NOT NULL,"
                    + " detail TEXT NOT NULL);"
                    + "CREATE INDEX alert_event_alert ON alert_event(alert_id)");

    private final Database database;
    private final Clock clock;
    private final Function<String, Optional<Rule>> rules;
    private final Map<String, Alert> open = new LinkedHashMap<>();
    /** Keys resolved by hand while their condition still holds: not re-raised until it clears. */
    private final Set<String> resolvedByHand = new HashSet<>();
    private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long version;
    /** A state change not yet published (monitor held). */
    private boolean changed;
    /** What readers see: replaced as a whole after every change, never modified. */
    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of());

    private record Snapshot(List<Alert> open, Map<Severity, Integer> counts) {
    }
    /** Alerts restored from the database are not resolved for lack of data before this time. */
    private final Instant restoredGraceEnd;
    private final Set<Long> restored = new HashSet<>();

    /** With a two-minute grace after start-up for restored alerts (sources need a poll or two). */
    public AlertManager(Database database, Clock clock, Function<String, Optional<Rule>> rules) throws StoreException {
        this(database, clock, rules, java.time.Duration.ofMinutes(2));
    }

    /**
     * @param rules        looks a rule up by id, for the playbook and runbook an alert carries
     * @param restoreGrace how long alerts restored from the database stay open without a matching
     *                     instance: right after a restart the metrics have not arrived yet
     */
    public AlertManager(Database database, Clock clock, Function<String, Optional<Rule>> rules,
                        java.time.Duration restoreGrace) throws StoreException {
        this.database = database;
        this.clock = clock;
        this.rules = rules;
        this.restoredGraceEnd = clock.instant().plus(restoreGrace);
        database.migrate("alerts", MIGRATIONS);
        for (Alert a : query("SELECT * FROM alert WHERE state <> 'RESOLVED' ORDER BY id", ps -> { })) {
            open.put(a.dedupKey(), a);
            restored.add(a.id());
        }
        publish();
    }

    /** Builds the readers' snapshot from {@link #open}; called with the monitor held. */
    private void publish() {
        List<Alert> list = new ArrayList<>(open.values());
        list.sort(Comparator.comparing(Alert::severity).reversed().thenComparing(Alert::since, Comparator.reverseOrder()));
        Map<Severity, Integer> counts = new TreeMap<>();
        for (Alert a : list) {
            counts.merge(a.severity(), 1, Integer::sum);
        }
        snapshot = new Snapshot(List.copyOf(list), java.util.Collections.unmodifiableMap(counts));
        if (changed) {
            changed = false;
            version++; // after the snapshot: a reader that sees the new version sees the new alerts
        }
    }

    public void addListener(AlertListener l) {
        listeners.add(l);
    }

    /** Increases on every change, so views can skip redraws. */
    public long version() {
        return version;
    }

    private record Change(Alert alert, AlertEvent event) {
    }

    /** Applies one tick's outcome: new, escalated, fired and cleared instances; expired silences. */
    public void reconcile(Evaluation ev) {
        List<Change> changes = new ArrayList<>();
        synchronized (this) {
            Instant now = ev.at();
            Set<String> activeKeys = new HashSet<>();
            for (RuleInstance i : ev.active()) {
                String key = i.dedupKey();
                activeKeys.add(key);
                if (resolvedByHand.contains(key)) {
                    continue;
                }
                Alert a = open.get(key);
                try {
                    if (a == null) {
                        changes.add(create(i, now));
                    } else {
                        Alert updated = a.withValue(a.severity(), i.value(), i.subject(), i.labels());
                        String members = membersChange(a.labels(), i.labels());
                        String also = members.isEmpty() ? "" : "; " + members;
                        if (i.severity() != a.severity() && a.state() != AlertState.PENDING) {
                            changes.add(persist(updated.withValue(i.severity(), i.value(), i.subject(), i.labels()),
                                    now, "severity", a.severity() + " → " + i.severity() + also));
                        } else if (a.state() == AlertState.PENDING && i.phase() == InstancePhase.FIRING) {
                            changes.add(persist(updated.withValue(i.severity(), i.value(), i.subject(), i.labels())
                                    .with(AlertState.FIRING, now), now, "firing", format(i.value()) + also));
                        } else if (!members.isEmpty()) {
                            // GPUs joined or left a grouped alert: kept, with an event (ADR 0740). Values alone
                            // change every tick and stay in memory.
                            changes.add(persist(updated.withValue(a.severity(), i.value(), i.subject(), i.labels()),
                                    now, MEMBERS, members));
                        } else {
                            open.put(key, updated.withValue(i.severity(), i.value(), i.subject(), i.labels()));
                        }
                    }
                } catch (StoreException e) {
                    LOG.warn("Alert for {} not recorded; retrying next tick: {}", key, e.getMessage());
                }
            }
            resolvedByHand.retainAll(activeKeys);
            for (Alert a : List.copyOf(open.values())) {
                try {
                    if (!activeKeys.contains(a.dedupKey())) {
                        if (restored.contains(a.id()) && now.isBefore(restoredGraceEnd)) {
                            continue;
                        }
                        boolean ruleGone = rules.apply(a.ruleId()).isEmpty();
                        changes.add(persist(a.with(AlertState.RESOLVED, now), now, "resolved",
                                ruleGone ? "rule removed" : a.state() == AlertState.PENDING ? "cleared before firing"
                                        : "condition cleared"));
                    } else if (a.silencedUntil() != null && !a.silenced(now)) {
                        changes.add(persist(a.withSilence(null, now), now, "silence expired", ""));
                    }
                } catch (StoreException e) {
                    LOG.warn("Alert {} not updated; retrying next tick: {}", a.id(), e.getMessage());
                }
            }
            publish();
        }
        tell(changes);
    }

    /** The event kind of GPUs joining or leaving an alert that lists several (ADR 0740). */
    public static final String MEMBERS = "gpus";

    /**
     * What changed in the GPUs an alert lists ({@code gpu}, UUIDs, comma-separated; shown by the
     * {@code index} list beside it when there is one), e.g. "GPU 5 joined; GPU 3 left; now 2, 5";
     * empty when the list is the same or either side has none.
     */
    static String membersChange(Map<String, String> before, Map<String, String> after) {
        String was = before.get("gpu");
        String now = after.get("gpu");
        if (was == null || now == null || was.equals(now)) {
            return "";
        }
        Map<String, String> shownWas = shown(before);
        Map<String, String> shownNow = shown(after);
        List<String> joined = new ArrayList<>();
        for (String g : shownNow.keySet()) {
            if (!shownWas.containsKey(g)) {
                joined.add(shownNow.get(g));
            }
        }
        List<String> left = new ArrayList<>();
        for (String g : shownWas.keySet()) {
            if (!shownNow.containsKey(g)) {
                left.add(shownWas.get(g));
            }
        }
        if (joined.isEmpty() && left.isEmpty()) {
            return ""; // the same GPUs in another order
        }
        List<String> parts = new ArrayList<>();
        if (!joined.isEmpty()) {
            parts.add((joined.size() == 1 ? "GPU " : "GPUs ") + String.join(", ", joined) + " joined");
        }
        if (!left.isEmpty()) {
            parts.add((left.size() == 1 ? "GPU " : "GPUs ") + String.join(", ", left) + " left");
        }
        parts.add("now " + String.join(", ", shownNow.values()));
        return String.join("; ", parts);
    }

    /** An alert's GPUs by UUID, each as a person reads it: its index when the labels give one, else its UUID. */
    private static Map<String, String> shown(Map<String, String> labels) {
        String[] uuids = labels.get("gpu").split(",");
        String index = labels.get("index");
        String[] indices = index == null ? new String[0] : index.split(",");
        Map<String, String> out = new LinkedHashMap<>();
        for (int k = 0; k < uuids.length; k++) {
            String i = indices.length == uuids.length ? indices[k] : "?";
            out.put(uuids[k], i.equals("?") ? uuids[k] : i);
        }
        return out;
    }

    private Change create(RuleInstance i, Instant now) throws StoreException {
        Optional<Rule> rule = rules.apply(i.ruleId());
        AlertState state = i.phase() == InstancePhase.FIRING ? AlertState.FIRING : AlertState.PENDING;
        String metric = i.metric() == null ? "" : i.metric();
        String source = !metric.isEmpty() ? metric.split("[.{]", 2)[0]
                : rule.map(r -> r.detector().key()).orElse("rule");
        Alert draft = new Alert(0, i.dedupKey(), i.ruleId(), i.severity(), i.subject(), i.labels(), i.value(), state,
                i.since(), state == AlertState.FIRING ? now : null, now, null,
                rule.map(r -> r.playbookFor(i.labels())).orElse(""),
                rule.map(Rule::runbook).orElse(""), metric, source);
        long id = database.inTransaction(c -> {
            long newId = insert(c, draft);
            event(c, newId, now, state == AlertState.FIRING ? "firing" : "pending", format(i.value()));
            return newId;
        });
        Alert a = new Alert(id, draft.dedupKey(), draft.ruleId(), draft.severity(), draft.subject(), draft.labels(),
                draft.value(), draft.state(), draft.since(), draft.firedAt(), draft.updated(), null, draft.playbook(),
                draft.runbook(), draft.metric(), draft.source());
        open.put(a.dedupKey(), a);
        changed = true;
        return new Change(a, new AlertEvent(id, now, state == AlertState.FIRING ? "firing" : "pending",
                format(i.value())));
    }

    /** Writes {@code a} and one event in one transaction, then updates memory. */
    private Change persist(Alert a, Instant now, String kind, String detail) throws StoreException {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE alert SET severity=?, subject=?, labels=?, value=?,"
                    + " state=?, fired_at=?, updated=?, silenced_until=? WHERE id=?")) {
                ps.setString(1, a.severity().name());
                ps.setString(2, a.subject());
                ps.setString(3, json(a.labels()));
                setDouble(ps, 4, a.value());
                ps.setString(5, a.state().name());
                setInstant(ps, 6, a.firedAt());
                ps.setLong(7, now.toEpochMilli());
                setInstant(ps, 8, a.silencedUntil());
                ps.setLong(9, a.id());
                ps.executeUpdate();
            }
            event(c, a.id(), now, kind, detail);
            return null;
        });
        if (a.state().open()) {
            open.put(a.dedupKey(), a);
        } else {
            open.remove(a.dedupKey());
        }
        changed = true;
        return new Change(a, new AlertEvent(a.id(), now, kind, detail));
    }

    private void tell(List<Change> changes) {
        for (Change ch : changes) {
            for (AlertListener l : listeners) {
                try {
                    l.onAlertEvent(ch.alert(), ch.event());
                } catch (RuntimeException e) {
                    LOG.warn("Alert listener failed", e);
                }
            }
        }
    }

    // ---- what the analyst does ----

    /** Acknowledges alert {@code id} with an optional note. */
    public Alert acknowledge(long id, String note) throws StoreException {
        return act(id, a -> {
            if (a.state() == AlertState.PENDING || a.state() == AlertState.ACKNOWLEDGED) {
                throw new IllegalStateException("only a firing alert can be acknowledged (this one is "
                        + a.state().name().toLowerCase() + ")");
            }
            return a.with(AlertState.ACKNOWLEDGED, clock.instant());
        }, "acknowledged", note);
    }

    /** Silences alert {@code id} until {@code until}: no notifications until then. */
    public Alert silence(long id, Instant until, String note) throws StoreException {
        Instant now = clock.instant();
        if (!until.isAfter(now)) {
            throw new IllegalArgumentException("a silence must end in the future");
        }
        return act(id, a -> a.withSilence(until, now), "silenced", "until " + until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + (note.isBlank() ? "" : ": " + note));
    }

    /** Adds a note to alert {@code id}'s history. */
    public Alert annotate(long id, String note) throws StoreException {
        if (note.isBlank()) {
            throw new IllegalArgumentException("a note needs some text");
        }
        return act(id, a -> a, "note", note);
    }

    /** Resolves alert {@code id} by hand; it is not raised again until its condition clears. */
    public Alert resolve(long id, String note) throws StoreException {
        Alert done = act(id, a -> a.with(AlertState.RESOLVED, clock.instant()), "resolved",
                note.isBlank() ? "by hand" : "by hand: " + note);
        synchronized (this) {
            resolvedByHand.add(done.dedupKey());
        }
        return done;
    }

    private interface Action {
        Alert apply(Alert a);
    }

    private Alert act(long id, Action action, String kind, String detail) throws StoreException {
        Change ch;
        synchronized (this) {
            Alert a = open.values().stream().filter(x -> x.id() == id).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("alert " + id + " is not open"));
            ch = persist(action.apply(a), clock.instant(), kind, detail == null ? "" : detail);
            publish();
        }
        tell(List.of(ch));
        return ch.alert();
    }

    // ---- reading ----

    /** Open alerts (pending, firing, acknowledged), most severe and newest first; an immutable snapshot, never blocks. */
    public List<Alert> open() {
        return snapshot.open();
    }

    /** Open alerts and the {@code limit} newest resolved ones. */
    public List<Alert> history(int limit) throws StoreException {
        List<Alert> out = new ArrayList<>(open());
        out.addAll(query("SELECT * FROM alert WHERE state = 'RESOLVED' ORDER BY updated DESC LIMIT ?",
                ps -> ps.setInt(1, limit)));
        return out;
    }

    /** Every event of alert {@code id}, oldest first. */
    public List<AlertEvent> events(long id) throws StoreException {
        return database.read(c -> {
            List<AlertEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at, kind, detail FROM alert_event WHERE alert_id = ? ORDER BY id")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AlertEvent(id, Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return out;
        });
    }

    /** Counts of open alerts by severity (acknowledged ones included); an immutable snapshot, never blocks. */
    public Map<Severity, Integer> openCounts() {
        return snapshot.counts();
    }

    // ---- SQL ----

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Alert> query(String sql, Binder binder) throws StoreException {
        return database.read(c -> {
            List<Alert> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
            }
            return out;
        });
    }

    /** Reads alerts straight from a database (for {@code vigil alerts list}, without a running app). */
    public static List<Alert> readAll(Database database, int limit) throws StoreException {
        database.migrate("alerts", MIGRATIONS);
        return database.read(c -> {
            List<Alert> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM alert ORDER BY (state = 'RESOLVED'), id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
            }
            return out;
        });
    }

    private static Alert row(ResultSet rs) throws SQLException {
        Map<String, String> labels;
        try {
            labels = JSON.readValue(rs.getString("labels"), new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            labels = Map.of();
        }
        double value = rs.getDouble("value");
        if (rs.wasNull()) {
            value = Double.NaN;
        }
        return new Alert(rs.getLong("id"), rs.getString("dedup_key"), rs.getString("rule_id"),
                Severity.valueOf(rs.getString("severity")), rs.getString("subject"), labels, value,
                AlertState.valueOf(rs.getString("state")), Instant.ofEpochMilli(rs.getLong("since")),
                instant(rs, "fired_at"), Instant.ofEpochMilli(rs.getLong("updated")), instant(rs, "silenced_until"),
                rs.getString("playbook"), rs.getString("runbook"), rs.getString("metric"), rs.getString("source"));
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static long insert(Connection c, Alert a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert(dedup_key, rule_id, severity, subject, labels,"
                + " value, state, since, fired_at, updated, silenced_until, playbook, runbook, metric, source)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, a.dedupKey());
            ps.setString(2, a.ruleId());
            ps.setString(3, a.severity().name());
            ps.setString(4, a.subject());
            ps.setString(5, json(a.labels()));
            setDouble(ps, 6, a.value());
            ps.setString(7, a.state().name());
            ps.setLong(8, a.since().toEpochMilli());
            setInstant(ps, 9, a.firedAt());
            ps.setLong(10, a.updated().toEpochMilli());
            setInstant(ps, 11, a.silencedUntil());
            ps.setString(12, a.playbook());
            ps.setString(13, a.runbook());
            ps.setString(14, a.metric());
            ps.setString(15, a.source());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static void event(Connection c, long id, Instant at, String kind, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_event(alert_id, at, kind, detail) VALUES (?,?,?,?)")) {
            ps.setLong(1, id);
            ps.setLong(2, at.toEpochMilli());
            ps.setString(3, kind);
            ps.setString(4, detail);
            ps.executeUpdate();
        }
    }

    private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, t.toEpochMilli());
        }
    }

    private static void setDouble(PreparedStatement ps, int i, double v) throws SQLException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            ps.setNull(i, Types.REAL);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static String json(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String format(double v) {
        return Double.isNaN(v) ? "no data" : String.format(java.util.Locale.ROOT, "value %.4g", v);
    }
}
