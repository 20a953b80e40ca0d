package io.vigil.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.telemetry.MetricId;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads a scenario from YAML (format: docs/scenarios.md). Unknown keys are errors, so a typo does
 * not silently drop part of a scenario. Errors name the file, the line and column where Jackson
 * knows them, or the path of the offending entry ({@code processes[2].from}).
 */
public final class ScenarioFile {

    /** The scenario that {@code vigil --demo} plays. */
    public static final String BUILT_IN_DEMO = "/io/vigil/scenario/cryptojacking-night.yaml";
    private static final int MAX_BYTES = 4 * 1024 * 1024;
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(d|h|m|s|ms)");
    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final double MIB = 1024.0 * 1024;

    private ScenarioFile() {
    }

    record RawCurve(List<List<Object>> points, Double jitter) {
    }

    record RawGpu(int index, String name, String uuid, double memoryTotalGiB, double powerLimitW) {
    }

    record RawProcess(int pid, Integer ppid, String name, String user, String cmd, Double cpuPercent, Double rssMiB,
                      String from, String to, Map<Integer, Double> gpuMemoryMiB) {
    }

    record RawSocket(int pid, String local, int port, String remote, Integer remotePort, String from, String to) {
    }

    record RawAnomaly(String id, String from, double impactUsd, double score, String service, String region,
                      String usageType, String account) {
    }

    record RawAlarm(String name, String metric, double threshold, String from, String to) {
    }

    record RawScenario(String name, String description, String start, String length, Map<String, RawCurve> series,
                       List<RawGpu> gpus, List<RawProcess> processes, List<RawSocket> sockets,
                       List<RawAnomaly> anomalies, List<RawAlarm> alarms, RawCosts costs,
                       List<RawServiceAnswer> serviceAnswers, List<RawContainer> containers,
                       List<RawModelFile> modelFiles, String instanceType, List<RawXid> xids) {
    }

    record RawXid(Integer gpu, Long xid, String at) {
    }

    record RawCosts(Map<String, Double> baselineUsd, Double jitter, String incidentService) {
    }

    record RawServiceAnswer(int port, String outcome, String detail) {
    }

    record RawContainer(String id, String name, String image, Map<String, String> labels, Boolean gpu,
                        List<String> risks, String from, String to) {
    }

    record RawModelFile(String path, double sizeGiB, String modified) {
    }

    /** The probe outcomes a scenario may give (io.vigil.inventory.ProbeOutcome, kept as text here). */
    private static final List<String> OUTCOMES = List.of("OPEN", "AUTH_REQUIRED", "TIMEOUT", "UNREACHABLE", "UNKNOWN",
            "NOT_PROBED");

    public static Scenario builtInDemo() throws ScenarioException {
        try (InputStream in = ScenarioFile.class.getResourceAsStream(BUILT_IN_DEMO)) {
            return parse(in.readAllBytes(), "built-in " + BUILT_IN_DEMO);
        } catch (IOException e) {
            throw new ScenarioException("cannot read the built-in demo scenario: " + e.getMessage(), e);
        }
    }

    public static Scenario parse(byte[] yaml, String fileName) throws ScenarioException {
        if (yaml.length > MAX_BYTES) {
            throw new ScenarioException(fileName + ": " + yaml.length + " bytes is more than the " + MAX_BYTES
                    + " a scenario may have");
        }
        LoaderOptions limits = new LoaderOptions();
        limits.setMaxAliasesForCollections(20);
        limits.setNestingDepthLimit(20);
        limits.setCodePointLimit(MAX_BYTES);
        ObjectMapper mapper = new ObjectMapper(YAMLFactory.builder().loaderOptions(limits).build())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        RawScenario raw;
        try {
            raw = mapper.readValue(yaml, RawScenario.class);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            // Jackson reports where the parser stopped (after the value); point at the key itself.
            String where = lineOfKey(yaml, e.getPropertyName());
            throw new ScenarioException(fileName + where + ": unknown key '" + e.getPropertyName() + "'; expected one of "
                    + e.getKnownPropertyIds(), e);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            throw new ScenarioException(fileName + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ScenarioException(fileName + ": " + e.getMessage(), e);
        }
        return convert(raw, fileName);
    }

    private static Scenario convert(RawScenario raw, String file) throws ScenarioException {
        require(raw.name() != null, file, "name", "a name");
        Instant start;
        try {
            start = Instant.parse(String.valueOf(raw.start()));
        } catch (DateTimeParseException e) {
            throw new ScenarioException(file + ": start: expected an instant like 2026-03-13T22:00:00Z, got '" + raw.start() + "'");
        }
        Duration length = duration(raw.length(), file, "length");
        require(!length.isZero(), file, "length", "a length above zero");

        Map<MetricId, Curve> series = new LinkedHashMap<>();
        long seed = 1;
        if (raw.series() != null) {
            for (var e : raw.series().entrySet()) {
                String path = "series." + e.getKey();
                MetricId id;
                try {
                    id = MetricId.parse(e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw new ScenarioException(file + ": " + path + ": " + ex.getMessage());
                }
                RawCurve c = e.getValue();
                require(c != null && c.points() != null && !c.points().isEmpty(), file, path, "points: [[offset, value], …]");
                long[] offsets = new long[c.points().size()];
                double[] values = new double[offsets.length];
                for (int i = 0; i < offsets.length; i++) {
                    List<Object> p = c.points().get(i);
                    require(p != null && p.size() == 2 && p.get(1) instanceof Number, file, path + ".points[" + i + "]",
                            "[offset, number]");
                    offsets[i] = duration(String.valueOf(p.get(0)), file, path + ".points[" + i + "]").toMillis();
                    values[i] = ((Number) p.get(1)).doubleValue();
                }
                try {
                    series.put(id, new Curve(offsets, values, c.jitter() == null ? 0 : c.jitter(), seed++));
                } catch (IllegalArgumentException ex) {
                    throw new ScenarioException(file + ": " + path + ": " + ex.getMessage());
                }
            }
        }
        List<Scenario.GpuSpec> gpus = new ArrayList<>();
        for (RawGpu g : list(raw.gpus())) {
            gpus.add(new Scenario.GpuSpec(g.index(), g.name(), g.uuid(), (long) (g.memoryTotalGiB() * GIB), g.powerLimitW()));
        }
        List<Scenario.ScenarioProcess> processes = new ArrayList<>();
        int i = 0;
        for (RawProcess p : list(raw.processes())) {
            String path = "processes[" + i++ + "]";
            require(p.name() != null && p.cmd() != null, file, path, "name and cmd");
            Map<Integer, Long> gpuMem = new LinkedHashMap<>();
            if (p.gpuMemoryMiB() != null) {
                p.gpuMemoryMiB().forEach((gpu, mib) -> gpuMem.put(gpu, (long) (mib * MIB)));
            }
            processes.add(new Scenario.ScenarioProcess(p.pid(), p.ppid() == null ? 1 : p.ppid(), p.name(),
                    p.user() == null ? "root" : p.user(), p.cmd(), p.cpuPercent() == null ? 0 : p.cpuPercent(),
                    (long) ((p.rssMiB() == null ? 100 : p.rssMiB()) * MIB), duration(or(p.from(), "0s"), file, path + ".from"),
                    duration(or(p.to(), raw.length()), file, path + ".to"), gpuMem));
        }
        List<Scenario.ScenarioSocket> sockets = new ArrayList<>();
        i = 0;
        for (RawSocket s : list(raw.sockets())) {
            String path = "sockets[" + i++ + "]";
            sockets.add(new Scenario.ScenarioSocket(s.pid(), or(s.local(), "0.0.0.0"), s.port(), or(s.remote(), ""),
                    s.remotePort() == null ? 0 : s.remotePort(), duration(or(s.from(), "0s"), file, path + ".from"),
                    duration(or(s.to(), raw.length()), file, path + ".to")));
        }
        List<Scenario.CostAnomaly> anomalies = new ArrayList<>();
        i = 0;
        for (RawAnomaly a : list(raw.anomalies())) {
            anomalies.add(new Scenario.CostAnomaly(a.id(), duration(a.from(), file, "anomalies[" + i++ + "].from"),
                    a.impactUsd(), a.score(), a.service(), a.region(), a.usageType(), a.account()));
        }
        List<Scenario.Alarm> alarms = new ArrayList<>();
        i = 0;
        for (RawAlarm a : list(raw.alarms())) {
            String path = "alarms[" + i++ + "]";
            alarms.add(new Scenario.Alarm(a.name(), a.metric(), a.threshold(), duration(a.from(), file, path + ".from"),
                    duration(or(a.to(), raw.length()), file, path + ".to")));
        }
        Scenario.CostHistory costs = Scenario.CostHistory.NONE;
        if (raw.costs() != null) {
            RawCosts c = raw.costs();
            require(c.baselineUsd() != null && !c.baselineUsd().isEmpty(), file, "costs.baselineUsd",
                    "service: USD per day, for at least one service");
            String incident = or(c.incidentService(), c.baselineUsd().keySet().iterator().next());
            require(c.baselineUsd().containsKey(incident), file, "costs.incidentService",
                    "one of the services in costs.baselineUsd " + c.baselineUsd().keySet());
            double jitter = c.jitter() == null ? 0 : c.jitter();
            require(jitter >= 0 && jitter < 1, file, "costs.jitter", "a fraction from 0 to below 1");
            costs = new Scenario.CostHistory(c.baselineUsd(), jitter, incident);
        }
        List<Scenario.ServiceAnswer> answers = new ArrayList<>();
        i = 0;
        for (RawServiceAnswer a : list(raw.serviceAnswers())) {
            String path = "serviceAnswers[" + i++ + "]";
            String outcome = or(a.outcome(), "").trim().toUpperCase(Locale.ROOT);
            require(OUTCOMES.contains(outcome), file, path + ".outcome", "one of " + OUTCOMES);
            answers.add(new Scenario.ServiceAnswer(a.port(), outcome, or(a.detail(), "")));
        }
        List<Scenario.Container> containers = new ArrayList<>();
        i = 0;
        for (RawContainer c : list(raw.containers())) {
            String path = "containers[" + i++ + "]";
            require(c.name() != null && c.image() != null, file, path, "name and image");
            containers.add(new Scenario.Container(or(c.id(), Integer.toHexString(c.name().hashCode())), c.name(),
                    c.image(), c.labels() == null ? Map.of() : c.labels(), Boolean.TRUE.equals(c.gpu()), list(c.risks()),
                    duration(or(c.from(), "0s"), file, path + ".from"), duration(or(c.to(), raw.length()), file, path + ".to")));
        }
        List<Scenario.ModelFile> modelFiles = new ArrayList<>();
        i = 0;
        for (RawModelFile m : list(raw.modelFiles())) {
            String path = "modelFiles[" + i++ + "]";
            require(m.path() != null && m.path().startsWith("/"), file, path + ".path", "an absolute path");
            modelFiles.add(new Scenario.ModelFile(m.path(), (long) (m.sizeGiB() * GIB),
                    duration(m.modified(), file, path + ".modified")));
        }
        List<Scenario.Xid> xids = new ArrayList<>();
        i = 0;
        for (RawXid x : list(raw.xids())) {
            String path = "xids[" + i++ + "]";
            require(x.gpu() != null && gpus.stream().anyMatch(g -> g.index() == x.gpu()), file, path + ".gpu",
                    "the index of one of the scenario's gpus");
            require(x.xid() != null && x.xid() > 0, file, path + ".xid", "an XID number above 0");
            Duration at = duration(x.at(), file, path + ".at");
            require(at.compareTo(length) < 0, file, path + ".at", "an offset inside the scenario's length " + raw.length());
            xids.add(new Scenario.Xid(x.gpu(), x.xid(), at));
        }
        return new Scenario(raw.name(), or(raw.description(), ""), start, length, series, gpus, processes, sockets,
                anomalies, alarms, costs, answers, containers, modelFiles, or(raw.instanceType(), "").strip(), xids);
    }

    private static String lineOfKey(byte[] yaml, String key) {
        String[] lines = new String(yaml, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
        Pattern keyPattern = Pattern.compile("^(\\s*(?:-\\s+)?)['\"]?" + Pattern.quote(key) + "['\"]?\\s*:");
        for (int i = 0; i < lines.length; i++) {
            Matcher m = keyPattern.matcher(lines[i]);
            if (m.find()) {
                return ":" + (i + 1) + ":" + (m.group(1).length() + 1);
            }
        }
        return "";
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    private static String or(String v, String fallback) {
        return v == null ? fallback : v;
    }

    private static void require(boolean ok, String file, String path, String expected) throws ScenarioException {
        if (!ok) {
            throw new ScenarioException(file + ": " + path + ": expected " + expected);
        }
    }

    /** Parses {@code 4h13m}, {@code 90s}, {@code 1d}, {@code 0}. */
    static Duration duration(String text, String file, String path) throws ScenarioException {
        if (text == null || text.isBlank()) {
            throw new ScenarioException(file + ": " + path + ": expected a duration like 4h13m");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t);
        long millis = 0;
        int pos = 0;
        while (m.find()) {
            if (m.start() != pos) {
                break;
            }
            double v = Double.parseDouble(m.group(1));
            millis += (long) (v * switch (m.group(2)) {
                case "d" -> 86_400_000;
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                case "s" -> 1000;
                default -> 1;
            });
            pos = m.end();
        }
        if (pos != t.length() || pos == 0) {
            throw new ScenarioException(file + ": " + path + ": expected a duration like 4h13m, 90s or 2d, got '" + text + "'");
        }
        return Duration.ofMillis(millis);
    }
}
