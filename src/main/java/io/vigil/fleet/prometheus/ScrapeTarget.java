package io.vigil.fleet.prometheus;

import java.util.Map;

/**
 * One active target of Prometheus's {@code /api/v1/targets}: its labels after relabelling
 * ({@code instance}, {@code job}, static labels), scrape pool and URL, health ({@code up},
 * {@code down}, {@code unknown} before the first scrape), Prometheus's last scrape error and the time
 * of the last scrape (epoch ms, 0 when never). Everything here came from the watched side. Immutable.
 */
public record ScrapeTarget(Map<String, String> labels, String scrapePool, String scrapeUrl, String health,
                           String lastError, long lastScrapeMillis) {

    public ScrapeTarget {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        scrapePool = scrapePool == null ? "" : scrapePool;
        scrapeUrl = scrapeUrl == null ? "" : scrapeUrl;
        health = health == null ? "unknown" : health;
        lastError = lastError == null ? "" : lastError;
    }
}
