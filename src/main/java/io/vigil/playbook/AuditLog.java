package io.vigil.playbook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import io.vigil.text.SafeText;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The append-only playbook audit log in SQLite (table {@code audit_log}). Each entry holds the SHA-256
 * of the previous one, so editing or deleting an entry breaks the chain, and {@link #verify()} says
 * which entry. A run writes and commits an entry when it starts and one per step as the step ends,
 * so a run killed mid-way leaves a chain that still verifies (ending without a run_finished entry).
 *
 * <p>Deleting entries from the end is caught through SQLite's AUTOINCREMENT counter; rewriting the
 * whole chain after an edit is not detectable from inside the database: compare {@code headHash}
 * with an earlier export for that. Thread-safe (writes go through {@link Database}'s lock).
 */
public final class AuditLog {

    static final String GENESIS = "0".repeat(64);
    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE audit_log (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              time TEXT NOT NULL,
              kind TEXT NOT NULL,
              run_id TEXT NOT NULL,
              user TEXT NOT NULL,
              host TEXT NOT NULL,
              playbook_id TEXT NOT NULL,
              playbook_sha256 TEXT NOT NULL,
              parameters TEXT NOT NULL,
              step_index INTEGER,
              step_name TEXT,
              argv TEXT,
              exit_code INTEGER,
              duration_ms INTEGER,
              status TEXT,
              output TEXT,
              output_sha256 TEXT,
              message TEXT,
              prev_hash TEXT NOT NULL,
              hash TEXT NOT NULL);
            CREATE INDEX audit_log_run ON audit_log(run_id)
            """);
    private static final String COLUMNS = "seq, time, kind, run_id, user, host, playbook_id, playbook_sha256, "
            + "parameters, step_index, step_name, argv, exit_code, duration_ms, status, output, output_sha256, "
            + "message, prev_hash, hash";

    private final Database database;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public AuditLog(Database database, Clock clock) throws StoreException {
        this.database = database;
        this.clock = clock;
        database.migrate("audit", MIGRATIONS);
    }

    /** Commits the entry that opens a run. */
    public void runStarted(RunPlan plan, String user, String host) throws StoreException {
        append(plan, user, host, "run_started", null, null, null, null, null, RunStatus.RUNNING.name(), null,
                "dry run:\n" + String.join("\n", plan.commandLines()));
    }

    /** Commits a dry run (nothing executed) as a run that opens and closes at once, status DRY_RUN. */
    public void dryRun(RunPlan plan, String user, String host, String reason) throws StoreException {
        append(plan, user, host, "run_started", null, null, null, null, null, RunStatus.DRY_RUN.name(), null,
                "dry run (" + reason + "):\n" + String.join("\n", plan.commandLines()));
        append(plan, user, host, "run_finished", null, null, null, null, 0L, RunStatus.DRY_RUN.name(), null,
                "dry run only; nothing was executed");
    }

    /** Commits a step's result as it ends. */
    public void stepFinished(RunPlan plan, String user, String host, StepResult r) throws StoreException {
        List<List<String>> argv = r.commands().stream().map(a -> a.stream().map(SafeText::of).toList()).toList();
        append(plan, user, host, "step_finished", r.index(), r.name(), toJson(argv),
                r.exitCode().isPresent() ? r.exitCode().getAsInt() : null, r.duration().toMillis(), r.status().name(),
                r.output(), r.message());
    }

    /** Commits the entry that closes a run. */
    public void runFinished(RunPlan plan, String user, String host, RunResult r) throws StoreException {
        append(plan, user, host, "run_finished", null, null, null, null, r.duration().toMillis(), r.status().name(),
                null, r.message());
    }

    private void append(RunPlan plan, String user, String host, String kind, Integer stepIndex, String stepName,
                        String argv, Integer exitCode, Long durationMs, String status, String output, String message)
            throws StoreException {
        TreeMap<String, String> shownParams = new TreeMap<>();
        plan.parameters().forEach((k, v) -> shownParams.put(k, SafeText.of(v))); // a value may hold a secret
        String params = toJson(shownParams);
        String time = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
        String outputDigest = output == null ? null : PlaybookFile.sha256(output.getBytes(StandardCharsets.UTF_8));
        database.inTransaction(c -> {
            long seq = nextSeq(c);
            String prev = lastHash(c);
            AuditEntry e = new AuditEntry(seq, time, kind, plan.runId(), user, host, plan.playbook().id(),
                    plan.playbook().sha256(), params, stepIndex, stepName, argv, exitCode, durationMs, status, output,
                    outputDigest, message, prev, null);
            String hash = hashOf(e);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log(" + COLUMNS
                    + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int i = 1;
                ps.setLong(i++, seq);
                ps.setString(i++, time);
                ps.setString(i++, kind);
                ps.setString(i++, plan.runId());
                ps.setString(i++, user);
                ps.setString(i++, host);
                ps.setString(i++, plan.playbook().id());
                ps.setString(i++, plan.playbook().sha256());
                ps.setString(i++, params);
                setInt(ps, i++, stepIndex);
                ps.setString(i++, stepName);
                ps.setString(i++, argv);
                setInt(ps, i++, exitCode);
                if (durationMs == null) {
                    ps.setNull(i++, Types.INTEGER);
                } else {
                    ps.setLong(i++, durationMs);
                }
                ps.setString(i++, status);
                ps.setString(i++, output);
                ps.setString(i++, outputDigest);
                ps.setString(i++, message);
                ps.setString(i++, prev);
                ps.setString(i, hash);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    /** Never reuses a number, even after entries were deleted from the end: that would hide the deletion. */
    private static long nextSeq(Connection c) throws SQLException {
        long max = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                max = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM audit_log");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            max = Math.max(max, rs.getLong(1));
        }
        return max + 1;
    }

    private static String lastHash(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : GENESIS;
        }
    }

    String hashOf(AuditEntry e) {
        try {
            return PlaybookFile.sha256(json.writeValueAsBytes(e.hashedFields()));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("audit fields are plain values", ex);
        }
    }

    private String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("audit fields are plain values", ex);
        }
    }

    /** Checks every entry's hash, the links between entries, and that none is missing. */
    public AuditVerification verify() throws StoreException {
        List<AuditEntry> entries = entries();
        long maxEver = database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
        String prev = GENESIS;
        long expected = 1;
        for (AuditEntry e : entries) {
            if (e.seq() != expected) {
                return bad(entries.size(), expected, expected == e.seq() - 1
                        ? "entry " + expected + " is missing: it was deleted"
                        : "entries " + expected + " to " + (e.seq() - 1) + " are missing: they were deleted", prev);
            }
            String digest = e.output() == null ? null : PlaybookFile.sha256(e.output().getBytes(StandardCharsets.UTF_8));
            if (!java.util.Objects.equals(digest, e.outputSha256())) {
                return bad(entries.size(), e.seq(), "entry " + e.seq() + ": its output was changed (digest mismatch)", prev);
            }
            if (!hashOf(e).equals(e.hash())) {
                return bad(entries.size(), e.seq(), "entry " + e.seq() + " was changed: its hash does not match its content",
                        prev);
            }
            if (!e.prevHash().equals(prev)) {
                return bad(entries.size(), e.seq(), "entry " + e.seq() + " does not follow entry " + (e.seq() - 1)
                        + ": an earlier entry was changed or removed", prev);
            }
            prev = e.hash();
            expected++;
        }
        if (maxEver >= expected) {
            return bad(entries.size(), expected, (maxEver == expected ? "entry " + expected + " is"
                    : "entries " + expected + " to " + maxEver + " are") + " missing from the end: deleted", prev);
        }
        return new AuditVerification(true, entries.size(), OptionalLong.empty(),
                "The audit log holds " + entries.size() + " entries and its hash chain is intact.", prev);
    }

    private static AuditVerification bad(long n, long seq, String message, String head) {
        return new AuditVerification(false, n, OptionalLong.of(seq), message, head);
    }

    /** Every entry in order. */
    public List<AuditEntry> entries() throws StoreException {
        return query("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq", null);
    }

    /** The entries of one run in order. */
    public List<AuditEntry> run(String runId) throws StoreException {
        return query("SELECT " + COLUMNS + " FROM audit_log WHERE run_id = ? ORDER BY seq", runId);
    }

    /** The latest runs first, at most {@code limit}. */
    public List<RunSummary> recentRuns(int limit) throws StoreException {
        return database.read(c -> {
            List<RunSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT s.run_id, s.playbook_id, s.time, s.user,
                      (SELECT f.status FROM audit_log f WHERE f.run_id = s.run_id AND f.kind = 'run_finished'),
                      (SELECT COUNT(*) FROM audit_log t WHERE t.run_id = s.run_id AND t.kind = 'step_finished')
                    FROM audit_log s WHERE s.kind = 'run_started' ORDER BY s.seq DESC LIMIT ?""")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String st = rs.getString(5);
                        out.add(new RunSummary(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                st == null ? RunStatus.INTERRUPTED : RunStatus.valueOf(st), rs.getInt(6)));
                    }
                }
            }
            return out;
        });
    }

    /** Writes every entry as one JSON object per line; returns how many. */
    public long exportJsonLines(Writer out) throws StoreException, IOException {
        long n = 0;
        for (AuditEntry e : entries()) {
            out.write(json.writeValueAsString(e.toMap()));
            out.write('\n');
            n++;
        }
        out.flush();
        return n;
    }

    private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column) == null ? null : rs.getInt(column);
    }

    private List<AuditEntry> query(String sql, String arg) throws StoreException {
        return database.read(c -> {
            List<AuditEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (arg != null) {
                    ps.setString(1, arg);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                                intOrNull(rs, 10), rs.getString(11), rs.getString(12), intOrNull(rs, 13),
                                rs.getObject(14) == null ? null : rs.getLong(14), rs.getString(15), rs.getString(16),
                                rs.getString(17), rs.getString(18), rs.getString(19), rs.getString(20)));
                    }
                }
            }
            return out;
        });
    }
}
