package io.vigil.playbook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.store.Database;
import io.vigil.store.OwnerOnly;
import io.vigil.store.StoreException;
import io.vigil.text.SafeText;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only playbook audit log in SQLite (table {@code audit_log}). Each entry holds the hash
 * of the previous one, so editing or deleting an entry breaks the chain, and {@link #verify()} says
 * which entry. A run writes and commits an entry when it starts and one per step as the step ends,
 * so a run killed mid-way leaves a chain that still verifies (ending without a run_finished entry).
 *
 * <p>The chain is anchored outside the database, so that someone who can write the database cannot
 * rewrite it unseen: entry hashes are HMAC-SHA256 under a key in its own owner-only file
 * ({@link AuditKey}; entries written before the key existed stay the older plain SHA-256 chain and
 * are checked as such), and the head (latest entry number and hash) is appended to an anchor file at
 * the end of every run and every {@code anchorEvery} entries, and handed to an optional off-machine
 * sink (a webhook). Deleting entries from the end, deleting everything or rewriting the chain with
 * plain SHA-256 is then detected. Someone holding both the key file and the database (and the anchor
 * file) can still rewrite everything after the last anchor that left the machine.
 *
 * <p>Thread-safe (writes go through {@link Database}'s lock and SQLite's write lock).
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    static final String GENESIS = "0".repeat(64);
    /** Default file names, next to the database: the key and the anchor file. */
    public static final String KEY_FILE = "audit.key";
    public static final String ANCHOR_FILE = "audit-anchors.txt";

    /**
     * Where the chain is anchored: the key file, the anchor file, how many entries between anchors
     * (besides the end of every run), and where each anchor is also sent (may do nothing; must not block).
     */
    public record Anchoring(Path keyFile, Path anchorFile, int anchorEvery, Consumer<AuditAnchor> offMachine) {
        public Anchoring {
            if (anchorEvery < 1) {
                throw new IllegalArgumentException("audit.anchorEvery must be at least 1, was " + anchorEvery);
            }
        }

        /** The key and anchor files next to the database file, an anchor every 100 entries, nothing sent off-machine. */
        public static Anchoring besides(Path databaseFile) {
            Path dir = databaseFile.toAbsolutePath().getParent();
            return new Anchoring(dir.resolve(KEY_FILE), dir.resolve(ANCHOR_FILE), 100, a -> { });
        }
    }

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

    private final Anchoring anchoring;
    private volatile AuditKey key;
    /** Told after each committed entry (in this process); entries from another process are seen by {@link #headSeq()}. */
    private final java.util.concurrent.CopyOnWriteArrayList<Runnable> changeListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public AuditLog(Database database, Clock clock) throws StoreException {
        this(database, clock, Anchoring.besides(database.file()));
    }

    public AuditLog(Database database, Clock clock, Anchoring anchoring) throws StoreException {
        this.database = database;
        this.clock = clock;
        this.anchoring = anchoring;
        database.migrate("audit", MIGRATIONS);
    }

    public Anchoring anchoring() {
        return anchoring;
    }

    /** The run an entry belongs to, as stored: for runs that never got a plan (refused). */
    private record RunRef(String runId, String playbookId, String playbookSha256, Map<String, String> parameters) {
        static RunRef of(RunPlan plan) {
            return new RunRef(plan.runId(), plan.playbook().id(), plan.playbook().sha256(), plan.parameters());
        }
    }

    /** Commits the entry that opens a run. */
    public void runStarted(RunPlan plan, String user, String host) throws StoreException {
        runStarted(plan, user, host, null);
    }

    /** Commits the entry that opens a run, with {@code note} (e.g. an evidence-first override) first when set. */
    public void runStarted(RunPlan plan, String user, String host, String note) throws StoreException {
        append(RunRef.of(plan), user, host, "run_started", null, null, null, null, null, RunStatus.RUNNING.name(), null,
                (note == null ? "" : SafeText.of(note) + "\n") + "dry run:\n" + String.join("\n", plan.commandLines()));
    }

    /** Commits a dry run (nothing executed) as a run that opens and closes at once, status DRY_RUN. */
    public void dryRun(RunPlan plan, String user, String host, String reason) throws StoreException {
        append(RunRef.of(plan), user, host, "run_started", null, null, null, null, null, RunStatus.DRY_RUN.name(), null,
                "dry run (" + reason + "):\n" + String.join("\n", plan.commandLines()));
        append(RunRef.of(plan), user, host, "run_finished", null, null, null, null, 0L, RunStatus.DRY_RUN.name(), null,
                "dry run only; nothing was executed");
    }

    /** Commits a step's result as it ends. */
    public void stepFinished(RunPlan plan, String user, String host, StepResult r) throws StoreException {
        List<List<String>> argv = r.commands().stream().map(a -> a.stream().map(SafeText::of).toList()).toList();
        append(RunRef.of(plan), user, host, "step_finished", r.index(), r.name(), toJson(argv),
                r.exitCode().isPresent() ? r.exitCode().getAsInt() : null, r.duration().toMillis(), r.status().name(),
                r.output(), r.message());
    }

    /**
     * Commits a run that was refused before anything ran (bad parameters, an unknown playbook,
     * blocked, destructive steps not confirmed): it opens and closes at once with status REFUSED and
     * the reason. {@code playbookSha256} is empty when the playbook is unknown; {@code parameters} are
     * the values as given, redacted. Returns the run id given to it.
     */
    public String refused(Optional<RunPlan> plan, String playbookId, String playbookSha256, Map<String, String> parameters,
                          String user, String host, String reason) throws StoreException {
        RunRef ref = plan.map(RunRef::of).orElseGet(() -> {
            byte[] id = new byte[6];
            new java.security.SecureRandom().nextBytes(id);
            Map<String, String> clean = new TreeMap<>();
            parameters.forEach((k, v) -> clean.put(SafeText.of(k), v == null ? "" : v)); // values are made safe in append
            return new RunRef(java.util.HexFormat.of().formatHex(id), playbookId, playbookSha256, clean);
        });
        String shown = plan.map(p -> "\nwould have run:\n" + String.join("\n", p.commandLines())).orElse("");
        append(ref, user, host, "run_started", null, null, null, null, null, RunStatus.REFUSED.name(), null,
                "refused: " + reason + shown);
        append(ref, user, host, "run_finished", null, null, null, null, 0L, RunStatus.REFUSED.name(), null,
                "refused; nothing was run: " + reason);
        return ref.runId();
    }

    /** Commits the entry that closes a run. */
    public void runFinished(RunPlan plan, String user, String host, RunResult r) throws StoreException {
        append(RunRef.of(plan), user, host, "run_finished", null, null, null, null, r.duration().toMillis(), r.status().name(),
                null, r.message());
    }

    private void append(RunRef run, String user, String host, String kind, Integer stepIndex, String stepName,
                        String argv, Integer exitCode, Long durationMs, String status, String output, String message)
            throws StoreException {
        TreeMap<String, String> shownParams = new TreeMap<>();
        run.parameters().forEach((k, v) -> shownParams.put(k, SafeText.of(v))); // a value may hold a secret
        String params = toJson(shownParams);
        String time = clock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
        String outputDigest = output == null ? null : PlaybookFile.sha256(output.getBytes(StandardCharsets.UTF_8));
        AuditEntry written = database.inTransaction(c -> {
            long seq = nextSeq(c);
            String prev = lastHash(c);
            AuditKey k = keyForWriting(seq, prev);
            AuditEntry e = new AuditEntry(seq, time, kind, run.runId(), user, host, run.playbookId(),
                    run.playbookSha256(), params, stepIndex, stepName, argv, exitCode, durationMs, status, output,
                    outputDigest, message, prev, null);
            String hash = hashOf(e, k);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log(" + COLUMNS
                    + ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int i = 1;
                ps.setLong(i++, seq);
                ps.setString(i++, time);
                ps.setString(i++, kind);
                ps.setString(i++, run.runId());
                ps.setString(i++, user);
                ps.setString(i++, host);
                ps.setString(i++, run.playbookId());
                ps.setString(i++, run.playbookSha256());
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
            return new AuditEntry(seq, time, kind, run.runId(), user, host, run.playbookId(), run.playbookSha256(),
                    params, stepIndex, stepName, argv, exitCode, durationMs, status, output, outputDigest, message,
                    prev, hash);
        });
        if (kind.equals("run_finished") || written.seq() % anchoring.anchorEvery() == 0) {
            anchor(written, kind.equals("run_finished") ? "run-end" : "every-" + anchoring.anchorEvery());
        }
        for (Runnable l : changeListeners) {
            try {
                l.run();
            } catch (RuntimeException ex) {
                LOG.warn("Audit change listener failed: {}", ex.toString());
            }
        }
    }

    /**
     * Calls {@code listener} after each entry this process commits, on the writing thread: it must
     * only note the change (a view reloads on its own thread). Runs written by another process (the
     * command line) are seen by comparing {@link #headSeq()}.
     */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(listener);
    }

    public void removeChangeListener(Runnable listener) {
        changeListeners.remove(listener);
    }

    /** The sequence number of the newest entry, 0 when empty: one indexed read, cheap enough to poll. */
    public long headSeq() throws StoreException {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM audit_log");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * The key, created on first use (inside the write transaction: SQLite's write lock keeps a second
     * process from creating another). A new key keys entries from {@code nextSeq} on; the entries
     * already there stay the legacy chain, and the anchor file records where the keyed chain starts.
     */
    private AuditKey keyForWriting(long nextSeq, String legacyHead) throws SQLException {
        try {
            AuditKey k = key;
            if (k != null && java.nio.file.Files.exists(k.file())) {
                return k;
            }
            Optional<AuditKey> loaded = AuditKey.load(anchoring.keyFile());
            if (loaded.isEmpty()) {
                AuditKey created = AuditKey.create(anchoring.keyFile(), nextSeq, clock.instant());
                LOG.info("Audit key created in {}; entries from {} on are keyed", anchoring.keyFile(), nextSeq);
                writeAnchorLine("# " + clock.instant() + " key " + created.id() + " created: entries from " + nextSeq
                        + " on are keyed (HMAC-SHA256); entries before are plain SHA-256, head " + legacyHead);
                loaded = Optional.of(created);
            }
            key = loaded.get();
            return key;
        } catch (IOException e) {
            // An entry that cannot be keyed is not written: runs stop rather than go unaudited.
            throw new SQLException("the audit key " + anchoring.keyFile() + " cannot be used: " + e.getMessage(), e);
        }
    }

    /** Records {@code e} as a head in the anchor file and hands it to the off-machine sink; failures are logged. */
    private void anchor(AuditEntry e, String reason) {
        AuditKey k = key;
        AuditAnchor a = new AuditAnchor(clock.instant().truncatedTo(ChronoUnit.MILLIS).toString(), e.seq(), e.hash(),
                k == null ? "-" : k.id(), reason);
        try {
            writeAnchorLine(a.line());
        } catch (IOException ex) {
            LOG.error("Audit anchor not written to {}: {}", anchoring.anchorFile(), ex.getMessage());
        }
        try {
            anchoring.offMachine().accept(a);
        } catch (RuntimeException ex) {
            LOG.warn("Audit anchor not sent: {}", ex.toString());
        }
    }

    private void writeAnchorLine(String line) throws IOException {
        Path f = anchoring.anchorFile();
        if (!java.nio.file.Files.exists(f)) {
            OwnerOnly.createDirectories(f.toAbsolutePath().getParent());
            OwnerOnly.appendLine(f, "# Vigil audit anchors: one line per recorded head of the audit chain "
                    + "(time seq=N head=HASH key=ID reason). Append-only; keep copies off this machine.");
        }
        OwnerOnly.appendLine(f, line);
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

    /** The hash {@code e} must carry: keyed when the key covers it, plain SHA-256 before the key existed. */
    String hashOf(AuditEntry e) {
        return hashOf(e, key != null ? key : loadKeyQuietly());
    }

    private AuditKey loadKeyQuietly() {
        try {
            return AuditKey.load(anchoring.keyFile()).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private String hashOf(AuditEntry e, AuditKey k) {
        try {
            byte[] canonical = json.writeValueAsBytes(e.hashedFields());
            return k != null && e.seq() >= k.keyedFrom() ? k.mac(canonical) : PlaybookFile.sha256(canonical);
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

    /**
     * Checks every entry's hash (keyed or legacy), the links between entries, that none is missing
     * (AUTOINCREMENT counter, the key's first keyed entry, the anchors), and that every anchor in the
     * anchor file names an entry that is there with that hash. The report says what each check proves.
     * A database that cannot be read (a dropped table, a corrupt page) throws {@link StoreException}.
     */
    public AuditVerification verify() throws StoreException {
        List<AuditEntry> entries = entries();
        long maxEver = database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
        List<String> report = new ArrayList<>();
        AuditKey k;
        try {
            k = AuditKey.load(anchoring.keyFile()).orElse(null);
        } catch (IOException e) {
            return bad(entries.size(), 1, "the audit key cannot be read: " + e.getMessage(), GENESIS, report);
        }
        Anchors anchors;
        try {
            anchors = Anchors.read(anchoring.anchorFile());
        } catch (IOException e) {
            return bad(entries.size(), 1, e.getMessage(), GENESIS, report);
        }
        if (k == null && !anchors.keys().isEmpty()) {
            var first = anchors.keys().getFirst();
            return bad(entries.size(), first.from(), "the audit key " + anchoring.keyFile() + " is missing: the anchor file "
                    + "says key " + first.id() + " keyed the entries from " + first.from() + " on", GENESIS, report);
        }
        if (k != null && !anchors.keys().isEmpty() && !anchors.keys().getLast().id().equals(k.id())) {
            var last = anchors.keys().getLast();
            return bad(entries.size(), k.keyedFrom(), "the audit key was replaced: the anchor file records key " + last.id()
                    + " (entries from " + last.from() + "), the key file holds key " + k.id(), GENESIS, report);
        }
        if (k != null && !java.nio.file.Files.exists(anchoring.anchorFile())) {
            return bad(entries.size(), k.keyedFrom(), "the anchor file " + anchoring.anchorFile() + " is missing: it is "
                    + "written with the audit key (" + k.created() + ") and only ever appended to", GENESIS, report);
        }
        long keyedFrom = k == null ? Long.MAX_VALUE : k.keyedFrom();
        String prev = GENESIS;
        long expected = 1;
        for (AuditEntry e : entries) {
            if (e.seq() != expected) {
                return bad(entries.size(), expected, expected == e.seq() - 1
                        ? "entry " + expected + " is missing: it was deleted"
                        : "entries " + expected + " to " + (e.seq() - 1) + " are missing: they were deleted", prev, report);
            }
            String digest = e.output() == null ? null : PlaybookFile.sha256(e.output().getBytes(StandardCharsets.UTF_8));
            if (!java.util.Objects.equals(digest, e.outputSha256())) {
                return bad(entries.size(), e.seq(), "entry " + e.seq() + ": its output was changed (digest mismatch)", prev,
                        report);
            }
            if (!hashOf(e, k).equals(e.hash())) {
                String why = e.seq() >= keyedFrom && PlaybookFile.sha256(canonical(e)).equals(e.hash())
                        ? ": it carries a plain SHA-256 where the keyed hash belongs (recomputed without the key)"
                        : ": its hash does not match its content";
                return bad(entries.size(), e.seq(), "entry " + e.seq() + " was changed" + why, prev, report);
            }
            if (!e.prevHash().equals(prev)) {
                return bad(entries.size(), e.seq(), "entry " + e.seq() + " does not follow entry " + (e.seq() - 1)
                        + ": an earlier entry was changed or removed", prev, report);
            }
            prev = e.hash();
            expected++;
        }
        long last = expected - 1;
        if (maxEver > last) {
            return bad(entries.size(), expected, (maxEver == expected ? "entry " + expected + " is"
                    : "entries " + expected + " to " + maxEver + " are") + " missing from the end: deleted", prev, report);
        }
        if (k != null && k.keyedFrom() - 1 > last) {
            return bad(entries.size(), expected, "entries " + expected + " to " + (k.keyedFrom() - 1)
                    + " are missing: the audit key was created when the log already held " + (k.keyedFrom() - 1)
                    + " entries", prev, report);
        }
        for (AuditAnchor a : anchors.heads()) {
            if (a.seq() > last) {
                return bad(entries.size(), Math.max(1, last + 1), "entry " + a.seq() + " is missing: the anchor of "
                        + a.time() + " recorded it (head " + abbreviate(a.hash()) + "); the log ends at entry " + last
                        + ", so entries were deleted from the end", prev, report);
            }
            AuditEntry at = entries.get((int) (a.seq() - 1));
            if (!at.hash().equals(a.hash())) {
                return bad(entries.size(), a.seq(), "entry " + a.seq() + " is not the entry anchored at " + a.time()
                        + " (head " + abbreviate(a.hash()) + ", now " + abbreviate(at.hash())
                        + "): the chain was rewritten up to there", prev, report);
            }
        }
        long legacy = Math.min(last, keyedFrom - 1);
        if (legacy > 0) {
            report.add("entries 1-" + legacy + ": plain SHA-256 chain (written before the audit key existed)"
                    + (last > legacy ? "; pinned by the keyed entry " + (legacy + 1) + " that links to them"
                    : "; anyone who could write the database could have rewritten them"));
        }
        if (last > legacy) {
            report.add("entries " + (legacy + 1) + "-" + last + ": keyed with HMAC-SHA256 (key " + k.id() + " in "
                    + anchoring.keyFile() + "); changing them needs that key file");
        } else if (k == null) {
            report.add("no audit key yet (" + anchoring.keyFile() + "): it is created with the next entry");
        }
        if (anchors.heads().isEmpty()) {
            report.add("no anchors in " + anchoring.anchorFile() + ": deleting entries from the end is only caught "
                    + "through the database's own counter");
        } else {
            AuditAnchor latest = anchors.heads().stream().max(java.util.Comparator.comparingLong(AuditAnchor::seq))
                    .orElseThrow();
            report.add(anchors.heads().size() + " anchors in " + anchoring.anchorFile() + " match: nothing up to entry "
                    + latest.seq() + " (anchored " + latest.time() + ") was deleted or rewritten"
                    + (last > latest.seq() ? "; entries " + (latest.seq() + 1) + "-" + last
                    + " are newer than the latest anchor and rest on the key alone" : ""));
        }
        return new AuditVerification(true, entries.size(), OptionalLong.empty(),
                "The audit log holds " + entries.size() + " entries and its hash chain is intact.", prev, report);
    }

    /**
     * The entry whose hash is {@code hash} (case-insensitive), if the chain passed through it: an anchor
     * kept elsewhere (a webhook message, a note) that is found proves nothing up to it was changed,
     * once {@link #verify()} holds.
     */
    public Optional<AuditEntry> passedThrough(String hash) throws StoreException {
        String h = hash.strip().toLowerCase(java.util.Locale.ROOT);
        List<AuditEntry> found = query("SELECT " + COLUMNS + " FROM audit_log WHERE hash = ? ORDER BY seq", h);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    private static String abbreviate(String hash) {
        return hash.length() > 16 ? hash.substring(0, 16) + "…" : hash;
    }

    private byte[] canonical(AuditEntry e) {
        try {
            return json.writeValueAsBytes(e.hashedFields());
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("audit fields are plain values", ex);
        }
    }

    /** The anchor file as read: the heads and the keys it recorded, in file order. */
    private record Anchors(List<AuditAnchor> heads, List<KeyRecord> keys) {
        private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile(
                "# \\S+ key ([0-9a-f]{16}) created: entries from (\\d+) on .*");

        static Anchors read(Path file) throws IOException {
            List<AuditAnchor> heads = new ArrayList<>();
            List<KeyRecord> keys = new ArrayList<>();
            if (!java.nio.file.Files.exists(file)) {
                return new Anchors(heads, keys);
            }
            int n = 0;
            for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                var m = KEY.matcher(line);
                if (m.matches()) {
                    keys.add(new KeyRecord(m.group(1), Long.parseLong(m.group(2))));
                } else if (!line.startsWith("#")) {
                    int lineNo = n;
                    heads.add(AuditAnchor.parse(line).orElseThrow(() -> new IOException(file + " line " + lineNo
                            + " is not an anchor Vigil wrote (expected 'TIME seq=N head=HASH key=ID REASON'): "
                            + "the anchor file was edited")));
                }
            }
            return new Anchors(heads, keys);
        }
    }

    private record KeyRecord(String id, long from) {
    }

    private static AuditVerification bad(long n, long seq, String message, String head, List<String> report) {
        return new AuditVerification(false, n, OptionalLong.of(seq), message, head, report);
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
