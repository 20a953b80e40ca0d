package io.vigil.fleet.prometheus;

import io.vigil.fleet.FleetException;
import java.net.URI;
import java.util.Map;

/** A bearer token (hosted Prometheus, an auth proxy), from a {@link SecretRef}. Thread-safe. */
public record BearerAuth(SecretRef token) implements RequestAuth {

    @Override
    public Map<String, String> headers(String method, URI uri, String contentType, byte[] body) throws FleetException {
        String t = token.resolve().strip();
        if (t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new FleetException(FleetException.Kind.AUTH, token.setting() + ": the token is empty or has characters a"
                    + " header cannot carry");
        }
        return Map.of("Authorization", "Bearer " + t);
    }

    @Override
    public String describe() {
        return "bearer token";
    }

    @Override
    public String toString() {
        return "BearerAuth[" + token.setting() + "]";
    }
}
