package io.vigil.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded SQLite database file ({@code vigil.db} in the user data directory), in WAL mode with
 * {@code synchronous=FULL} so that a committed write survives a crash or power loss.
 *
 * <p>Each feature owns its tables and brings its own ordered list of migration steps, applied once
 * through {@link #migrate(String, List)}; the versions are kept per feature in {@code schema_version},
 * so features can evolve their schemas independently.
 *
 * <p>Thread-safe: one connection, used under a lock by {@link #inTransaction} and {@link #read}.
 * SQLite serialises writers anyway; reads are short. Several Vigil processes may share the file: a
 * write transaction takes SQLite's write lock first ({@code BEGIN IMMEDIATE}) and waits up to
 * {@link #BUSY_TIMEOUT_MS} for it, so two processes queue instead of failing with
 * {@code SQLITE_BUSY_SNAPSHOT} when a read would have to be upgraded to a write.
 *
 * <p>The folder is created 0700 and the file (with its WAL and shared-memory files, which SQLite
 * creates with the database file's mode) 0600, whatever the umask.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    /** How long a write waits for another process's write transaction to end. */
    public static final int BUSY_TIMEOUT_MS = 10_000;

    private Database(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating if needed) the database at {@code file}. */
    public static Database open(Path file) throws StoreException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                OwnerOnly.createDirectories(parent);
            }
            // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the same mode.
            OwnerOnly.createFileIfMissing(file.toAbsolutePath());
            for (String suffix : List.of("-wal", "-shm", "-journal")) {
                OwnerOnly.restrict(Path.of(file.toAbsolutePath() + suffix));
            }
            java.util.Properties props = new java.util.Properties();
            // Applied by the driver before anything else, so even the pragmas below wait for a busy file.
            props.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("CREATE TABLE IF NOT EXISTS schema_version (feature TEXT PRIMARY KEY, version INTEGER NOT NULL)");
            }
            return new Database(file, c);
        } catch (Exception e) {
            throw new StoreException("Cannot open the database " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Applies the steps of {@code feature} that have not been applied yet, each in its own
     * transaction. A step is one or more SQL statements separated by semicolons.
     */
    public void migrate(String feature, List<String> steps) throws StoreException {
        inTransaction(c -> {
            int current = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM schema_version WHERE feature = ?")) {
                ps.setString(1, feature);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        current = rs.getInt(1);
                    }
                }
            }
            if (current > steps.size()) {
                throw new SQLException("the database has " + feature + " schema version " + current
                        + " but this Vigil knows only " + steps.size() + "; it was written by a newer Vigil");
            }
            for (int v = current; v < steps.size(); v++) {
                try (Statement s = c.createStatement()) {
                    for (String sql : steps.get(v).split(";")) {
                        if (!sql.isBlank()) {
                            s.execute(sql);
                        }
                    }
                }
                LOG.info("Database {}: {} schema migrated to version {}", file.getFileName(), feature, v + 1);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO schema_version(feature, version) VALUES(?, ?) "
                            + "ON CONFLICT(feature) DO UPDATE SET version = excluded.version")) {
                ps.setString(1, feature);
                ps.setInt(2, steps.size());
                ps.executeUpdate();
            }
            return null;
        });
    }

    public int schemaVersion(String feature) throws StoreException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM schema_version WHERE feature = ?")) {
                ps.setString(1, feature);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    /** Work done with the connection, inside a transaction or a read. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction; committed when it returns, rolled back if it throws. The
     * transaction starts with {@code BEGIN IMMEDIATE}: it holds the write lock from its first read, so
     * what it read (the last audit hash, a counter) cannot be changed by another process before it
     * writes, and it waits for another writer instead of failing half-way.
     */
    public <T> T inTransaction(SqlWork<T> work) throws StoreException {
        lock.lock();
        try {
            // Explicit statements, not setAutoCommit(false): the driver would open the next transaction
            // right after each commit, and a busy error there would report a committed write as failed.
            try (Statement s = connection.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
            try {
                T result = work.run(connection);
                try (Statement s = connection.createStatement()) {
                    s.execute("COMMIT");
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("Database write failed (" + file.getFileName() + "): " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void rollbackQuietly(Exception cause) {
        try (Statement s = connection.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            // "no transaction is active": SQLite already rolled back (e.g. after a full disk).
            if (!String.valueOf(e.getMessage()).contains("no transaction")) {
                cause.addSuppressed(e);
            }
        }
    }

    /** Runs a read-only {@code work}. */
    public <T> T read(SqlWork<T> work) throws StoreException {
        lock.lock();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("Database read failed (" + file.getFileName() + "): " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing the database failed", e);
        } finally {
            lock.unlock();
        }
    }
}
