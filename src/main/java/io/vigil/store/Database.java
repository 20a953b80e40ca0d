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
 * SQLite serialises writers anyway; reads are short.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private Database(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating if needed) the database at {@code file}. */
    public static Database open(Path file) throws StoreException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA foreign_keys=ON");
                s.execute("PRAGMA busy_timeout=5000");
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

    /** Runs {@code work} in one transaction; committed when it returns, rolled back if it throws. */
    public <T> T inTransaction(SqlWork<T> work) throws StoreException {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("Database write failed (" + file.getFileName() + "): " + e.getMessage(), e);
        } finally {
            lock.unlock();
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
