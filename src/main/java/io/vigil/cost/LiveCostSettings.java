package io.vigil.cost;

import java.net.URI;
import java.time.Duration;

/**
 * The {@code liveCost:} section of {@code settings.yaml}. Immutable.
 *
 * @param electricityUsdPerKwh  what a kWh costs, USD; the GPUs' energy is priced with it (0: energy is free,
 *                              e.g. on a cloud instance whose hourly price includes power); default 0.12
 * @param instanceType          the instance type to price ({@code p5.48xlarge}), set by hand; empty: read it
 *                              from the EC2 instance metadata when {@code readInstanceMetadata} is on
 * @param readInstanceMetadata  ask the EC2 instance metadata service (IMDSv2) for the instance type; default true.
 *                              The environment variable {@code AWS_EC2_METADATA_DISABLED=true} turns it off too
 * @param metadataEndpoint      the metadata service's base URL; empty: {@code http://169.254.169.254}, or the
 *                              environment variable {@code AWS_EC2_METADATA_SERVICE_ENDPOINT} when set
 * @param metadataTimeoutMillis how long each metadata request may take; default 1000 (off EC2 nothing answers)
 */
public record LiveCostSettings(double electricityUsdPerKwh, String instanceType, Boolean readInstanceMetadata,
                               String metadataEndpoint, long metadataTimeoutMillis) {

    public static final String DEFAULT_ENDPOINT = "http://169.254.169.254";

    public LiveCostSettings {
        instanceType = instanceType == null ? "" : instanceType.strip();
        metadataEndpoint = metadataEndpoint == null ? "" : metadataEndpoint.strip();
        readInstanceMetadata = readInstanceMetadata == null || readInstanceMetadata;
        if (!(electricityUsdPerKwh >= 0 && electricityUsdPerKwh <= 10)) {
            throw new IllegalArgumentException("liveCost.electricityUsdPerKwh must be between 0 and 10 USD, was "
                    + electricityUsdPerKwh);
        }
        if (metadataTimeoutMillis == 0) {
            metadataTimeoutMillis = 1000;
        }
        if (metadataTimeoutMillis < 50 || metadataTimeoutMillis > 10_000) {
            throw new IllegalArgumentException("liveCost.metadataTimeoutMillis must be between 50 and 10000, was "
                    + metadataTimeoutMillis);
        }
        if (!metadataEndpoint.isEmpty()) {
            endpoint(metadataEndpoint);
        }
    }

    /** Defaults as in {@code default-settings.yaml}. */
    public static LiveCostSettings defaults() {
        return new LiveCostSettings(0.12, "", true, "", 1000);
    }

    /** This section with the instance type set by hand. */
    public LiveCostSettings withInstanceType(String type) {
        return new LiveCostSettings(electricityUsdPerKwh, type, readInstanceMetadata, metadataEndpoint, metadataTimeoutMillis);
    }

    public Duration metadataTimeout() {
        return Duration.ofMillis(metadataTimeoutMillis);
    }

    /**
     * The metadata endpoint to use: the setting, else {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, else the
     * link-local default. Only http and https URLs are accepted.
     */
    public URI metadataEndpoint(java.util.Map<String, String> env) {
        String fromEnv = env.getOrDefault("AWS_EC2_METADATA_SERVICE_ENDPOINT", "").strip();
        return endpoint(!metadataEndpoint.isEmpty() ? metadataEndpoint : !fromEnv.isEmpty() ? fromEnv : DEFAULT_ENDPOINT);
    }

    /** Whether the metadata service may be asked: the setting, unless {@code AWS_EC2_METADATA_DISABLED=true}. */
    public boolean metadataAllowed(java.util.Map<String, String> env) {
        return readInstanceMetadata && !"true".equalsIgnoreCase(env.getOrDefault("AWS_EC2_METADATA_DISABLED", "").strip());
    }

    private static URI endpoint(String text) {
        URI uri;
        try {
            uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("liveCost.metadataEndpoint: expected a URL like http://169.254.169.254, got '"
                    + text + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("liveCost.metadataEndpoint: expected an http:// or https:// URL, got '"
                    + text + "'");
        }
        return uri;
    }
}
