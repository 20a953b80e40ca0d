package io.vigil.inventory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code inventory:} section of {@code settings.yaml}: how often to take the inventory and to
 * re-verify baselines, the probe timeout, the hashing rate limit and concurrency, the docker CLI,
 * the folders watched for recently modified model files and the window for "recent".
 */
public record InventorySettings(double periodSeconds, double verifyPeriodMinutes, double probeTimeoutMillis,
                                double hashRateLimitMBps, int hashConcurrency, String dockerPath,
                                List<String> watchedRoots, double recentModelMinutes) {

    public InventorySettings {
        periodSeconds = periodSeconds == 0 ? 30 : periodSeconds;
        verifyPeriodMinutes = verifyPeriodMinutes == 0 ? 60 : verifyPeriodMinutes;
        probeTimeoutMillis = probeTimeoutMillis == 0 ? 1500 : probeTimeoutMillis;
        hashConcurrency = hashConcurrency == 0 ? 2 : hashConcurrency;
        dockerPath = dockerPath == null || dockerPath.isBlank() ? "docker" : dockerPath;
        watchedRoots = watchedRoots == null ? List.of() : List.copyOf(watchedRoots);
        recentModelMinutes = recentModelMinutes == 0 ? 60 : recentModelMinutes;
        if (periodSeconds < 5) {
            throw new IllegalArgumentException("inventory.periodSeconds must be at least 5, was " + periodSeconds);
        }
        if (verifyPeriodMinutes < 1) {
            throw new IllegalArgumentException("inventory.verifyPeriodMinutes must be at least 1, was " + verifyPeriodMinutes);
        }
        if (probeTimeoutMillis < 50 || probeTimeoutMillis > 10_000) {
            throw new IllegalArgumentException("inventory.probeTimeoutMillis must be 50 to 10000, was " + probeTimeoutMillis);
        }
        if (hashRateLimitMBps < 0) {
            throw new IllegalArgumentException("inventory.hashRateLimitMBps must be 0 (unlimited) or more, was "
                    + hashRateLimitMBps);
        }
        if (hashConcurrency < 1 || hashConcurrency > 16) {
            throw new IllegalArgumentException("inventory.hashConcurrency must be 1 to 16, was " + hashConcurrency);
        }
    }

    public static InventorySettings defaults() {
        return new InventorySettings(0, 0, 0, 0, 0, null, null, 0);
    }

    public Duration period() {
        return Duration.ofMillis((long) (periodSeconds * 1000));
    }

    public Duration verifyPeriod() {
        return Duration.ofMillis((long) (verifyPeriodMinutes * 60_000));
    }

    public Duration probeTimeout() {
        return Duration.ofMillis((long) probeTimeoutMillis);
    }

    public Duration recentModelWindow() {
        return Duration.ofMillis((long) (recentModelMinutes * 60_000));
    }

    /** Watched roots with a leading {@code ~} expanded against {@code home}. */
    public List<Path> watchedRootPaths(Path home) {
        return watchedRoots.stream().map(r -> r.startsWith("~/") ? home.resolve(r.substring(2))
                : r.equals("~") ? home : Path.of(r)).toList();
    }
}
