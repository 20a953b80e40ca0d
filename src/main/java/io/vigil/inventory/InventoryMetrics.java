package io.vigil.inventory;

/** Metric names published by the inventory source, as agreed with the rules engine. */
public final class InventoryMetrics {

    /** 1 when the service answered without authentication, else 0; labels {@code port, service, bind}. */
    public static final String UNAUTHENTICATED_SERVICE = "inventory.unauthenticated_service";
    /** Number of risky settings of a running container; label {@code container} (its name). */
    public static final String RISKY_CONTAINER = "inventory.risky_container";
    /** Changed, added, removed or unreadable files under a baseline root at its last verify; label {@code path}. */
    public static final String INTEGRITY_DRIFT = "integrity.drift";

    private InventoryMetrics() {
    }
}
