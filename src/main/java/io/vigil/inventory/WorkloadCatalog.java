package io.vigil.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The workload rules and service ports, read from the built-in {@code workloads.yaml} and
 * optionally extended by a user file of the same shape (same id or port replaces, new ones are
 * added). A bad user entry is skipped with a message naming the file and entry; the built-in rules
 * still apply. Immutable and thread-safe once loaded.
 */
public final class WorkloadCatalog {

    static final String BUILTIN = "/io/vigil/inventory/workloads.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<WorkloadRule> rules;
    private final Map<Integer, ServiceDefinition> servicesByPort;
    private final List<String> problems;

    private WorkloadCatalog(List<WorkloadRule> rules, Map<Integer, ServiceDefinition> servicesByPort,
                            List<String> problems) {
        this.rules = List.copyOf(rules);
        this.servicesByPort = Map.copyOf(servicesByPort);
        this.problems = List.copyOf(problems);
    }

    /** The built-in catalogue only. */
    public static WorkloadCatalog builtin() {
        return load(Optional.empty());
    }

    /** The built-in catalogue extended by {@code userFile} when it exists. */
    public static WorkloadCatalog load(Optional<Path> userFile) {
        Map<String, WorkloadRule> rules = new LinkedHashMap<>();
        Map<Integer, ServiceDefinition> services = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (InputStream in = WorkloadCatalog.class.getResourceAsStream(BUILTIN)) {
            parse("built-in " + BUILTIN, YAML.readTree(in), rules, services, problems);
        } catch (IOException e) {
            throw new UncheckedIOException("the built-in workload catalogue is missing", e);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("built-in workload catalogue is broken: " + problems);
        }
        if (userFile.isPresent() && Files.isRegularFile(userFile.get())) {
            Path file = userFile.get();
            try {
                parse(file.toString(), YAML.readTree(file.toFile()), rules, services, problems);
            } catch (JsonProcessingException e) {
                var loc = e.getLocation();
                problems.add(file + (loc == null ? "" : ":" + loc.getLineNr()) + ": " + e.getOriginalMessage()
                        + " (using the built-in workload rules)");
            } catch (IOException e) {
                problems.add(file + ": cannot be read (" + e.getMessage() + ")");
            }
        }
        return new WorkloadCatalog(new ArrayList<>(rules.values()), services, problems);
    }

    private static void parse(String origin, JsonNode root, Map<String, WorkloadRule> rules,
                              Map<Integer, ServiceDefinition> services, List<String> problems) {
        if (root == null || root.isNull() || root.isMissingNode()) {
            return;
        }
        int i = 0;
        for (JsonNode w : root.path("workloads")) {
            i++;
            String where = origin + ": workloads entry " + i;
            String id = w.path("id").asText("");
            if (id.isBlank() || w.path("executable").asText("").isBlank()) {
                problems.add(where + ": expected 'id' and 'executable'");
                continue;
            }
            try {
                WorkloadRule rule = new WorkloadRule(id, w.path("label").asText(id),
                        text(w, "service"), Pattern.compile(w.path("executable").asText()),
                        text(w, "commandLine").map(Pattern::compile), text(w, "libraries").map(Pattern::compile));
                // A user rule with a known id replaces the built-in one in place; a new one goes first
                // so that local, more specific rules win over the generic frameworks.
                if (rules.containsKey(id) || origin.startsWith("built-in")) {
                    rules.put(id, rule);
                } else {
                    Map<String, WorkloadRule> reordered = new LinkedHashMap<>();
                    reordered.put(id, rule);
                    reordered.putAll(rules);
                    rules.clear();
                    rules.putAll(reordered);
                }
            } catch (PatternSyntaxException e) {
                problems.add(where + " (" + id + "): bad regular expression: " + e.getDescription()
                        + " in '" + e.getPattern() + "'");
            }
        }
        i = 0;
        for (JsonNode s : root.path("services")) {
            i++;
            String where = origin + ": services entry " + i;
            int port = s.path("port").asInt(-1);
            String service = s.path("service").asText("");
            if (port < 1 || port > 65535 || service.isBlank()) {
                problems.add(where + ": expected 'port' (1-65535) and 'service'");
                continue;
            }
            try {
                services.put(port, new ServiceDefinition(port, service, ProbeKind.parse(s.path("probe").asText("")),
                        s.path("executesCode").asBoolean(false)));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": unknown probe '" + s.path("probe").asText()
                        + "' (expected jupyter, tensorboard, mlflow, ray, ollama, openai or none)");
            }
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        String v = node.path(field).asText("");
        return v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public List<WorkloadRule> rules() {
        return rules;
    }

    public Optional<ServiceDefinition> serviceForPort(int port) {
        return Optional.ofNullable(servicesByPort.get(port));
    }

    /** The first service definition named {@code service}, used for ports owned by a known workload. */
    public Optional<ServiceDefinition> serviceNamed(String service, int port) {
        return servicesByPort.values().stream().filter(s -> s.service().equals(service)).findFirst()
                .map(s -> new ServiceDefinition(port, s.service(), s.probe(), s.executesCode()));
    }

    /** Messages about a user catalogue entry that was skipped; empty when all is well. */
    public List<String> problems() {
        return problems;
    }
}
