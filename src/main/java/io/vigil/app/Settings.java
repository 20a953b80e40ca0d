package io.vigil.app;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.yaml.YamlAliases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings tree, built with the precedence built-in defaults &lt; {@code settings.yaml} &lt;
 * environment variables &lt; {@code -Dvigil.<section>.<key>} system properties. Each feature reads
 * its own section as a record with {@link #section(String, Class)}.
 *
 * <p>A broken {@code settings.yaml} never stops the app: the defaults apply and {@link #problems()}
 * carries the message (file, line, column) for the status bar. Immutable once built.
 */
public final class Settings {

    static final String DEFAULTS_RESOURCE = "/io/vigil/app/default-settings.yaml";
    /** Environment variables that users script against, and the setting each one sets. */
    static final Map<String, String> ENVIRONMENT_OVERRIDES = Map.of(
            "VIGIL_NVML_LIB", "gpu.nvmlLibrary",
            "AWS_PROFILE", "cloud.profile",
            "AWS_REGION", "cloud.region",
            "VIGIL_PROMETHEUS_URL", "fleet.prometheusUrl");

    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final ObjectNode tree;
    private final List<String> problems;
    /** Where each value that is not a default came from: "file:line:column", or the variable or property. */
    private final Map<String, String> origins;

    private Settings(ObjectNode tree, List<String> problems, Map<String, String> origins) {
        this.tree = tree;
        this.problems = List.copyOf(problems);
        this.origins = Map.copyOf(origins);
    }

    /** Built-in defaults only. */
    public static Settings defaults() {
        return new Settings(readDefaults(), List.of(), Map.of());
    }

    /**
     * Loads {@code file} over the defaults, creating it from the commented default file when it does
     * not exist, then applies environment and system-property overrides.
     */
    public static Settings load(Path file, Map<String, String> env, Map<String, String> sysProps) {
        ObjectNode tree = readDefaults();
        List<String> problems = new ArrayList<>();
        Map<String, String> origins = new HashMap<>();
        try {
            if (!Files.exists(file)) {
                io.vigil.store.OwnerOnly.createDirectories(file.toAbsolutePath().getParent());
                try (InputStream in = Settings.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
                    // Created owner-only: a settings file others can write is a way to change what Vigil runs.
                    io.vigil.store.OwnerOnly.writeString(file, new String(in.readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            byte[] bytes = Files.readAllBytes(file);
            YamlAliases.refuse((YAMLFactory) YAML.getFactory(), bytes, "settings.yaml"); // *x would read as "x"
            JsonNode user = YAML.readTree(bytes);
            if (user != null && !user.isMissingNode() && !user.isNull()) {
                if (!user.isObject()) {
                    problems.add(file + ": expected a mapping of sections (host:, ui:, …) at the top level");
                } else {
                    merge(tree, (ObjectNode) user);
                    SettingsLocations.record(file, Files.readString(file), origins);
                }
            }
        } catch (JsonProcessingException e) {
            problems.add(describe(file, e));
        } catch (IOException e) {
            problems.add(file + ": cannot be read (" + e.getMessage() + "); using defaults");
        }
        for (var e : ENVIRONMENT_OVERRIDES.entrySet()) {
            String value = env.get(e.getKey());
            if (value != null && !value.isBlank()) {
                set(tree, e.getValue(), value);
                origins.put(e.getValue(), "environment variable " + e.getKey());
            }
        }
        for (var e : sysProps.entrySet()) {
            // Any depth: -Dvigil.cloud.costExplorer.dailyRequestBudget=3 sets a nested key.
            if (e.getKey().startsWith("vigil.") && e.getKey().chars().filter(c -> c == '.').count() >= 2
                    && !e.getKey().equals("vigil.config.dir") && !e.getKey().equals("vigil.data.dir")) {
                set(tree, e.getKey().substring("vigil.".length()), e.getValue());
                origins.put(e.getKey().substring("vigil.".length()), "system property -D" + e.getKey());
            }
        }
        return new Settings(tree, problems, origins);
    }

    static String describe(Path file, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
        return file + where + ": " + e.getOriginalMessage() + " (using the built-in defaults until it is fixed)";
    }

    private static ObjectNode readDefaults() {
        try (InputStream in = Settings.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("built-in default settings are missing", e);
        }
    }

    private static void merge(ObjectNode base, ObjectNode over) {
        Iterator<Map.Entry<String, JsonNode>> it = over.fields();
        while (it.hasNext()) {
            var e = it.next();
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode vo) {
                merge(eo, vo);
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void set(ObjectNode tree, String dottedPath, String value) {
        String[] parts = dottedPath.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        node.put(parts[parts.length - 1], value);
    }

    /**
     * Binds the section {@code name} to {@code type}. Strings from the environment are converted
     * ("5" to 5). A bad value makes this throw with where it came from (file:line:column, or the
     * variable or property), the key, and what was expected.
     */
    public <T> T section(String name, Class<T> type) {
        try {
            return bind(tree.get(name), type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(describeBadValue(name, type, e), e);
        }
    }

    /**
     * Binds the section {@code name} to {@code type}; when a value in it is bad, the whole section
     * falls back to its built-in defaults and {@code problems} gets one message saying where, which
     * key, what was expected, and that the defaults apply. Other sections are not affected, and the
     * feature keeps running.
     */
    public <T> T section(String name, Class<T> type, Consumer<String> problems) {
        try {
            return bind(tree.get(name), type);
        } catch (JsonProcessingException e) {
            String message = describeBadValue(name, type, e) + "; the '" + name
                    + "' section uses its built-in defaults until it is fixed";
            LOG.warn(message);
            problems.accept(message);
            try {
                return bind(readDefaults().get(name), type);
            } catch (JsonProcessingException defaultsBroken) {
                throw new IllegalStateException("built-in default settings for '" + name + "' do not bind", defaultsBroken);
            }
        }
    }

    private static <T> T bind(JsonNode node, Class<T> type) throws JsonProcessingException {
        return YAML.treeToValue(node == null ? YAML.createObjectNode() : node, type);
    }

    /** "where: section.key: what is wrong", naming the key once. */
    private String describeBadValue(String name, Class<?> type, JsonProcessingException e) {
        String key = badKey(name, type, e);
        String dotted = key == null ? name : name + "." + key;
        String where = origins.getOrDefault(dotted, origins.get(name));
        String reason = reason(dotted, e);
        return (where == null ? "settings" : where) + ": " + dotted + ": " + reason;
    }

    /** The key in the section that makes binding fail, or null when no single key does. */
    private String badKey(String name, Class<?> type, JsonProcessingException e) {
        if (e instanceof JsonMappingException jm) {
            for (JsonMappingException.Reference ref : jm.getPath()) {
                if (ref.getFieldName() != null) {
                    return ref.getFieldName();
                }
            }
        }
        // A check in the record's constructor names no property: put each key back to its default in
        // turn; the one whose default makes the section bind is the bad one.
        JsonNode section = tree.get(name);
        JsonNode defaults = readDefaults().get(name);
        if (section instanceof ObjectNode obj) {
            Iterator<String> keys = obj.fieldNames();
            while (keys.hasNext()) {
                String k = keys.next();
                ObjectNode trial = obj.deepCopy();
                JsonNode d = defaults == null ? null : defaults.get(k);
                if (d == null) {
                    trial.remove(k);
                } else {
                    trial.set(k, d);
                }
                try {
                    bind(trial, type);
                    return k;
                } catch (JsonProcessingException stillBad) {
                    // not this one
                }
            }
        }
        return null;
    }

    private static String reason(String dotted, JsonProcessingException e) {
        if (e instanceof InvalidFormatException f) {
            return "expected " + expected(f.getTargetType()) + ", got '" + f.getValue() + "'";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + expected(m.getTargetType());
        }
        Throwable cause = e.getCause();
        String text = cause instanceof IllegalArgumentException iae && iae.getMessage() != null ? iae.getMessage()
                : e.getOriginalMessage();
        text = text.lines().findFirst().orElse("").strip();
        // Records say "host.periodSeconds must be …": the key is already in front of the message.
        return text.startsWith(dotted + " ") ? text.substring(dotted.length() + 1) : text;
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return "a " + type.getSimpleName();
    }

    /** Messages about a settings file that could not be used; empty when all is well. */
    public List<String> problems() {
        return problems;
    }

    /** The merged tree (read-only use). */
    public JsonNode tree() {
        return tree.deepCopy();
    }
}
