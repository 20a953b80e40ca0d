package io.vigil.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;

/**
 * The {@code fleet:} section of {@code settings.yaml}: the Prometheus endpoints the fleet is read
 * from, how often ({@code periodSeconds}, default 15) and how much of each fleet series the console
 * keeps in memory ({@code windowMinutes}, default 15; longer windows are queried from Prometheus).
 * {@code prometheusUrl}, which the environment variable {@code VIGIL_PROMETHEUS_URL} sets, points at
 * one Prometheus without auth and then replaces the endpoints list. No endpoint: no fleet source
 * (local NVML stays the default). Immutable.
 */
public record FleetSettings(@JsonProperty("endpoints") List<FleetEndpoint> endpoints,
                            @JsonProperty("prometheusUrl") String prometheusUrl,
                            @JsonProperty("periodSeconds") double periodSeconds,
                            @JsonProperty("windowMinutes") double windowMinutes) {

    /** The endpoint name given to {@code VIGIL_PROMETHEUS_URL}. */
    public static final String ENV_ENDPOINT_NAME = "VIGIL_PROMETHEUS_URL";

    public FleetSettings {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        prometheusUrl = prometheusUrl == null ? "" : prometheusUrl.trim();
        if (periodSeconds == 0) {
            periodSeconds = 15;
        }
        if (windowMinutes == 0) {
            windowMinutes = 15;
        }
        if (periodSeconds < 1) {
            throw new IllegalArgumentException("fleet.periodSeconds must be at least 1, was " + periodSeconds);
        }
        if (windowMinutes < 1 || windowMinutes > 24 * 60) {
            throw new IllegalArgumentException("fleet.windowMinutes must be between 1 and 1440, was " + windowMinutes);
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (FleetEndpoint e : endpoints) {
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("fleet.endpoints: two endpoints are named '" + e.name() + "'");
            }
        }
    }

    /** The endpoints to read: {@code prometheusUrl} alone when set, else the list. */
    public List<FleetEndpoint> effectiveEndpoints() {
        if (!prometheusUrl.isEmpty()) {
            return List.of(new FleetEndpoint(ENV_ENDPOINT_NAME, prometheusUrl, null, 0));
        }
        return endpoints;
    }

    public boolean configured() {
        return !effectiveEndpoints().isEmpty();
    }

    public Duration period() {
        return Duration.ofMillis((long) (periodSeconds * 1000));
    }

    public Duration window() {
        return Duration.ofMillis((long) (windowMinutes * 60_000));
    }

    /** Points a fleet series needs to hold the window at the period (two spare for jitter). */
    public int pointsPerSeries() {
        return (int) Math.ceil(window().toMillis() / (double) period().toMillis()) + 2;
    }
}
