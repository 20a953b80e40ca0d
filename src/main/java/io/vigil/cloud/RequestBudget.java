package io.vigil.cloud;

import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The daily budget of paid Cost Explorer requests (USD 0.01 each, every page too). Requests are
 * counted per UTC day in the database, so the count survives a restart and is shared by the console
 * and {@code vigil status}; the count starts again at 00:00 UTC by the injected clock.
 *
 * <p>{@link #tryAcquire()} reserves one request before it is sent and never lets the count pass the
 * limit. Thread-safe: the check and the increment run in one database transaction.
 */
public final class RequestBudget {

    /** What one Cost Explorer request costs, in USD. */
    public static final double USD_PER_REQUEST = 0.01;

    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE cloud_request_count (day TEXT PRIMARY KEY, used INTEGER NOT NULL)",
            // What Cost Explorer answered, so the next process serves it while it is fresh (ADR 0211).
            "CREATE TABLE cloud_cost_cache (profile TEXT PRIMARY KEY, saved_at TEXT NOT NULL, state TEXT NOT NULL)");

    private final Database database;
    private final Clock clock;
    private final int dailyLimit;

    public RequestBudget(Database database, Clock clock, int dailyLimit) throws StoreException {
        if (dailyLimit <= 0) {
            throw new IllegalArgumentException("daily request budget must be positive, was " + dailyLimit);
        }
        this.database = database;
        this.clock = clock;
        this.dailyLimit = dailyLimit;
        database.migrate("cloud", MIGRATIONS);
    }

    /** Reserves one request for today; false (and nothing counted) when today's budget is used up. */
    public boolean tryAcquire() throws StoreException {
        String day = today().toString();
        return database.inTransaction(c -> {
            int used = used(c, day);
            if (used >= dailyLimit) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cloud_request_count(day, used) VALUES(?, 1) "
                    + "ON CONFLICT(day) DO UPDATE SET used = used + 1")) {
                ps.setString(1, day);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Requests counted today (UTC). */
    public int usedToday() throws StoreException {
        String day = today().toString();
        return database.read(c -> used(c, day));
    }

    /** The cache of Cost Explorer answers in the same database (its table is part of this schema). */
    CostCache cache() {
        return new CostCache(database);
    }

    /** The clock the budget counts days by. */
    Clock clock() {
        return clock;
    }

    public int dailyLimit() {
        return dailyLimit;
    }

    /** When today's count starts again: the next 00:00 UTC. */
    public Instant resetsAt() {
        return today().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static int used(java.sql.Connection c, String day) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT used FROM cloud_request_count WHERE day = ?")) {
            ps.setString(1, day);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }
}
