package io.vigil.telemetry;

/**
 * Which series belong to remote fleet nodes: those labelled {@value #NODE_LABEL}. Prometheus holds
 * their history (charts ask it with {@code query_range}), and a fleet of 1,000 nodes × 8 GPUs has
 * some 50,000 of them, so the {@link SeriesStore} keeps only a short window of each (the fleet
 * setting {@code windowMinutes}, default 15) and frees them that long after their last point, and the
 * roll-ups never copy them to SQLite.
 *
 * <p>Stateless and thread-safe.
 */
public final class FleetSeries {

    /** The label every fleet series carries: the node's name. */
    public static final String NODE_LABEL = "node";

    private FleetSeries() {
    }

    public static boolean matches(MetricId id) {
        return id.labels().containsKey(NODE_LABEL);
    }
}
