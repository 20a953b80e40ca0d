package io.vigil.fleet.prometheus;

import io.vigil.fleet.FleetException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A secret named in the settings, never the secret itself: {@code env:NAME} (the environment
 * variable NAME) or a path to a file holding it ({@code ~/} is the home folder; one trailing newline
 * is dropped). Resolved at each use, so a rotated token file is picked up. Messages name the setting,
 * never the value (a user may have pasted the secret itself). Immutable.
 */
public record SecretRef(String reference, String setting, Map<String, String> env) {

    public SecretRef {
        env = Map.copyOf(env);
    }

    public String resolve() throws FleetException {
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String v = env.get(name);
            if (v == null || v.isEmpty()) {
                throw new FleetException(FleetException.Kind.AUTH, setting + ": the environment variable " + name
                        + " is not set");
            }
            return v;
        }
        Path file = path(reference);
        if (!Files.isRegularFile(file)) {
            throw new FleetException(FleetException.Kind.AUTH, setting + " expects env:NAME or the path of a file"
                    + " holding the secret, and no such file exists (the value is not shown: it may be the secret itself)");
        }
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException e) {
            throw new FleetException(FleetException.Kind.AUTH, setting + ": the file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    static Path path(String p) {
        if (p.startsWith("~/")) {
            return Path.of(System.getProperty("user.home", "."), p.substring(2));
        }
        return Path.of(p);
    }
}
