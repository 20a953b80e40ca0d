package io.vigil.app;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.yaml.YamlAliases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final ObjectNode tree;
    private final List<String> problems;

    private Settings(ObjectNode tree, List<String> problems) {
        this.tree = tree;
        this.problems = List.copyOf(problems);
    }

    /** Built-in defaults only. */
    public static Settings defaults() {
        return new Settings(readDefaults(), List.of());
    }

    /**
     * Loads {@code file} over the defaults, creating it from the commented default file when it does
     * not exist, then applies environment and system-property overrides.
     */
    public static Settings load(Path file, Map<String, String> env, Map<String, String> sysProps) {
        ObjectNode tree = readDefaults();
        List<String> problems = new ArrayList<>();
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
            }
        }
        for (var e : sysProps.entrySet()) {
            // Any depth: -Dvigil.cloud.costExplorer.dailyRequestBudget=3 sets a nested key.
            if (e.getKey().startsWith("vigil.") && e.getKey().chars().filter(c -> c == '.').count() >= 2
                    && !e.getKey().equals("vigil.config.dir") && !e.getKey().equals("vigil.data.dir")) {
                set(tree, e.getKey().substring("vigil.".length()), e.getValue());
            }
        }
        return new Settings(tree, problems);
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
     * ("5" to 5). A value of the wrong type in the file makes this throw with the section and key.
     */
    public <T> T section(String name, Class<T> type) {
        JsonNode node = tree.get(name);
        try {
            return YAML.treeToValue(node == null ? YAML.createObjectNode() : node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("settings section '" + name + "': " + e.getOriginalMessage(), e);
        }
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
