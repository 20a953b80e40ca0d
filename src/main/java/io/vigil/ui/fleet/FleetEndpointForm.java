package io.vigil.ui.fleet;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the first-run form asks for: one Prometheus endpoint and how to authenticate to it. The
 * secret is never the secret itself: {@code env:NAME} (read from the environment at start) or the
 * path of a file that holds it, as webhooks do. {@link #problem()} says what is wrong, if anything.
 */
public record FleetEndpointForm(String name, String url, Auth auth, String username, String secretRef) {

    /** The authentication kinds the form offers (mTLS and SigV4 are set in settings.yaml). */
    public enum Auth {
        NONE, BASIC, BEARER;

        /** The value of {@code auth.type} in settings.yaml. */
        public String yamlKind() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return switch (this) {
                case NONE -> "None";
                case BASIC -> "Basic (user + password)";
                case BEARER -> "Bearer token";
            };
        }
    }

    private static final Pattern ENV = Pattern.compile("env:[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public FleetEndpointForm {
        name = name == null ? "" : name.strip();
        url = url == null ? "" : url.strip();
        auth = auth == null ? Auth.NONE : auth;
        username = username == null ? "" : username.strip();
        secretRef = secretRef == null ? "" : secretRef.strip();
    }

    /** Why this form cannot be saved, or empty when it can. */
    public Optional<String> problem() {
        if (!NAME.matcher(name).matches()) {
            return Optional.of("Name: letters, digits, '.', '_' or '-' (up to 63), e.g. prod-prometheus.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("URL: not a URL (" + e.getReason() + "); e.g. http://prometheus.example:9090");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return Optional.of("URL: expected http:// or https:// and a host, e.g. http://prometheus.example:9090");
        }
        if (uri.getUserInfo() != null) {
            return Optional.of("URL: no user or password in the URL; choose Basic and give the password as env:NAME.");
        }
        if (url.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of("URL: control characters are not allowed.");
        }
        if (auth == Auth.BASIC && username.isEmpty()) {
            return Optional.of("User: Basic authentication needs a user name.");
        }
        if (auth != Auth.NONE && !isSecretReference(secretRef)) {
            return Optional.of((auth == Auth.BASIC ? "Password" : "Token") + ": write env:NAME (an environment "
                    + "variable) or the absolute path of a file holding it. Vigil never stores the secret itself.");
        }
        if (username.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of("User: control characters are not allowed.");
        }
        return Optional.empty();
    }

    /** {@code env:NAME} or an absolute file path (also {@code ~/…}); anything else may be a pasted secret. */
    public static boolean isSecretReference(String ref) {
        if (ref == null || ref.isEmpty() || ref.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return false;
        }
        if (ENV.matcher(ref).matches()) {
            return true;
        }
        return ref.startsWith("/") || ref.startsWith("~/") || ref.matches("[A-Za-z]:\\\\.*");
    }
}
