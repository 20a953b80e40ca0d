package io.vigil.cloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Cost Explorer source has paid for, kept in the database between processes (table
 * {@code cloud_cost_cache} of the cloud schema, one row per AWS profile), so a second
 * {@code vigil status} or a restarted console serves figures younger than their period without a
 * paid request (ADR 0211). Amounts in USD. Thread-safe: each call is one database statement.
 */
public final class CostCache {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The cached state of the source. Times are when AWS was read; null when never.
     *
     * @param recentPages  pages the last read of the recent days needed (for the adaptive period)
     * @param fullPages    pages the last read of the whole window needed
     * @param anomalyPages pages the last anomaly read needed
     */
    public record State(List<DailyCost> days, Instant costsAt, Instant fullAt, Instant forecastAt,
                        double forecastRestOfMonth, LocalDate forecastMonth, Instant anomaliesAt,
                        List<CostAnomaly> anomalies, int recentPages, int fullPages, int anomalyPages) {
        public State {
            days = List.copyOf(days);
            anomalies = List.copyOf(anomalies);
        }
    }

    private final Database database;

    CostCache(Database database) {
        this.database = database;
    }

    /** Saves {@code state} for {@code profile}, replacing what was there. */
    public void save(String profile, State state) throws StoreException {
        String json = toJson(state);
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO cloud_cost_cache(profile, saved_at, state) "
                    + "VALUES(?, ?, ?) ON CONFLICT(profile) DO UPDATE SET saved_at = excluded.saved_at, "
                    + "state = excluded.state")) {
                ps.setString(1, profile);
                ps.setString(2, String.valueOf(state.costsAt()));
                ps.setString(3, json);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The state saved for {@code profile}; empty when none, or when it cannot be read (it is then ignored). */
    public Optional<State> load(String profile) throws StoreException {
        String json = database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM cloud_cost_cache WHERE profile = ?")) {
                ps.setString(1, profile);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(JSON.readTree(json)));
        } catch (JsonProcessingException | RuntimeException e) {
            // A row from an older or broken write is only a cache: read AWS again instead.
            return Optional.empty();
        }
    }

    static String toJson(State s) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode days = o.putArray("days");
        for (DailyCost d : s.days()) {
            ObjectNode n = days.addObject().put("day", d.day().toString()).put("estimated", d.estimated());
            ObjectNode by = n.putObject("byService");
            d.byService().forEach(by::put);
        }
        putTime(o, "costsAt", s.costsAt());
        putTime(o, "fullAt", s.fullAt());
        putTime(o, "forecastAt", s.forecastAt());
        if (!Double.isNaN(s.forecastRestOfMonth())) {
            o.put("forecastRestOfMonth", s.forecastRestOfMonth());
        }
        o.put("forecastMonth", s.forecastMonth() == null ? null : s.forecastMonth().toString());
        putTime(o, "anomaliesAt", s.anomaliesAt());
        ArrayNode anomalies = o.putArray("anomalies");
        for (CostAnomaly a : s.anomalies()) {
            ObjectNode n = anomalies.addObject().put("id", a.id()).put("start", a.start().toString())
                    .put("end", a.end().map(LocalDate::toString).orElse(null)).put("dimension", a.dimension())
                    .put("maxScore", a.maxScore()).put("currentScore", a.currentScore())
                    .put("totalImpactUsd", a.totalImpactUsd()).put("maxImpactUsd", a.maxImpactUsd())
                    .put("monitorArn", a.monitorArn());
            ArrayNode causes = n.putArray("rootCauses");
            for (CostAnomaly.RootCause rc : a.rootCauses()) {
                causes.addObject().put("service", rc.service()).put("linkedAccount", rc.linkedAccount())
                        .put("linkedAccountName", rc.linkedAccountName()).put("region", rc.region())
                        .put("usageType", rc.usageType());
            }
        }
        o.put("recentPages", s.recentPages()).put("fullPages", s.fullPages()).put("anomalyPages", s.anomalyPages());
        return o.toString();
    }

    static State fromJson(JsonNode o) {
        List<DailyCost> days = new ArrayList<>();
        for (JsonNode n : o.path("days")) {
            Map<String, Double> by = new LinkedHashMap<>();
            n.path("byService").properties().forEach(e -> by.put(e.getKey(), e.getValue().asDouble()));
            days.add(new DailyCost(LocalDate.parse(n.path("day").asText()), by, n.path("estimated").asBoolean()));
        }
        List<CostAnomaly> anomalies = new ArrayList<>();
        for (JsonNode n : o.path("anomalies")) {
            List<CostAnomaly.RootCause> causes = new ArrayList<>();
            for (JsonNode rc : n.path("rootCauses")) {
                causes.add(new CostAnomaly.RootCause(rc.path("service").asText(), rc.path("linkedAccount").asText(),
                        rc.path("linkedAccountName").asText(), rc.path("region").asText(),
                        rc.path("usageType").asText()));
            }
            anomalies.add(new CostAnomaly(n.path("id").asText(), LocalDate.parse(n.path("start").asText()),
                    n.hasNonNull("end") ? Optional.of(LocalDate.parse(n.get("end").asText())) : Optional.empty(),
                    n.path("dimension").asText(), n.path("maxScore").asDouble(), n.path("currentScore").asDouble(),
                    n.path("totalImpactUsd").asDouble(), n.path("maxImpactUsd").asDouble(), causes,
                    n.path("monitorArn").asText()));
        }
        return new State(days, time(o, "costsAt"), time(o, "fullAt"), time(o, "forecastAt"),
                o.hasNonNull("forecastRestOfMonth") ? o.get("forecastRestOfMonth").asDouble() : Double.NaN,
                o.hasNonNull("forecastMonth") ? LocalDate.parse(o.get("forecastMonth").asText()) : null,
                time(o, "anomaliesAt"), anomalies, o.path("recentPages").asInt(1), o.path("fullPages").asInt(1),
                o.path("anomalyPages").asInt(1));
    }

    private static void putTime(ObjectNode o, String key, Instant t) {
        o.put(key, t == null ? null : t.toString());
    }

    private static Instant time(JsonNode o, String key) {
        return o.hasNonNull(key) ? Instant.parse(o.get(key).asText()) : null;
    }
}
