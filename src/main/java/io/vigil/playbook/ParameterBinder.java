package io.vigil.playbook;

import io.vigil.text.Escaper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds and validates playbook parameters. A value comes from the explicit values (the user's),
 * else from the context (alert labels, a GPU process row), else from the parameter's default; it is
 * then checked against its type. Values that could be read as an option (a leading dash) or hold a
 * control character or a bidirectional override (anything {@link Escaper} would escape) are refused
 * for every type, and {@code path} values must resolve, symlinks
 * included, inside one of the allowed roots.
 *
 * <p>Thread-safe: immutable.
 */
public final class ParameterBinder {

    static final Pattern PID = Pattern.compile("[1-9][0-9]{0,9}");
    static final Pattern CONTAINER = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    static final Pattern K8S_NAME = Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    static final Pattern NAMESPACE = Pattern.compile("(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    static final Pattern INT = Pattern.compile("-?[0-9]{1,18}");

    private final List<Path> allowedRoots;
    private final List<Path> excluded;

    /**
     * {@code allowedRoots}: the folders a {@code path} parameter may point into; the credential
     * folders of the home folder ({@code HOME}) are excluded from them.
     */
    public ParameterBinder(List<Path> allowedRoots) {
        this(allowedRoots, SensitivePaths.forHome(SensitivePaths.home(System.getenv("HOME"),
                System.getProperty("user.home"))));
    }

    /**
     * {@code allowedRoots}: the folders a {@code path} parameter may point into; {@code excluded}:
     * folders inside them that are never readable (credentials, Vigil's configuration). Files that
     * look like keys ({@link SensitivePaths#isKeyFile}) are never readable either.
     */
    public ParameterBinder(List<Path> allowedRoots, List<Path> excluded) {
        this.allowedRoots = List.copyOf(allowedRoots);
        this.excluded = List.copyOf(excluded);
    }

    /**
     * Why {@code real} (a resolved, absolute path) must not be read, or null when it may: it is in
     * or is a credential folder, or its name looks like a key or credential file.
     */
    public String sensitive(Path real) {
        for (Path ex : excluded) {
            Path abs = ex.toAbsolutePath().normalize();
            Path exReal = Files.exists(abs) ? realPathOrSelf(abs) : abs;
            if (real.startsWith(abs) || real.startsWith(exReal)) {
                return "it is in " + abs + ", which holds credentials; playbooks never read it";
            }
        }
        Path name = real.getFileName();
        if (name != null && SensitivePaths.isKeyFile(name.toString())) {
            return "its name looks like a private key or credentials file; playbooks never read those";
        }
        return null;
    }

    private static Path realPathOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    public List<Path> allowedRoots() {
        return allowedRoots;
    }

    /**
     * The validated values by parameter name, or a {@link PlaybookException} listing every problem.
     * Context keys that are not parameters are ignored; explicit keys that are not parameters are errors.
     */
    public Map<String, String> bind(Playbook playbook, Map<String, String> explicit, Map<String, String> context)
            throws PlaybookException {
        List<String> problems = new ArrayList<>();
        for (String key : explicit.keySet()) {
            if (playbook.parameter(key).isEmpty()) {
                problems.add("'" + key + "' is not a parameter of " + playbook.id() + "; expected one of: "
                        + String.join(", ", playbook.parameters().stream().map(Parameter::name).toList()));
            }
        }
        Map<String, String> bound = new LinkedHashMap<>();
        for (Parameter p : playbook.parameters()) {
            String raw = explicit.get(p.name());
            if (raw == null || raw.isEmpty()) {
                raw = context.get(p.name());
            }
            if (raw == null || raw.isEmpty()) {
                raw = p.defaultValue().orElse(null);
            }
            if (raw == null || raw.isEmpty()) {
                if (p.required()) {
                    problems.add(p.name() + ": a value is required (" + describe(p) + ")");
                }
                continue;
            }
            try {
                bound.put(p.name(), validate(p, raw));
            } catch (IllegalArgumentException e) {
                problems.add(p.name() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new PlaybookException(String.join("\n", problems));
        }
        return bound;
    }

    /** What values {@code p} accepts, for help texts and messages. */
    public static String describe(Parameter p) {
        return switch (p.type()) {
            case PID -> "a process id, a positive number";
            case CONTAINER -> "a container name or id: letters, digits, '_', '.', '-'";
            case K8S_NAME -> "a Kubernetes name: lower-case letters, digits, '-' and '.'";
            case NAMESPACE -> "a Kubernetes namespace: lower-case letters, digits and '-', at most 63";
            case PATH -> "an absolute path under an allowed root";
            case DURATION -> "a duration like 30s, 15m, 2h";
            case INT -> "a whole number" + p.min().stream().mapToObj(m -> " ≥ " + m).findFirst().orElse("")
                    + p.max().stream().mapToObj(m -> " ≤ " + m).findFirst().orElse("");
            case STRING -> "text matching " + p.pattern().orElseThrow().pattern();
        };
    }

    /** The canonical value of {@code raw} for {@code p}; throws with what was expected. */
    String validate(Parameter p, String raw) {
        // Exactly what the escaper would make visible: a value shown escaped would differ from the one used.
        if (!Escaper.escape(raw).equals(raw)) {
            throw new IllegalArgumentException("'" + Escaper.escape(raw) + "' holds a control character (newline, "
                    + "tab, ESC, …) or a bidirectional override, which are not allowed");
        }
        if (raw.startsWith("-") && p.type() != ParameterType.INT) {
            throw new IllegalArgumentException("'" + raw + "' starts with '-', which a program would read as an option");
        }
        return switch (p.type()) {
            case PID -> {
                if (!PID.matcher(raw).matches() || Long.parseLong(raw) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("'" + raw + "' is not a process id; expected " + describe(p));
                }
                yield raw;
            }
            case CONTAINER -> match(CONTAINER, raw, p);
            case K8S_NAME -> match(K8S_NAME, raw, p);
            case NAMESPACE -> match(NAMESPACE, raw, p);
            case DURATION -> {
                Durations.parse(raw);
                yield raw;
            }
            case INT -> {
                if (!INT.matcher(raw).matches()) {
                    throw new IllegalArgumentException("'" + raw + "' is not a whole number");
                }
                long v = Long.parseLong(raw);
                if (p.min().isPresent() && v < p.min().getAsLong() || p.max().isPresent() && v > p.max().getAsLong()) {
                    throw new IllegalArgumentException(v + " is out of range; expected " + describe(p));
                }
                yield raw;
            }
            case STRING -> {
                if (!p.pattern().orElseThrow().matcher(raw).matches()) {
                    throw new IllegalArgumentException("'" + raw + "' does not match " + p.pattern().get().pattern());
                }
                yield raw;
            }
            case PATH -> checkPath(raw).toString();
        };
    }

    private static String match(Pattern pattern, String raw, Parameter p) {
        if (!pattern.matcher(raw).matches()) {
            throw new IllegalArgumentException("'" + raw + "' is not valid; expected " + describe(p));
        }
        return raw;
    }

    /**
     * The real location of {@code raw}: absolute, no {@code ..}, and inside an allowed root once every
     * symlink of its existing part is resolved (a link inside a root that points outside is refused).
     */
    public Path checkPath(String raw) {
        Path path;
        try {
            path = Path.of(raw);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("'" + raw + "' must be an absolute path");
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                throw new IllegalArgumentException("'" + raw + "' must not contain '..'");
            }
        }
        if (allowedRoots.isEmpty()) {
            throw new IllegalArgumentException("no path roots are allowed; add folders to playbooks.allowedRoots "
                    + "in settings.yaml");
        }
        Path real = realPath(path.normalize());
        for (Path root : allowedRoots) {
            Path realRoot = realPath(root.toAbsolutePath().normalize());
            if (real.startsWith(realRoot)) {
                String why = sensitive(real);
                if (why != null) {
                    throw new IllegalArgumentException("'" + raw + "' is refused: " + why);
                }
                return real;
            }
        }
        throw new IllegalArgumentException("'" + raw + "'" + (real.equals(path) ? "" : " (really " + real + ")")
                + " is outside the allowed roots: " + String.join(", ", allowedRoots.stream().map(Path::toString).toList()));
    }

    /** Resolves symlinks in the longest existing prefix of {@code p}, keeping the rest as written. */
    private static Path realPath(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p)).normalize();
        } catch (IOException e) {
            // A dangling link or an unreadable folder: refuse rather than guess where it points.
            throw new IllegalArgumentException("'" + p + "' cannot be resolved (" + e.getMessage() + ")");
        }
    }
}
