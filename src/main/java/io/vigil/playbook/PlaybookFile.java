package io.vigil.playbook;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.yaml.YamlAliases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads playbook YAML files. The file name (without {@code .yaml}) is the playbook id. Files are
 * limited in size, aliases and nesting (a YAML "billion laughs" cannot exhaust memory), unknown keys
 * are errors, and every error names the file, line and column and what was expected.
 *
 * <p>Thread-safe: stateless apart from the immutable mapper.
 */
public final class PlaybookFile {

    /** Largest playbook file accepted, in bytes. */
    public static final int MAX_BYTES = 256 * 1024;
    /** The built-in action names a step may use; the registry decides which are available. */
    public static final Set<String> KNOWN_ACTIONS = Set.of("signal_process", "hash_files", "verify_hashes",
            "find_recent_files", "collect", "scan_containers", "pcap_summary", "aws_guardrail", "capture_evidence");
    /** Ids of the playbooks shipped in {@code io/vigil/playbook/builtin/}. */
    public static final List<String> BUILT_IN_IDS = List.of("gpu-miner-triage", "suspend-process",
            "resume-process", "kill-process", "exfiltration-check", "container-miner-check",
            "preserve-container-evidence", "isolate-k8s-workload", "model-integrity", "aws-guardrails");

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,31}");

    private final ObjectMapper yaml;

    public PlaybookFile() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setNestingDepthLimit(16);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowDuplicateKeys(false);
        this.yaml = new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
    }

    /** Reads an analyst's playbook file. */
    public Playbook read(Path file) throws PlaybookException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new PlaybookException(file + ": larger than " + MAX_BYTES / 1024 + " KiB; a playbook is a short file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PlaybookException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return parse(idOf(file.getFileName().toString(), file.toString()), bytes, file.toString(), false);
    }

    /** Reads a built-in playbook from the resources. */
    public Playbook readBuiltIn(String id) throws PlaybookException {
        String resource = "builtin/" + id + ".yaml";
        try (InputStream in = PlaybookFile.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PlaybookException("built-in playbook " + id + " is missing from the build");
            }
            return parse(id, in.readNBytes(MAX_BYTES + 1), "builtin:" + id + ".yaml", true);
        } catch (IOException e) {
            throw new PlaybookException("built-in playbook " + id + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code bytes} as the playbook {@code id}; {@code source} names it in messages. */
    public Playbook parse(String id, byte[] bytes, String source, boolean builtIn) throws PlaybookException {
        if (bytes.length > MAX_BYTES) {
            throw new PlaybookException(source + ": larger than " + MAX_BYTES / 1024 + " KiB; a playbook is a short file");
        }
        FileDto dto;
        try {
            YamlAliases.refuse((YAMLFactory) yaml.getFactory(), bytes, "playbooks");
            dto = yaml.readValue(bytes, FileDto.class);
        } catch (JsonProcessingException e) {
            throw new PlaybookException(describe(source, e), e);
        } catch (IOException e) {
            throw new PlaybookException(source + ": " + e.getMessage(), e);
        }
        if (dto == null) {
            throw new PlaybookException(source + ": the file is empty; expected name:, description:, parameters:, steps:");
        }
        return dto.toPlaybook(id, source, sha256(bytes), builtIn);
    }

    static String idOf(String fileName, String source) throws PlaybookException {
        String stem = fileName.endsWith(".yaml") ? fileName.substring(0, fileName.length() - 5)
                : fileName.endsWith(".yml") ? fileName.substring(0, fileName.length() - 4) : fileName;
        if (!ID.matcher(stem).matches()) {
            throw new PlaybookException(source + ": the file name is the playbook id and must be lower-case letters, "
                    + "digits and dashes (like my-triage.yaml)");
        }
        return stem;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String describe(String source, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 0 ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            what = "unknown key '" + u.getPropertyName() + "'; expected one of: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
        } else if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            what = v.getCause().getMessage();
        } else {
            what = e.getOriginalMessage()
                    .replaceAll("`[a-zA-Z.$]*PlaybookFile\\$(\\w+)Dto`", "$1")
                    .replaceAll("\\(class [^)]*\\)", "")
                    .replaceAll("`java\\.[a-z.]*\\.(\\w+)(<[^>]*>)?`", "$1");
        }
        return source + where + ": " + what;
    }

    // ---- the file's shape, validated as it is read so errors carry a location ----

    record FileDto(String name, String description, List<ParamDto> parameters, List<StepDto> steps) {
        @JsonCreator
        static FileDto of(@JsonProperty(value = "name", required = true) String name,
                          @JsonProperty("description") String description,
                          @JsonProperty("parameters") List<ParamDto> parameters,
                          @JsonProperty(value = "steps", required = true) List<StepDto> steps,
                          @JsonAnySetter Map<String, Object> unknown) {
            refuseUnknown(unknown, "name, description, parameters, steps");
            List<ParamDto> ps = parameters == null ? List.of() : parameters;
            List<StepDto> ss = steps == null ? List.of() : steps;
            if (ss.isEmpty()) {
                throw new IllegalArgumentException("steps: expected at least one step");
            }
            Set<String> names = new HashSet<>(Template.RUN_VARIABLES);
            for (ParamDto p : ps) {
                if (!names.add(p.name)) {
                    throw new IllegalArgumentException("parameter '" + p.name + "' is declared twice, or shadows a "
                            + "run variable (" + String.join(", ", new TreeSet<>(Template.RUN_VARIABLES)) + ")");
                }
            }
            for (StepDto s : ss) {
                for (String ref : s.references()) {
                    if (!names.contains(ref)) {
                        throw new IllegalArgumentException("step '" + s.name + "' uses {{" + ref + "}}, which is not a "
                                + "parameter; expected one of: " + String.join(", ", new TreeSet<>(names)));
                    }
                }
            }
            return new FileDto(require(name, "name"), description == null ? "" : description.strip(), ps, ss);
        }

        Playbook toPlaybook(String id, String source, String sha256, boolean builtIn) {
            List<Parameter> ps = parameters.stream().map(ParamDto::toParameter).toList();
            List<Step> ss = steps.stream().map(StepDto::toStep).toList();
            return new Playbook(id, name, description, ps, ss, source, sha256, builtIn);
        }
    }

    record ParamDto(String name, ParameterType type, String description, String defaultValue, boolean required,
                    Pattern pattern, Long min, Long max) {
        @JsonCreator
        static ParamDto of(@JsonProperty(value = "name", required = true) String name,
                           @JsonProperty(value = "type", required = true) String type,
                           @JsonProperty("description") String description,
                           @JsonProperty("default") String defaultValue,
                           @JsonProperty("required") Boolean required,
                           @JsonProperty("pattern") String pattern,
                           @JsonProperty("min") Long min,
                           @JsonProperty("max") Long max,
                           @JsonAnySetter Map<String, Object> unknown) {
            refuseUnknown(unknown, "name, type, description, default, required, pattern, min, max");
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("parameter name '" + name + "': expected lower-case letters, digits "
                        + "and underscores, starting with a letter");
            }
            ParameterType t = ParameterType.fromYaml(type);
            if (t == null) {
                throw new IllegalArgumentException("parameter '" + name + "': unknown type '" + type + "'; expected one of: "
                        + java.util.Arrays.stream(ParameterType.values()).map(ParameterType::yamlName)
                                .collect(Collectors.joining(", ")));
            }
            Pattern compiled = null;
            if (pattern != null) {
                try {
                    compiled = Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("parameter '" + name + "': pattern is not a valid regular "
                            + "expression: " + e.getDescription());
                }
            } else if (t == ParameterType.STRING) {
                throw new IllegalArgumentException("parameter '" + name + "' is a string, so it needs a pattern: "
                        + "the values it may take (for example pattern: '[a-z0-9.-]{1,64}')");
            }
            if ((min != null || max != null) && t != ParameterType.INT) {
                throw new IllegalArgumentException("parameter '" + name + "': min/max apply only to type int");
            }
            return new ParamDto(name, t, description == null ? "" : description.strip(), defaultValue,
                    required == null || required, compiled, min, max);
        }

        Parameter toParameter() {
            return new Parameter(name, type, description, Optional.ofNullable(defaultValue), required,
                    Optional.ofNullable(pattern), min == null ? OptionalLong.empty() : OptionalLong.of(min),
                    max == null ? OptionalLong.empty() : OptionalLong.of(max));
        }
    }

    record StepDto(String name, List<String> run, Map<String, String> env, String action, Map<String, String> with,
                   boolean destructive, Duration timeout, boolean continueOnError, List<String> requires,
                   boolean skipIfMissing, String runFor) {
        @JsonCreator
        static StepDto of(@JsonProperty(value = "name", required = true) String name,
                          @JsonProperty("run") List<String> run,
                          @JsonProperty("env") Map<String, String> env,
                          @JsonProperty("action") String action,
                          @JsonProperty("with") Map<String, String> with,
                          @JsonProperty("destructive") Boolean destructive,
                          @JsonProperty("timeout") String timeout,
                          @JsonProperty("continue_on_error") Boolean continueOnError,
                          @JsonProperty("requires") List<String> requires,
                          @JsonProperty("skip_if_missing") Boolean skipIfMissing,
                          @JsonProperty("run_for") String runFor,
                          @JsonAnySetter Map<String, Object> unknown) {
            refuseUnknown(unknown, "name, run, env, action, with, destructive, timeout, continue_on_error, requires, "
                    + "skip_if_missing, run_for");
            String n = require(name, "step name");
            if ((run == null) == (action == null)) {
                throw new IllegalArgumentException("step '" + n + "': expected exactly one of run: (a program and its "
                        + "arguments, as a list) or action: (a built-in action)");
            }
            if (run != null && (run.isEmpty() || run.get(0) == null || run.get(0).isBlank())) {
                throw new IllegalArgumentException("step '" + n + "': run: needs at least the program name");
            }
            if (run != null && run.stream().anyMatch(a -> a == null)) {
                throw new IllegalArgumentException("step '" + n + "': run: has an empty item");
            }
            if (run != null && !Template.references(run.get(0)).isEmpty()) {
                throw new IllegalArgumentException("step '" + n + "': the program itself cannot be a parameter");
            }
            if (action != null && !KNOWN_ACTIONS.contains(action)) {
                throw new IllegalArgumentException("step '" + n + "': unknown action '" + action + "'; expected one of: "
                        + String.join(", ", new TreeSet<>(KNOWN_ACTIONS)));
            }
            if (action != null && (env != null || runFor != null)) {
                throw new IllegalArgumentException("step '" + n + "': env: and run_for: belong to run: steps");
            }
            if (run != null && with != null) {
                throw new IllegalArgumentException("step '" + n + "': with: belongs to action: steps");
            }
            Duration t = null;
            if (timeout != null) {
                t = Durations.parse(timeout);
            }
            List<String> req = requires == null ? List.of() : requires;
            for (String r : req) {
                if (r == null || r.contains("/") || r.isBlank()) {
                    throw new IllegalArgumentException("step '" + n + "': requires: lists program names looked up on "
                            + "the PATH, like docker (not paths)");
                }
            }
            if (runFor != null && Template.references(runFor).isEmpty()) {
                Durations.parse(runFor);
            }
            StepDto dto = new StepDto(n, run, env == null ? Map.of() : new LinkedHashMap<>(env), action,
                    with == null ? Map.of() : new LinkedHashMap<>(with), destructive != null && destructive, t,
                    continueOnError != null && continueOnError, req, skipIfMissing != null && skipIfMissing, runFor);
            dto.references(); // validates every template
            if (run != null) {
                // By principle, not by argv[0]: see ArgvGuard.
                ArgvGuard.check(n, run, dto.env(), Template.RUN_VARIABLES);
            }
            return dto;
        }

        Set<String> references() {
            Set<String> refs = new HashSet<>();
            try {
                if (run != null) {
                    run.forEach(a -> refs.addAll(Template.references(a)));
                }
                env.values().forEach(v -> refs.addAll(Template.references(v)));
                with.values().forEach(v -> refs.addAll(Template.references(v == null ? "" : v)));
                if (runFor != null) {
                    refs.addAll(Template.references(runFor));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("step '" + name + "': " + e.getMessage());
            }
            return refs;
        }

        Step toStep() {
            if (run != null) {
                return new CommandStep(name, run, env, destructive, Optional.ofNullable(timeout), continueOnError,
                        requires, skipIfMissing, Optional.ofNullable(runFor));
            }
            List<String> req = new ArrayList<>(requires);
            return new BuiltInStep(name, action, with, destructive, Optional.ofNullable(timeout), continueOnError,
                    req, skipIfMissing);
        }
    }

    /**
     * Jackson reports unknown keys only after a creator ran, so a creator's own complaint would hide
     * the typo that caused it: creators collect unknown keys and refuse them first.
     */
    private static void refuseUnknown(Map<String, Object> unknown, String expected) {
        if (unknown != null && !unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown key '" + new TreeSet<>(unknown.keySet()).first()
                    + "'; expected one of: " + expected);
        }
    }

    private static String require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + ": expected a non-empty text");
        }
        return value.strip();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
