package io.vigil.rules;

/** What produces a rule's values: a plain metric, or one of the built-in detectors. */
public enum DetectorKind {
    /** The metric selector, reduced over the window (or its rate of change, or its z-score). */
    METRIC("metric"),
    /** A GPU busy while none of its processes matches the allow-list of known workloads. */
    UNEXPLAINED_GPU_LOAD("unexplained_gpu_load"),
    /** Processes that look like crypto miners (names, stratum URLs, flags, pool ports). */
    MINER_SIGNATURE("miner_signature"),
    /** A telemetry source that is DOWN. */
    SOURCE_DOWN("source_down"),
    /** Wasserstein distance between the last window and the baseline window before it. */
    WASSERSTEIN_DRIFT("wasserstein_drift"),
    /** Month-to-date spend over the budget's pace (mtd / (budget × elapsed fraction of month)). */
    BUDGET_PACE("budget_pace"),
    /** XID errors in the window, one instance per GPU (UUID) and XID, worded from the XID table. */
    GPU_XID("gpu_xid"),
    /** A process with files open under the watched roots while the host's egress is high (bytes/s). */
    EXFILTRATION("exfiltration");

    private final String key;

    DetectorKind(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static DetectorKind parse(String text) {
        for (DetectorKind k : values()) {
            if (k.key.equals(text)) {
                return k;
            }
        }
        return null;
    }

    /** Whether a backtest can replay it from metric history (process and source data are live only). */
    public boolean replayable() {
        return this == METRIC || this == WASSERSTEIN_DRIFT || this == BUDGET_PACE;
    }
}
