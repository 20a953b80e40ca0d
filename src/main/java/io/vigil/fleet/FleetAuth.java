package io.vigil.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * How a fleet endpoint authenticates ({@code fleet.endpoints[].auth}). {@code type}: {@code none},
 * {@code basic} ({@code username}, {@code password}), {@code bearer} ({@code token}), {@code mtls}
 * ({@code certFile} and {@code keyFile}, PEM; PKCS#8 key) or {@code sigv4} (Amazon Managed Service
 * for Prometheus: the AWS SDK's default credentials, or {@code profile}; {@code region}, else taken
 * from the workspace URL). {@code caFile} (PEM bundle) trusts a private CA for any https endpoint.
 *
 * <p>Secrets are never written here: {@code password} and {@code token} are {@code env:NAME} (read
 * from the environment) or a path to a file holding the secret (read at each request, so a rotated
 * token is picked up). Immutable.
 */
public record FleetAuth(@JsonProperty("type") String type, @JsonProperty("username") String username,
                        @JsonProperty("password") String password, @JsonProperty("token") String token,
                        @JsonProperty("caFile") String caFile, @JsonProperty("certFile") String certFile,
                        @JsonProperty("keyFile") String keyFile, @JsonProperty("region") String region,
                        @JsonProperty("profile") String profile) {

    public static final FleetAuth NONE = new FleetAuth("none", null, null, null, null, null, null, null, null);

    /** The kinds of auth. */
    public enum Type { NONE, BASIC, BEARER, MTLS, SIGV4 }

    public FleetAuth {
        type = type == null || type.isBlank() ? "none" : type.trim().toLowerCase(Locale.ROOT);
        username = blankToEmpty(username);
        password = blankToEmpty(password);
        token = blankToEmpty(token);
        caFile = blankToEmpty(caFile);
        certFile = blankToEmpty(certFile);
        keyFile = blankToEmpty(keyFile);
        region = blankToEmpty(region);
        profile = blankToEmpty(profile);
        Type t;
        try {
            t = Type.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auth type must be none, basic, bearer, mtls or sigv4, was '" + type + "'");
        }
        switch (t) {
            case BASIC -> require(!username.isEmpty() && !password.isEmpty(),
                    "auth type basic needs username and password (env:NAME or a file path)");
            case BEARER -> require(!token.isEmpty(), "auth type bearer needs token (env:NAME or a file path)");
            case MTLS -> require(!certFile.isEmpty() && !keyFile.isEmpty(),
                    "auth type mtls needs certFile and keyFile (PEM files)");
            default -> { }
        }
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.trim();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public Type kind() {
        return Type.valueOf(type.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "FleetAuth[" + type + (username.isEmpty() ? "" : ", user " + username) + "]";
    }
}
