package io.vigil.inventory;

import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Baselines, their manifests and the last verify's drift, in the {@code inventory} tables of the
 * database. Every write is one transaction, so a baseline is either recorded whole or not at all.
 * Thread-safe through {@link Database}.
 */
public final class BaselineStore {

    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE inventory_baseline (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              root TEXT NOT NULL UNIQUE,
              created_ms INTEGER NOT NULL,
              file_count INTEGER NOT NULL,
              total_bytes INTEGER NOT NULL,
              last_verify_ms INTEGER,
              last_problems TEXT NOT NULL DEFAULT '');
            CREATE TABLE inventory_manifest (
              baseline_id INTEGER NOT NULL REFERENCES inventory_baseline(id) ON DELETE CASCADE,
              path TEXT NOT NULL,
              size_bytes INTEGER NOT NULL,
              mtime_ms INTEGER NOT NULL,
              sha256 TEXT,
              PRIMARY KEY (baseline_id, path));
            CREATE TABLE inventory_drift (
              baseline_id INTEGER NOT NULL REFERENCES inventory_baseline(id) ON DELETE CASCADE,
              path TEXT NOT NULL,
              kind TEXT NOT NULL,
              detail TEXT NOT NULL)
            """);

    private final Database database;

    public BaselineStore(Database database) throws StoreException {
        this.database = database;
        database.migrate("inventory", MIGRATIONS);
    }

    /** Records (or replaces) the baseline of {@code root}; the old manifest and drift go. */
    public void save(Path root, long createdMillis, List<ManifestEntry> entries, List<String> problems)
            throws StoreException {
        database.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM inventory_baseline WHERE root = ?")) {
                del.setString(1, root.toString());
                del.executeUpdate();
            }
            long id;
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO inventory_baseline(root, created_ms, file_count, "
                    + "total_bytes, last_problems) VALUES (?, ?, ?, ?, ?) RETURNING id")) {
                ins.setString(1, root.toString());
                ins.setLong(2, createdMillis);
                ins.setInt(3, entries.size());
                ins.setLong(4, entries.stream().mapToLong(ManifestEntry::sizeBytes).sum());
                ins.setString(5, String.join("\n", problems));
                try (ResultSet rs = ins.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO inventory_manifest(baseline_id, path, size_bytes, mtime_ms, sha256) VALUES (?, ?, ?, ?, ?)")) {
                for (ManifestEntry e : entries) {
                    ins.setLong(1, id);
                    ins.setString(2, e.path());
                    ins.setLong(3, e.sizeBytes());
                    ins.setLong(4, e.mtimeMillis());
                    if (e.sha256().isPresent()) {
                        ins.setString(5, e.sha256().get());
                    } else {
                        ins.setNull(5, Types.VARCHAR);
                    }
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }

    /** Stores a verify's outcome for the baseline of {@code root} (the manifest is unchanged). */
    public void recordVerify(VerifyReport report) throws StoreException {
        database.inTransaction(c -> {
            Long id = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM inventory_baseline WHERE root = ?")) {
                ps.setString(1, report.root().toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                    }
                }
            }
            if (id == null) {
                return null; // removed while being verified
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE inventory_baseline SET last_verify_ms = ?, last_problems = ? WHERE id = ?")) {
                ps.setLong(1, report.verifiedAtMillis());
                ps.setString(2, String.join("\n", report.problems()));
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inventory_drift WHERE baseline_id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO inventory_drift(baseline_id, path, kind, detail) VALUES (?, ?, ?, ?)")) {
                for (DriftEntry d : report.drift()) {
                    ps.setLong(1, id);
                    ps.setString(2, d.path());
                    ps.setString(3, d.kind().name());
                    ps.setString(4, d.detail());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Every baseline with its last verify outcome, by root. */
    public List<Baseline> baselines() throws StoreException {
        return database.read(c -> {
            Map<Long, Baseline> byId = new LinkedHashMap<>();
            Map<Long, List<DriftEntry>> drift = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT baseline_id, path, kind, detail FROM inventory_drift "
                    + "ORDER BY baseline_id, path");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    drift.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(new DriftEntry(rs.getString(2), DriftEntry.Kind.valueOf(rs.getString(3)), rs.getString(4)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, root, created_ms, file_count, total_bytes, "
                    + "last_verify_ms, last_problems FROM inventory_baseline ORDER BY root");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    long verify = rs.getLong(6);
                    OptionalLong lastVerify = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(verify);
                    String problems = rs.getString(7);
                    byId.put(id, new Baseline(id, Path.of(rs.getString(2)), rs.getLong(3), rs.getInt(4), rs.getLong(5),
                            lastVerify, drift.getOrDefault(id, List.of()),
                            problems == null || problems.isEmpty() ? List.of() : List.of(problems.split("\n"))));
                }
            }
            return new ArrayList<>(byId.values());
        });
    }

    /** The manifest of the baseline of {@code root}, by relative path; empty when there is none. */
    public Optional<Map<String, ManifestEntry>> manifest(Path root) throws StoreException {
        return database.read(c -> {
            Long id = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM inventory_baseline WHERE root = ?")) {
                ps.setString(1, root.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        id = rs.getLong(1);
                    }
                }
            }
            if (id == null) {
                return Optional.empty();
            }
            Map<String, ManifestEntry> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT path, size_bytes, mtime_ms, sha256 FROM inventory_manifest WHERE baseline_id = ? ORDER BY path")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new ManifestEntry(rs.getString(1), rs.getLong(2), rs.getLong(3),
                                Optional.ofNullable(rs.getString(4))));
                    }
                }
            }
            return Optional.of(out);
        });
    }

    /** Forgets the baseline of {@code root}; true when there was one. */
    public boolean remove(Path root) throws StoreException {
        return database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inventory_baseline WHERE root = ?")) {
                ps.setString(1, root.toString());
                return ps.executeUpdate() > 0;
            }
        });
    }
}
