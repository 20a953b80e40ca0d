package io.vigil.cloud;

/**
 * What the Cloud view and {@code vigil status} read from the cost source: its latest
 * {@link CostSnapshot}. Implemented by {@link CostExplorerSource} (AWS) and by a scenario replay's
 * cost source, so the view cannot tell them apart (ADR 0850). Implementations are thread-safe.
 */
public interface CostReadings {

    /** The newest snapshot; never null. */
    CostSnapshot latest();

    /** "Retry now": the next poll reads again whatever is cached; nothing for a replay. */
    default void requestRefresh() {
    }
}
