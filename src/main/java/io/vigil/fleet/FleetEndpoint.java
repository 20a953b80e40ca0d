package io.vigil.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;

/**
 * One Prometheus to read the fleet from ({@code fleet.endpoints[]}): a name for messages, the root
 * URL ({@code http://prometheus:9090}, or an Amazon Managed Service for Prometheus workspace URL
 * {@code https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>}), its {@link FleetAuth} and
 * the per-request timeout (default 10 s). The URL must not carry credentials. Immutable.
 */
public record FleetEndpoint(@JsonProperty("name") String name, @JsonProperty("url") String url,
                            @JsonProperty("auth") FleetAuth auth,
                            @JsonProperty("timeoutSeconds") double timeoutSeconds) {

    public FleetEndpoint {
        name = name == null || name.isBlank() ? "prometheus" : name.trim();
        url = url == null ? "" : url.trim();
        auth = auth == null ? FleetAuth.NONE : auth;
        if (timeoutSeconds == 0) {
            timeoutSeconds = 10;
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("fleet endpoint '" + name + "': timeoutSeconds must be at least 1");
        }
        if (url.isEmpty()) {
            throw new IllegalArgumentException("fleet endpoint '" + name + "': url is required (http://prometheus:9090)");
        }
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fleet endpoint '" + name + "': the url is not a valid URL");
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
            throw new IllegalArgumentException("fleet endpoint '" + name + "': the url must be http:// or https:// with a host");
        }
        if (u.getRawUserInfo() != null) {
            // Never echo it: it is a password.
            throw new IllegalArgumentException("fleet endpoint '" + name + "': the url carries credentials; use auth "
                    + "type basic with password env:NAME instead");
        }
    }

    public URI uri() {
        return URI.create(url);
    }

    public java.time.Duration timeout() {
        return java.time.Duration.ofMillis((long) (timeoutSeconds * 1000));
    }
}
