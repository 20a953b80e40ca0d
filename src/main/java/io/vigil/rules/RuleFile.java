package io.vigil.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads {@code rules.yaml}. The YAML is read token by token into a small tree that remembers where
 * each value was, so every problem names its file, line and column and says what was expected.
 * Unknown keys are rejected with the list of known ones (a typo must not silently disable a check).
 *
 * <p>Hostile input is bounded: files over {@link #MAX_BYTES} are refused before reading, and the
 * parser limits code points, nesting depth and aliases, so an alias bomb or a huge file gives an
 * error instead of a hang. Stateless and thread-safe.
 */
public final class RuleFile {

    /** Largest rules file accepted: far above any hand-written rule set. */
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    static final int MAX_DEPTH = 20;
    static final int MAX_ALIASES = 10;

    static final List<String> TOP_KEYS = List.of("rules");
    static final List<String> RULE_KEYS = List.of("id", "description", "enabled", "detector", "metric", "condition",
            "reducer", "window", "warning", "critical", "clear", "for", "keep_firing_for", "no_data", "on_error",
            "active_hours", "labels", "runbook", "playbook", "baseline", "alpha", "promql", "fleet_playbook");
    static final List<String> HOURS_KEYS = List.of("from", "to", "zone");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,79}");

    private final YAMLFactory factory;

    public RuleFile() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setCodePointLimit(MAX_BYTES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setAllowDuplicateKeys(false);
        this.factory = YAMLFactory.builder().loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_BYTES).build())
                .build();
    }

    /** Reads and validates {@code file}. */
    public List<Rule> read(Path file) throws RuleFileException {
        String name = file.toString();
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new RuleFileException(List.of(new RuleProblem(name, 0, 0, String.format(
                        "the file is %.1f MB; a rules file may be at most %d MB", size / 1048576.0,
                        MAX_BYTES / 1048576))));
            }
            return parse(name, Files.readString(file));
        } catch (IOException e) {
            throw new RuleFileException(List.of(new RuleProblem(name, 0, 0, "cannot be read: " + e.getMessage())));
        }
    }

    /** Parses rules from {@code text}; {@code name} is used in messages. */
    public List<Rule> parse(String name, String text) throws RuleFileException {
        if (text.length() > MAX_BYTES) {
            throw new RuleFileException(List.of(new RuleProblem(name, 0, 0, String.format(
                    "the text is %.1f MB; a rules file may be at most %d MB", text.length() / 1048576.0,
                    MAX_BYTES / 1048576))));
        }
        Node root;
        try (JsonParser p = factory.createParser(text)) {
            JsonToken first = p.nextToken();
            root = first == null ? null : readNode(p, 0);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new RuleFileException(List.of(new RuleProblem(name, loc == null ? 0 : loc.getLineNr(),
                    loc == null ? 0 : loc.getColumnNr(), "not valid YAML: " + firstLine(e.getOriginalMessage()))));
        } catch (IOException | RuntimeException e) {
            // SnakeYAML reports its limits (aliases, code points, depth) as runtime exceptions.
            throw new RuleFileException(List.of(new RuleProblem(name, 0, 0,
                    "not valid YAML: " + firstLine(String.valueOf(e.getMessage())))));
        }
        return new Validator(name, text).rules(root);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---- a tree that remembers positions ----

    sealed interface Node permits MapNode, ListNode, ScalarNode {
        int line();

        int column();
    }

    record MapNode(Map<String, Node> entries, Map<String, int[]> keyPositions, int line, int column) implements Node {
    }

    record ListNode(List<Node> items, int line, int column) implements Node {
    }

    /** {@code token} tells a quoted "5" (a string) from a bare 5 (a number). */
    record ScalarNode(String text, JsonToken token, int line, int column) implements Node {
    }

    private static Node readNode(JsonParser p, int depth) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        int line = loc.getLineNr();
        int col = loc.getColumnNr();
        if (depth > MAX_DEPTH) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "nesting deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken t = p.currentToken();
        // Jackson reports an alias as the anchor's name, not its value: refuse it rather than misread it.
        io.vigil.yaml.YamlAliases.refuseAt(p, "rules files");
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> entries = new LinkedHashMap<>();
            Map<String, int[]> keys = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonLocation kl = p.currentTokenLocation();
                p.nextToken();
                keys.put(key, new int[] {kl.getLineNr(), kl.getColumnNr()});
                entries.put(key, readNode(p, depth + 1));
            }
            return new MapNode(entries, keys, line, col);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                items.add(readNode(p, depth + 1));
            }
            return new ListNode(items, line, col);
        }
        return new ScalarNode(t == JsonToken.VALUE_NULL ? null : p.getText(), t, line, col);
    }

    // ---- validation ----

    private static final class Validator {
        private final String file;
        private final String[] lines;
        private final List<RuleProblem> problems = new ArrayList<>();

        Validator(String file, String text) {
            this.file = file;
            this.lines = text.split("\\R", -1);
        }

        private void problem(Node at, String message) {
            problems.add(new RuleProblem(file, at == null ? 0 : at.line(), at == null ? 0 : at.column(), message));
        }

        List<Rule> rules(Node root) throws RuleFileException {
            List<Rule> out = new ArrayList<>();
            if (root == null) {
                return out;
            }
            if (!(root instanceof MapNode top)) {
                problem(root, "expected a mapping with a 'rules:' list at the top level");
                throw new RuleFileException(problems);
            }
            unknownKeys(top, TOP_KEYS, "the top level");
            Node list = top.entries().get("rules");
            if (list != null && !(list instanceof ListNode)) {
                problem(list, "expected 'rules' to be a list of rules (each item starting with '- id: …')");
            } else if (list instanceof ListNode ln) {
                Set<String> ids = new HashSet<>();
                for (Node item : ln.items()) {
                    Rule r;
                    try {
                        r = rule(item);
                    } catch (RuntimeException e) {
                        // Last line of defence: nothing in a rules file may escape as an exception and stop the app.
                        problem(item, "this rule cannot be read (" + e.getClass().getSimpleName() + ": "
                                + e.getMessage() + ")");
                        r = null;
                    }
                    if (r != null) {
                        if (!ids.add(r.id())) {
                            problem(item, "duplicate rule id '" + r.id() + "'; ids must be unique");
                        }
                        out.add(r);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new RuleFileException(problems);
            }
            return out;
        }

        private void unknownKeys(MapNode map, List<String> known, String where) {
            for (var e : map.keyPositions().entrySet()) {
                if (!known.contains(e.getKey())) {
                    problems.add(new RuleProblem(file, e.getValue()[0], e.getValue()[1], "unknown key '" + e.getKey()
                            + "' in " + where + "; known keys: " + String.join(", ", known)));
                }
            }
        }

        private Rule rule(Node node) {
            if (!(node instanceof MapNode m)) {
                problem(node, "expected a rule (a mapping with id:, metric: or detector:, thresholds …)");
                return null;
            }
            int before = problems.size();
            String id = string(m, "id", null);
            String where = id == null ? "a rule" : "rule '" + id + "'";
            unknownKeys(m, RULE_KEYS, where);
            if (id == null) {
                problem(m, "every rule needs an 'id:' (letters, digits, '-', '_', '.')");
            } else if (!ID.matcher(id).matches()) {
                problem(m.entries().get("id"), where + ": id may hold only letters, digits, '-', '_' and '.' (at most 80)");
            }
            String detectorText = string(m, "detector", "metric");
            DetectorKind detector = DetectorKind.parse(detectorText);
            if (detector == null) {
                problem(m.entries().get("detector"), where + ": unknown detector '" + detectorText + "'; expected one of "
                        + String.join(", ", java.util.Arrays.stream(DetectorKind.values()).map(DetectorKind::key).toList()));
                detector = DetectorKind.METRIC;
            }
            Selector selector = null;
            String metric = string(m, "metric", null);
            String promql = string(m, "promql", null);
            if (promql != null) {
                if (metric != null) {
                    problem(m.entries().get("promql"), where + ": has both 'metric:' and 'promql:'; a rule watches one of them");
                } else if (detector != DetectorKind.METRIC && detector != DetectorKind.WASSERSTEIN_DRIFT) {
                    problem(m.entries().get("promql"), where + ": 'promql:' works with the metric (default) and "
                            + "wasserstein_drift detectors, not " + detector.key());
                } else {
                    Optional<PromQlSyntax.Problem> bad = PromQlSyntax.check(promql);
                    if (bad.isPresent()) {
                        promqlProblem(m.entries().get("promql"), promql, bad.get(), where);
                    } else if (id != null) {
                        selector = new Selector(Rule.PROMQL_SERIES, Map.of("rule", id));
                    }
                }
            } else if (metric != null) {
                try {
                    selector = Selector.parse(metric);
                } catch (IllegalArgumentException e) {
                    problem(m.entries().get("metric"), where + ": " + e.getMessage());
                }
            } else if (detector == DetectorKind.METRIC || detector == DetectorKind.WASSERSTEIN_DRIFT) {
                problem(m, where + ": needs 'metric:' (a selector like host.cpu.percent or gpu.utilization{gpu=\"*\"})"
                        + " or 'promql:' (an expression like sum by (model_name) (rate(vllm:request_success_total[5m])))");
            } else if (detector == DetectorKind.UNEXPLAINED_GPU_LOAD) {
                selector = Selector.parse("gpu.utilization{gpu=\"*\"}");
            } else if (detector == DetectorKind.GPU_XID) {
                selector = Selector.parse("gpu.xid{xid=\"*\"}");
            } else if (detector == DetectorKind.EXFILTRATION) {
                selector = Selector.parse("host.net.tx_bytes_per_s");
            }
            String condText = string(m, "condition", detector == DetectorKind.MINER_SIGNATURE
                    || detector == DetectorKind.SOURCE_DOWN || detector == DetectorKind.GPU_XID ? ">=" : ">");
            Condition condition = Condition.parse(condText);
            if (condition == null) {
                problem(m.entries().get("condition"), where + ": unknown condition '" + condText
                        + "'; expected one of >, >=, <, <=, rate_of_change, anomaly_z");
                condition = Condition.GT;
            }
            String reducerText = string(m, "reducer", "avg");
            Reducer reducer = null;
            for (Reducer r : Reducer.values()) {
                if (r.name().equalsIgnoreCase(reducerText)) {
                    reducer = r;
                }
            }
            if (reducer == null) {
                problem(m.entries().get("reducer"), where + ": unknown reducer '" + reducerText
                        + "'; expected avg, max, min or last");
                reducer = Reducer.AVG;
            }
            Duration window = duration(m, "window", Duration.ofMinutes(1), where);
            OptionalDouble warning = number(m, "warning", where);
            OptionalDouble critical = number(m, "critical", where);
            OptionalDouble clear = number(m, "clear", where);
            if (warning.isEmpty() && critical.isEmpty() && !m.entries().containsKey("warning")
                    && !m.entries().containsKey("critical")) {
                if (detector == DetectorKind.MINER_SIGNATURE || detector == DetectorKind.SOURCE_DOWN) {
                    critical = OptionalDouble.of(1);
                } else {
                    problem(m, where + ": needs a threshold: 'warning:' and/or 'critical:' (numbers)");
                }
            }
            Duration forDuration = duration(m, "for", Duration.ZERO, where);
            Duration keep = duration(m, "keep_firing_for", Duration.ZERO, where);
            DataBehaviour noData = behaviour(m, "no_data", DataBehaviour.NORMAL, where);
            DataBehaviour onError = behaviour(m, "on_error", DataBehaviour.KEEP_LAST, where);
            Optional<TimeOfDayWindow> hours = hours(m, where);
            Map<String, String> labels = labels(m, where);
            Duration baseline = duration(m, "baseline", window, where);
            OptionalDouble alpha = number(m, "alpha", where);
            if (alpha.isPresent() && (alpha.getAsDouble() <= 0 || alpha.getAsDouble() >= 1)) {
                problem(m.entries().get("alpha"), where + ": 'alpha' must be between 0 and 1 (exclusive)");
            }
            if (window.isZero() || window.isNegative()) {
                problem(m.entries().get("window"), where + ": 'window' must be longer than 0");
            }
            boolean enabled = bool(m, "enabled", true, where);
            if (problems.size() > before) {
                return null;
            }
            return new Rule(id, string(m, "description", ""), enabled, detector, selector, condition, reducer, window,
                    warning, critical, clear, forDuration, keep, noData, onError, hours, labels,
                    string(m, "runbook", ""), string(m, "playbook", ""), baseline, alpha.orElse(0.1), promql,
                    string(m, "fleet_playbook", ""));
        }

        /**
         * Reports a PromQL syntax problem at its own line and column in the file: the scalar's position
         * plus the offset inside the expression, past the opening quote of a quoted scalar. A block
         * scalar ({@code |}) starts on the next line, indented; escapes in a double-quoted scalar may
         * shift the column, which the message's quoted excerpt makes up for.
         */
        private void promqlProblem(Node at, String expr, PromQlSyntax.Problem bad, String where) {
            int line = at.line();
            int col = at.column();
            String raw = line >= 1 && line <= lines.length ? lines[line - 1] : "";
            char first = col >= 1 && col <= raw.length() ? raw.charAt(col - 1) : ' ';
            int before = expr.lastIndexOf('\n', Math.max(0, bad.offset() - 1));
            if (bad.offset() == 0) {
                before = -1;
            }
            int lineInExpr = (int) expr.substring(0, bad.offset()).chars().filter(c -> c == '\n').count();
            if (first == '|' || first == '>') {
                // Block scalar: content from the next line, at the indentation of its first line.
                int contentLine = line + 1 + lineInExpr;
                String content = line < lines.length ? lines[line] : "";
                int indent = 0;
                while (indent < content.length() && content.charAt(indent) == ' ') {
                    indent++;
                }
                line = contentLine;
                col = indent + 1 + (bad.offset() - before - 1);
            } else if (lineInExpr == 0) {
                col = col + (first == '\'' || first == '"' ? 1 : 0) + bad.offset();
            } else {
                line = line + lineInExpr;
                col = 0;
            }
            int from = Math.max(0, bad.offset() - 10);
            int to = Math.min(expr.length(), bad.offset() + 10);
            String excerpt = expr.substring(from, to).replace('\n', ' ');
            problems.add(new RuleProblem(file, line, col, where + ": promql: " + bad.message() + " (near '"
                    + excerpt + "', character " + (bad.offset() + 1) + " of the expression)"));
        }

        private String string(MapNode m, String key, String dflt) {
            Node n = m.entries().get(key);
            if (n == null) {
                return dflt;
            }
            if (n instanceof ScalarNode s && s.text() != null) {
                return s.text();
            }
            if (n instanceof ScalarNode) {
                return dflt;
            }
            problem(n, "expected text for '" + key + "', got a " + (n instanceof MapNode ? "mapping" : "list"));
            return dflt;
        }

        private OptionalDouble number(MapNode m, String key, String where) {
            Node n = m.entries().get(key);
            if (n == null) {
                return OptionalDouble.empty();
            }
            if (n instanceof ScalarNode s && (s.text() == null || s.text().isBlank())) {
                // A key written with no value is a mistake, not "no threshold": refuse it rather than drop it.
                problem(n, where + ": expected a number for '" + key + "', got nothing (" + (s.text() == null
                        ? "null" : "an empty value") + "); write a number or remove the key");
                return OptionalDouble.empty();
            }
            if (n instanceof ScalarNode s && (s.token() == JsonToken.VALUE_NUMBER_INT
                    || s.token() == JsonToken.VALUE_NUMBER_FLOAT)) {
                YamlNumber.Parsed v = YamlNumber.parse(s.text());
                if (v.problem() != null) {
                    problem(n, where + ": expected a finite number for '" + key + "', got '" + s.text() + "': "
                            + v.problem());
                    return OptionalDouble.empty();
                }
                return OptionalDouble.of(v.value());
            }
            problem(n, where + ": expected a number for '" + key + "', got " + describe(n));
            return OptionalDouble.empty();
        }

        private boolean bool(MapNode m, String key, boolean dflt, String where) {
            Node n = m.entries().get(key);
            if (n == null) {
                return dflt;
            }
            if (n instanceof ScalarNode s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
                return s.token() == JsonToken.VALUE_TRUE;
            }
            problem(n, where + ": expected true or false for '" + key + "', got " + describe(n));
            return dflt;
        }

        private Duration duration(MapNode m, String key, Duration dflt, String where) {
            Node n = m.entries().get(key);
            if (n == null) {
                return dflt;
            }
            String text = n instanceof ScalarNode s ? s.text() : null;
            Duration d = text == null ? null : parseDuration(text);
            if (d == null) {
                problem(n, where + ": expected a duration for '" + key + "' like 30s, 5m, 2h or 1d, got "
                        + describe(n));
                return dflt;
            }
            return d;
        }

        private DataBehaviour behaviour(MapNode m, String key, DataBehaviour dflt, String where) {
            String text = string(m, key, null);
            if (text == null) {
                return dflt;
            }
            for (DataBehaviour b : DataBehaviour.values()) {
                if (b.name().equalsIgnoreCase(text)) {
                    return b;
                }
            }
            problem(m.entries().get(key), where + ": expected alerting, normal or keep_last for '" + key + "', got '"
                    + text + "'");
            return dflt;
        }

        private Optional<TimeOfDayWindow> hours(MapNode m, String where) {
            Node n = m.entries().get("active_hours");
            if (n == null) {
                return Optional.empty();
            }
            if (!(n instanceof MapNode h)) {
                problem(n, where + ": expected 'active_hours' to be a mapping with from:, to: and zone:");
                return Optional.empty();
            }
            unknownKeys(h, HOURS_KEYS, where + " active_hours");
            try {
                String from = string(h, "from", null);
                String to = string(h, "to", null);
                if (from == null || to == null) {
                    problem(h, where + ": 'active_hours' needs from: and to: (HH:MM)");
                    return Optional.empty();
                }
                String zone = string(h, "zone", ZoneId.systemDefault().getId());
                return Optional.of(new TimeOfDayWindow(LocalTime.parse(from), LocalTime.parse(to), ZoneId.of(zone)));
            } catch (DateTimeException e) {
                problem(h, where + ": active_hours: expected times as HH:MM and a zone like Europe/Berlin or UTC ("
                        + e.getMessage() + ")");
                return Optional.empty();
            }
        }

        private Map<String, String> labels(MapNode m, String where) {
            Node n = m.entries().get("labels");
            Map<String, String> out = new LinkedHashMap<>();
            if (n == null) {
                return out;
            }
            if (!(n instanceof MapNode lm)) {
                problem(n, where + ": expected 'labels' to be a mapping of names to text");
                return out;
            }
            lm.entries().forEach((k, v) -> {
                if (v instanceof ScalarNode s && s.text() != null) {
                    out.put(k, s.text());
                } else {
                    problem(v, where + ": label '" + k + "' must be text");
                }
            });
            return out;
        }

        private static String describe(Node n) {
            if (n instanceof ScalarNode s) {
                return s.text() == null ? "nothing" : "'" + s.text() + "'";
            }
            return n instanceof MapNode ? "a mapping" : "a list";
        }
    }

    /** Parses {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 0}; null if it is not a duration. */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        try {
            return sumDuration(t);
        } catch (NumberFormatException | ArithmeticException e) {
            // More digits than a duration can hold: not a duration, and never an exception out of a rules file.
            return null;
        }
    }

    private static Duration sumDuration(String t) {
        Matcher mt = DURATION.matcher(t);
        Duration total = Duration.ZERO;
        int pos = 0;
        while (mt.find() && mt.start() == pos) {
            long n = Long.parseLong(mt.group(1));
            total = total.plus(switch (mt.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            pos = mt.end();
        }
        return pos == t.length() && pos > 0 ? total : null;
    }

    /** Prints a duration the way rules files write it ({@code 90s} → {@code 1m30s}). */
    public static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        long days = d.toDays();
        if (days > 0) {
            sb.append(days).append('d');
        }
        if (d.toHoursPart() > 0) {
            sb.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        if (d.toMillisPart() > 0) {
            sb.append(d.toMillisPart()).append("ms");
        }
        return sb.toString();
    }
}
