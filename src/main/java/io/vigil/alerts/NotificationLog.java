package io.vigil.alerts;

import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which alerts have been announced, and when last, kept in SQLite ({@code alert_notification}, the
 * {@code notifications} schema) so that a restart neither forgets to send a resolve for an alert
 * that paged nor stops repeating a restored firing alert (ADR 0010).
 *
 * <p>Thread-safe through {@link Database}.
 */
public final class NotificationLog {

    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE alert_notification (alert_id INTEGER PRIMARY KEY, last_sent INTEGER NOT NULL)");

    private final Database database;

    public NotificationLog(Database database) throws StoreException {
        this.database = database;
        database.migrate("notifications", MIGRATIONS);
    }

    /** Alert id → when it was last announced. */
    Map<Long, Instant> load() throws StoreException {
        return database.read(c -> {
            Map<Long, Instant> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, last_sent FROM alert_notification");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)));
                }
            }
            return out;
        });
    }

    void sent(long alertId, Instant at) throws StoreException {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_notification(alert_id, last_sent) VALUES (?, ?)"
                    + " ON CONFLICT(alert_id) DO UPDATE SET last_sent = excluded.last_sent")) {
                ps.setLong(1, alertId);
                ps.setLong(2, at.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    void forget(long alertId) throws StoreException {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_notification WHERE alert_id = ?")) {
                ps.setLong(1, alertId);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
