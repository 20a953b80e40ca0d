package io.vigil.fleet.prometheus;

import io.vigil.fleet.FleetException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** HTTP basic auth (Prometheus's own {@code basic_auth_users}, or a proxy); the password is a {@link SecretRef}. Thread-safe. */
public record BasicAuth(String username, SecretRef password) implements RequestAuth {

    @Override
    public Map<String, String> headers(String method, URI uri, String contentType, byte[] body) throws FleetException {
        String pair = username + ":" + password.resolve();
        return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String describe() {
        return "basic, user '" + username + "'";
    }

    @Override
    public String toString() {
        return "BasicAuth[" + username + "]";
    }
}
