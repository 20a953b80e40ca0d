package io.vigil.rules;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.FleetSource;
import io.vigil.fleet.NodeHealth;
import io.vigil.host.HostSnapshot;
import io.vigil.host.ProcessInfo;
import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SourceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates rules on each {@link #tick()} at the injected clock's time: reads each rule's values
 * (metric reducers, derived conditions, detectors), compares them with the thresholds, and moves
 * every instance through pending (the {@code for} period) and firing (held by the clear threshold
 * and {@code keep_firing_for}). The same code runs live and in {@link Backtest}: the only inputs are
 * the clock, the {@link MetricReader} and the {@link DetectorInputs}.
 *
 * <p>Thread-safe: {@link #tick()} and {@link #setRules} are synchronized; ticks come from one
 * background thread in the app.
 */
public final class Evaluator {

    /** Points needed before an EWMA z-score or a drift distance means anything. */
    static final int MIN_POINTS = 10;

    private final Clock clock;
    private final MetricReader reader;
    private final DetectorInputs inputs;
    private List<Rule> rules = List.of();
    /** Active instances by rule id, then by dedup key. */
    private final Map<String, Map<String, State>> states = new HashMap<>();
    private final Map<String, Instant> lastFired = new HashMap<>();
    /** Per series: subject, printed id and an immutable copy of the labels, made once (ids are stable). */
    private final Map<MetricId, SeriesText> seriesText = new HashMap<>();
    /** Dedup keys by rule id and identity labels, made once. */
    private final Map<String, Map<Map<String, String>, String>> keys = new HashMap<>();

    private record SeriesText(String subject, String id, Map<String, String> labels) {
    }

    /**
     * Per tick: this machine's GPUs, UUID to the index NVML gives each now (the {@code gpu.index}
     * series). GPU series are keyed by UUID (ADR 0131); the index is only shown, and lets an older
     * rule that names a GPU by index ({@code gpu="0"}) still find its card.
     */
    private Map<String, Integer> gpuIndexNow = Map.of();
    /** Rules already told, in the log, that they name a GPU by index. */
    private final Set<String> indexSelectorLogged = new java.util.HashSet<>();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Evaluator.class);

    /** The fleet as read at the start of this tick, its GPUs by node and UUID, and its DOWN nodes. */
    private FleetSnapshot fleetNow = FleetSnapshot.EMPTY;
    private Map<String, FleetGpu> fleetGpus = Map.of();
    private Set<String> downNodes = Set.of();
    /** Per tick: whether a node's fleet.node.up series says it is down (for backtests and stale snapshots). */
    private final Map<String, Boolean> nodeUpSeriesDown = new HashMap<>();
    private final HostScan hostScan = new HostScan();
    /** How far back a fleet.node.up point counts as the node's current state. */
    static final long NODE_UP_LOOKBACK_MS = Duration.ofMinutes(10).toMillis();

    /** Caches are cleared past this size, so churning label values (pids) cannot grow them forever. */
    static final int CACHE_LIMIT = 100_000;

    private SeriesText text(MetricId id) {
        if (seriesText.size() > CACHE_LIMIT) {
            seriesText.clear();
        }
        return seriesText.computeIfAbsent(id, k -> new SeriesText(subject(k, gpuIndexNow), k.toString(),
                Map.copyOf(k.labels())));
    }

    private String key(String ruleId, Map<String, String> identity) {
        Map<Map<String, String>, String> ruleKeys = keys.get(ruleId);
        if (ruleKeys != null && ruleKeys.size() > CACHE_LIMIT) {
            ruleKeys.clear();
        }
        return keys.computeIfAbsent(ruleId, k -> new HashMap<>())
                .computeIfAbsent(identity, i -> RuleInstance.dedupKey(ruleId, i));
    }

    public Evaluator(Clock clock, MetricReader reader, DetectorInputs inputs) {
        this.clock = clock;
        this.reader = reader;
        this.inputs = inputs;
    }

    private static final class State {
        Map<String, String> identity;
        Map<String, String> labels;
        String subject;
        String metric;
        Severity severity;
        double value;
        InstancePhase phase = InstancePhase.PENDING;
        long since;
        long firedAt;
        long lastBreach;
    }

    /** Replaces the rules; instances of rules that are unchanged keep their state. */
    public synchronized void setRules(List<Rule> newRules) {
        Map<String, Rule> old = new HashMap<>();
        for (Rule r : rules) {
            old.put(r.id(), r);
        }
        Map<String, Rule> incoming = new HashMap<>();
        for (Rule r : newRules) {
            incoming.put(r.id(), r);
            if (!r.equals(old.get(r.id()))) {
                states.remove(r.id());
            }
        }
        states.keySet().retainAll(incoming.keySet());
        keys.keySet().retainAll(incoming.keySet());
        rules = List.copyOf(newRules);
    }

    public synchronized List<Rule> rules() {
        return rules;
    }

    /** Evaluates every rule once, at the clock's time. */
    public synchronized Evaluation tick() {
        Instant now = clock.instant();
        long t = now.toEpochMilli();
        readFleet();
        SeriesIndex byName = new SeriesIndex(List.of());
        String readError = null;
        try {
            byName = new SeriesIndex(reader.ids());
            readGpuIndexes(byName, t);
        } catch (RuntimeException e) {
            // The store itself failed: every rule sees an evaluation error and applies its on_error.
            readError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        List<RuleInstance> active = new ArrayList<>();
        Map<String, RuleStatus> statuses = new LinkedHashMap<>();
        for (Rule rule : rules) {
            Map<String, State> ruleStates = states.computeIfAbsent(rule.id(), k -> new LinkedHashMap<>());
            String status;
            String error = null;
            if (!rule.enabled()) {
                ruleStates.clear();
                status = "disabled";
            } else if (rule.activeHours().isPresent() && !rule.activeHours().get().contains(now)) {
                // Outside its hours a rule is quiet, but a firing instance may still be kept by keep_firing_for.
                for (String key : List.copyOf(ruleStates.keySet())) {
                    clear(rule, ruleStates, key, t);
                }
                status = "inactive hours";
            } else {
                List<Observation> obs = null;
                error = readError;
                if (error == null) {
                    try {
                        obs = observe(rule, byName, now);
                    } catch (RuntimeException e) {
                        error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    }
                }
                status = obs == null ? applyError(rule, ruleStates, t, error) : apply(rule, ruleStates, obs, t);
            }
            boolean firing = false;
            boolean pending = false;
            List<RuleInstance> instances = new ArrayList<>(ruleStates.size());
            for (State s : ruleStates.values()) {
                if (s.phase == InstancePhase.FIRING) {
                    firing = true;
                    lastFired.put(rule.id(), Instant.ofEpochMilli(s.firedAt).isAfter(
                            lastFired.getOrDefault(rule.id(), Instant.EPOCH)) ? Instant.ofEpochMilli(s.firedAt)
                            : lastFired.get(rule.id()));
                } else {
                    pending = true;
                }
                instances.add(new RuleInstance(rule.id(), s.identity, s.labels, s.subject, s.severity, s.value, s.phase,
                        Instant.ofEpochMilli(s.since), s.phase == InstancePhase.FIRING ? Instant.ofEpochMilli(s.firedAt)
                        : null, s.metric));
            }
            // State stays per GPU; a fleet node's GPUs are reported as one alert per node and cause (ADR 0730).
            active.addAll(rule.isPromQl() ? instances : FleetAlertGroups.fold(rule, instances, this::fleetIndex));
            if (status.equals("ok") || status.equals("no data")) {
                status = firing ? "firing" : pending ? "pending" : status;
            }
            statuses.put(rule.id(), new RuleStatus(rule.id(), status, lastFired.get(rule.id()), error));
        }
        return new Evaluation(now, active, statuses);
    }

    private void readFleet() {
        try {
            FleetSnapshot f = inputs.fleet().get();
            fleetNow = f == null ? FleetSnapshot.EMPTY : f;
        } catch (RuntimeException e) {
            // A fleet that cannot be read is reported by its source's health; detectors see no fleet.
            fleetNow = FleetSnapshot.EMPTY;
        }
        if (fleetNow.nodes().isEmpty()) {
            fleetGpus = Map.of();
            downNodes = Set.of();
        } else {
            fleetGpus = FleetDetectors.gpusByKey(fleetNow);
            downNodes = FleetDetectors.downNodes(fleetNow);
        }
        nodeUpSeriesDown.clear();
    }

    /**
     * Whether the instance {@code identity} is about a fleet node that is DOWN (in the snapshot, or by
     * its last {@code fleet.node.up} point): its series stopped because the node went silent, which
     * {@code source-down} reports once for the node, so its rules keep their state instead of treating
     * the gap as "no data" (no storm of no-data alerts, no false resolves).
     */
    private boolean onDownNode(Map<String, String> identity, long t) {
        String node = identity.get("node");
        if (node == null) {
            return false;
        }
        if (downNodes.contains(node)) {
            return true;
        }
        return nodeUpSeriesDown.computeIfAbsent(node, n -> {
            SeriesPoints p = reader.read(MetricId.of(FleetSource.NODE_UP, "node", n), t - NODE_UP_LOOKBACK_MS, t);
            return !p.isEmpty() && p.lastValue() == 0;
        });
    }

    /** The index of a fleet GPU as the exporter gives it now, or null when the fleet snapshot does not know it. */
    private Integer fleetIndex(String node, String uuid) {
        if (node == null) {
            return gpuIndexNow.get(uuid); // this machine's GPU (ADR 0740)
        }
        FleetGpu g = fleetGpus.get(FleetDetectors.key(node, uuid));
        return g == null ? null : g.index();
    }

    private String applyError(Rule rule, Map<String, State> ruleStates, long t, String error) {
        switch (rule.onError()) {
            case KEEP_LAST -> { }
            case NORMAL -> {
                for (String key : List.copyOf(ruleStates.keySet())) {
                    clear(rule, ruleStates, key, t);
                }
            }
            case ALERTING -> {
                if (ruleStates.isEmpty()) {
                    breach(rule, ruleStates, new Observation(Map.of(), Map.of(), "evaluation failed: " + error,
                            Double.NaN, ""), rule.topSeverity(), t);
                } else {
                    for (State s : ruleStates.values()) {
                        breach(rule, ruleStates, new Observation(s.identity, Map.of(), s.subject, Double.NaN, s.metric),
                                rule.topSeverity(), t);
                    }
                }
            }
        }
        return "error";
    }

    private String apply(Rule rule, Map<String, State> ruleStates, List<Observation> obs, long t) {
        Map<String, Observation> seen = new LinkedHashMap<>();
        for (Observation o : obs) {
            seen.put(key(rule.id(), o.identity()), o);
        }
        if (seen.isEmpty() && rule.noData() == DataBehaviour.ALERTING && rule.selector() != null) {
            // Nothing matched at all: silence is the alert.
            Map<String, String> fixed = rule.selector().fixedLabels();
            seen.put(RuleInstance.dedupKey(rule.id(), fixed), new Observation(fixed, Map.of(),
                    "no data for " + rule.selector(), Double.NaN, rule.selector().toString()));
        }
        boolean anyData = false;
        for (var e : seen.entrySet()) {
            Observation o = e.getValue();
            State s = ruleStates.get(e.getKey());
            if (Double.isNaN(o.value())) {
                if (!onDownNode(o.identity(), t)) {
                    noData(rule, ruleStates, e.getKey(), o, t);
                }
                continue;
            }
            anyData = true;
            Severity sev = rule.severityOf(o.value());
            if (sev == null && s != null && rule.condition().holds(o.value(), rule.clearThreshold())) {
                sev = s.severity; // hysteresis: between clear and threshold, keep what it had
            }
            if (sev != null) {
                breach(rule, ruleStates, o, sev, t);
            } else if (s != null) {
                s.value = o.value();
                clear(rule, ruleStates, e.getKey(), t);
            }
        }
        for (String key : List.copyOf(ruleStates.keySet())) {
            if (!seen.containsKey(key)) {
                State s = ruleStates.get(key);
                if (onDownNode(s.identity, t)) {
                    continue;
                }
                noData(rule, ruleStates, key, new Observation(s.identity, Map.of(), s.subject, Double.NaN, s.metric), t);
            }
        }
        return anyData ? "ok" : "no data";
    }

    private void noData(Rule rule, Map<String, State> ruleStates, String key, Observation o, long t) {
        switch (rule.noData()) {
            case KEEP_LAST -> { }
            case NORMAL -> clear(rule, ruleStates, key, t);
            case ALERTING -> breach(rule, ruleStates, o, rule.topSeverity(), t);
        }
    }

    private void breach(Rule rule, Map<String, State> ruleStates, Observation o, Severity sev, long t) {
        String key = key(rule.id(), o.identity());
        State s = ruleStates.get(key);
        if (s == null) {
            s = new State();
            s.since = t;
            s.identity = o.identity();
            ruleStates.put(key, s);
        }
        Map<String, String> labels = new LinkedHashMap<>(rule.labels());
        labels.putAll(o.context());
        labels.putAll(o.identity());
        if (s.labels != null && rule.detector() == DetectorKind.UNEXPLAINED_GPU_LOAD && !labels.containsKey("node")
                && !labels.containsKey("process")) {
            // A GPU stays with the workload it was busy with until it clears (its process may have exited while
            // the window's average is still high), so it stays in that workload's alert (ADR 0740).
            for (String k : FleetAlertGroups.LOCAL_CAUSE) {
                String v = s.labels.get(k);
                if (v != null) {
                    labels.putIfAbsent(k, v);
                }
            }
        }
        s.labels = labels;
        s.subject = o.subject();
        s.metric = o.metric();
        s.severity = sev;
        s.value = o.value();
        s.lastBreach = t;
        if (s.phase == InstancePhase.PENDING && t - s.since >= rule.forDuration().toMillis()) {
            s.phase = InstancePhase.FIRING;
            s.firedAt = t;
        }
    }

    private void clear(Rule rule, Map<String, State> ruleStates, String key, long t) {
        State s = ruleStates.get(key);
        if (s == null) {
            return;
        }
        if (s.phase == InstancePhase.FIRING && t - s.lastBreach < rule.keepFiringFor().toMillis()) {
            return;
        }
        ruleStates.remove(key);
    }

    // ---- producing values ----

    /** How far back a {@code gpu.index} point counts as the GPU's current index. */
    static final long GPU_INDEX_LOOKBACK_MS = Duration.ofMinutes(10).toMillis();

    private void readGpuIndexes(SeriesIndex byName, long t) {
        Map<String, Integer> now = new HashMap<>();
        for (MetricId id : byName.byName().getOrDefault(io.vigil.gpu.GpuMetrics.INDEX, List.of())) {
            String gpu = id.label("gpu");
            if (gpu == null || id.label("node") != null) {
                continue;
            }
            SeriesPoints p = reader.read(id, t - GPU_INDEX_LOOKBACK_MS, t);
            if (p.size() > 0) {
                now.put(gpu, (int) p.lastValue());
            }
        }
        if (!now.equals(gpuIndexNow)) {
            gpuIndexNow = Map.copyOf(now);
            seriesText.clear(); // subjects show the index: renumbered GPUs read their new one
        }
    }

    /**
     * The series a rule's selector picks. A selector that names one of this machine's GPUs by index
     * ({@code gpu="0"}, written before GPUs were keyed by UUID) picks the GPU with that index now,
     * and the log says which UUID to write instead.
     */
    private List<MetricId> select(Rule rule, SeriesIndex byName) {
        Selector sel = rule.selector();
        String gpu = sel.labelPatterns().get("gpu");
        if (gpu == null || !gpu.matches("[0-9]+") || sel.labelPatterns().containsKey("node")
                || gpuIndexNow.containsKey(gpu)) {
            return sel.select(byName);
        }
        String uuid = uuidAtIndex(Integer.parseInt(gpu));
        if (uuid == null) {
            return sel.select(byName);
        }
        if (indexSelectorLogged.add(rule.id())) {
            LOG.warn("Rule {}: gpu=\"{}\" names a GPU by index, which can change when the driver re-initialises;"
                    + " GPUs are keyed by UUID: write gpu=\"{}\" (it matches that GPU now)", rule.id(), gpu, uuid);
        }
        Map<String, String> labels = new LinkedHashMap<>(sel.labelPatterns());
        labels.put("gpu", uuid);
        return new Selector(sel.namePattern(), labels).select(byName);
    }

    private String uuidAtIndex(int index) {
        for (var e : gpuIndexNow.entrySet()) {
            if (e.getValue() == index) {
                return e.getKey();
            }
        }
        return null;
    }

    private List<Observation> observe(Rule rule, SeriesIndex byName, Instant now) {
        long t = now.toEpochMilli();
        if (rule.isPromQl()) {
            String error = inputs.promqlErrors().get().get(rule.id());
            if (error != null) {
                // Prometheus refused or could not answer the expression: the rule's on_error decides.
                throw new IllegalStateException(error);
            }
        }
        return switch (rule.detector()) {
            case METRIC -> metric(rule, byName, t);
            case WASSERSTEIN_DRIFT -> drift(rule, byName, t);
            case UNEXPLAINED_GPU_LOAD -> unexplainedGpuLoad(rule, byName, t);
            case MINER_SIGNATURE -> miners();
            case SOURCE_DOWN -> sourcesDown();
            case BUDGET_PACE -> budgetPace(rule, byName, now);
            case GPU_XID -> gpuXids(rule, byName, t);
            case EXFILTRATION -> exfiltration(rule, byName, t);
        };
    }

    /** The host's egress (the rule's metric, summed over its series, each reduced) per suspect process. */
    private List<Observation> exfiltration(Rule rule, SeriesIndex byName, long t) {
        if (inputs.exfiltration() == null || rule.selector() == null) {
            return List.of();
        }
        double egress = Double.NaN;
        for (MetricId id : select(rule, byName)) {
            double v = rule.reducer().apply(reader.read(id, t - rule.window().toMillis(), t));
            if (!Double.isNaN(v)) {
                egress = Double.isNaN(egress) ? v : egress + v;
            }
        }
        return inputs.exfiltration().observe(inputs.host().get(), egress, rule.window());
    }

    private List<Observation> metric(Rule rule, SeriesIndex byName, long t) {
        List<Observation> out = new ArrayList<>();
        for (MetricId id : select(rule, byName)) {
            SeriesPoints p = reader.read(id, t - rule.window().toMillis(), t);
            double v = switch (rule.condition()) {
                case RATE_OF_CHANGE -> rateOfChange(p);
                case ANOMALY_Z -> ewmaZ(p, rule.ewmaAlpha());
                default -> rule.reducer().apply(p);
            };
            SeriesText text = text(id);
            if (rule.isPromQl()) {
                // The rule label only routes the series to its rule: the expression's labels are the identity.
                Map<String, String> identity = new LinkedHashMap<>(text.labels());
                identity.remove("rule");
                out.add(new Observation(identity, Map.of(), identity.isEmpty() ? rule.id()
                        : rule.id() + " / " + subject(new MetricId(rule.id(), identity)), v, text.id()));
                continue;
            }
            out.add(new Observation(text.labels(), Map.of(), text.subject(), v, text.id()));
        }
        return out;
    }

    static String subject(MetricId id) {
        return subject(id, Map.of());
    }

    /** As {@link #subject(MetricId)}, showing a local GPU as "GPU 1 (GPU-…)" when its index is known. */
    static String subject(MetricId id, Map<String, Integer> gpuIndexes) {
        List<String> parts = new ArrayList<>();
        String node = id.label("node");
        if (node != null) {
            parts.add("node " + node);
        }
        String gpu = id.label("gpu");
        if (gpu != null) {
            parts.add(gpuName(gpu, node == null ? gpuIndexes : Map.of()));
        }
        String pid = id.label("pid");
        if (pid != null) {
            parts.add("pid " + pid);
        }
        id.labels().forEach((k, v) -> {
            // uuid repeats the gpu label on gpu.xid series.
            if (!k.equals("gpu") && !k.equals("pid") && !k.equals("node") && !(k.equals("uuid") && v.equals(gpu))) {
                parts.add(k + " " + v);
            }
        });
        return parts.isEmpty() ? id.name() : String.join(" / ", parts);
    }

    /** "GPU 1 (GPU-…)" for a GPU whose index is known, "GPU <label>" otherwise. */
    static String gpuName(String label, Map<String, Integer> gpuIndexes) {
        Integer index = gpuIndexes.get(label);
        return index == null || label.equals(Integer.toString(index)) ? "GPU " + label
                : "GPU " + index + " (" + label + ")";
    }

    /** Change per second between the first and last point of the window; NaN with fewer than 2. */
    static double rateOfChange(SeriesPoints p) {
        if (p.size() < 2) {
            return Double.NaN;
        }
        double dt = (p.times()[p.size() - 1] - p.times()[0]) / 1000.0;
        return dt <= 0 ? Double.NaN : (p.values()[p.size() - 1] - p.values()[0]) / dt;
    }

    /**
     * Absolute z-score of the newest point against an exponentially weighted mean and variance of
     * the points before it (weight {@code alpha} for the newest); NaN with too few points.
     */
    static double ewmaZ(SeriesPoints p, double alpha) {
        int n = p.size();
        if (n < MIN_POINTS) {
            return Double.NaN;
        }
        double[] v = p.values();
        double mean = v[0];
        double var = 0;
        for (int i = 1; i < n - 1; i++) {
            double diff = v[i] - mean;
            double incr = alpha * diff;
            mean += incr;
            var = (1 - alpha) * (var + diff * incr);
        }
        double dev = Math.abs(v[n - 1] - mean);
        double sd = Math.sqrt(var);
        // A flat series has no spread: a tiny floor keeps a real jump visible without dividing by zero.
        double floor = 1e-9 + 1e-6 * Math.abs(mean);
        return dev / Math.max(sd, floor);
    }

    private List<Observation> drift(Rule rule, SeriesIndex byName, long t) {
        List<Observation> out = new ArrayList<>();
        long w = rule.window().toMillis();
        for (MetricId id : select(rule, byName)) {
            SeriesPoints cur = reader.read(id, t - w, t);
            SeriesPoints base = reader.read(id, t - w - rule.baseline().toMillis(), t - w - 1);
            out.add(new Observation(id.labels(), Map.of(), text(id).subject(), wasserstein(cur, base), id.toString()));
        }
        return out;
    }

    /**
     * The first Wasserstein (earth mover's) distance between the value distributions of two windows,
     * in the metric's unit: the area between their cumulative distribution functions. NaN when
     * either has fewer than {@link #MIN_POINTS} points.
     */
    static double wasserstein(SeriesPoints a, SeriesPoints b) {
        if (a.size() < MIN_POINTS || b.size() < MIN_POINTS) {
            return Double.NaN;
        }
        double[] x = Arrays.copyOf(a.values(), a.size());
        double[] y = Arrays.copyOf(b.values(), b.size());
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0;
        int j = 0;
        double prev = Math.min(x[0], y[0]);
        double area = 0;
        while (i < x.length || j < y.length) {
            double next = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
            area += Math.abs((double) i / x.length - (double) j / y.length) * (next - prev);
            prev = next;
            if (i < x.length && x[i] == next) {
                i++;
            } else {
                j++;
            }
        }
        return area;
    }

    /**
     * One observation per {@code gpu.xid} series (a GPU by UUID and an XID number): 2 for a critical
     * XID and 1 for a warning one while an event lies in the window, 0 after, so the alert clears
     * once the window passes without the XID recurring. Its words and advice come from the XID table.
     */
    private List<Observation> gpuXids(Rule rule, SeriesIndex byName, long t) {
        io.vigil.gpu.XidTable table = io.vigil.gpu.XidTable.standard();
        List<Observation> out = new ArrayList<>();
        for (MetricId id : select(rule, byName)) {
            String xidText = id.label("xid");
            long xid;
            try {
                xid = Long.parseLong(xidText);
            } catch (NumberFormatException | NullPointerException e) {
                continue;
            }
            String uuid = id.label("uuid") == null ? "" : id.label("uuid");
            String gpu = id.label("gpu") == null ? "?" : id.label("gpu");
            SeriesPoints p = reader.read(id, t - rule.window().toMillis(), t);
            io.vigil.gpu.XidTable.Entry row = table.lookup(xid);
            Map<String, String> identity = new LinkedHashMap<>();
            identity.put("uuid", uuid.isEmpty() ? "gpu " + gpu : uuid);
            identity.put("xid", xidText);
            Map<String, String> context = new LinkedHashMap<>();
            // The index the card has now, for display (the identity is its UUID).
            Integer index = gpuIndexNow.get(uuid.isEmpty() ? gpu : uuid);
            String shown = index != null ? index.toString() : uuid.isEmpty() || !gpu.equals(uuid) ? gpu : "?";
            context.put("gpu", shown);
            context.put("meaning", row.meaning());
            context.put("advice", row.advice());
            String subject = "GPU " + shown + (uuid.isEmpty() ? "" : " (" + uuid + ")") + " / " + table.describe(xid);
            out.add(new Observation(identity, context, subject, p.size() == 0 ? 0 : row.critical() ? 2 : 1,
                    id.toString()));
        }
        return out;
    }

    private List<Observation> unexplainedGpuLoad(Rule rule, SeriesIndex byName, long t) {
        HostSnapshot host = inputs.host().get();
        List<GpuProcessObservation> gpuProcs = inputs.gpuProcesses().get();
        List<Observation> out = new ArrayList<>();
        for (MetricId id : select(rule, byName)) {
            String gpuLabel = id.label("gpu");
            double util = rule.reducer().apply(reader.read(id, t - rule.window().toMillis(), t));
            if (gpuLabel == null || Double.isNaN(util)) {
                out.add(new Observation(id.labels(), Map.of(), text(id).subject(), Double.NaN, id.toString()));
                continue;
            }
            String node = id.label("node");
            if (node != null) {
                out.add(unexplainedFleetLoad(node, gpuLabel, util, id));
                continue;
            }
            // The series is keyed by UUID; processes are matched by UUID too, through the index
            // they were read under (old observations and UUID-less readers carry the index only).
            Integer known = gpuIndexNow.get(gpuLabel);
            int gpu;
            if (known != null) {
                gpu = known;
            } else {
                try {
                    gpu = Integer.parseInt(gpuLabel);
                } catch (NumberFormatException e) {
                    gpu = -1; // a UUID whose index is not known: its processes still match by UUID
                }
            }
            List<GpuProcessObservation> onGpu = new ArrayList<>();
            for (GpuProcessObservation g : gpuProcs) {
                if (g.uuid().isEmpty() ? g.gpu() == gpu : g.uuid().equals(gpuLabel)) {
                    onGpu.add(new GpuProcessObservation(gpu, g.pid(), g.smUtilPercent(), g.uuid()));
                }
            }
            String name = gpuName(gpuLabel, gpuIndexNow);
            Map<String, String> identity = Map.of("gpu", gpuLabel);
            if (idle(rule, id, gpuLabel, t)) {
                // Watching another per-GPU value (its cost per hour, its power): an idle GPU has no load to explain.
                out.add(new Observation(identity, Map.of(), name + " / idle", 0, id.toString()));
                continue;
            }
            List<ProcessInfo> unknown = ProcessDetectors.unexplainedOn(gpu, onGpu, hostScan.byPid(host), inputs.signatures());
            boolean anyOnGpu = !onGpu.isEmpty();
            if (anyOnGpu && unknown.isEmpty()) {
                // Every process on the GPU is a known workload: the load is explained and never breaches.
                // One allowed process is not enough: a miner sharing the GPU with a Jupyter kernel must show.
                out.add(new Observation(identity, Map.of(), name, 0, id.toString()));
                continue;
            }
            Map<String, String> context = new LinkedHashMap<>();
            if (known != null) {
                context.put("index", known.toString()); // shown; the identity is the UUID
            }
            String subject;
            if (unknown.isEmpty()) {
                subject = name + " / no visible process";
            } else {
                ProcessInfo p = unknown.getFirst();
                context.put("pid", Integer.toString(p.pid()));
                if (!p.name().isEmpty()) {
                    context.put("name", p.name());
                    context.put("process", p.name()); // the workload its GPUs are folded by (ADR 0740)
                }
                if (!p.user().isEmpty()) {
                    context.put("user", p.user());
                }
                subject = name + " / pid " + p.pid() + (p.name().isEmpty() ? "" : " (" + p.name() + ")");
                if (unknown.size() > 1) {
                    context.put("unexplained_pids", String.join(",",
                            unknown.stream().map(u -> Integer.toString(u.pid())).toList()));
                }
            }
            out.add(new Observation(identity, context, subject, util, id.toString()));
        }
        return out;
    }

    /** GPU utilization (average over the window) below which a GPU is idle for a non-utilization unexplained-load rule. */
    static final double IDLE_GPU_PERCENT = 10;

    /**
     * For an {@code unexplained_gpu_load} rule on another metric than utilization (e.g.
     * {@code gpu.cost_per_hour}), "idle" when the GPU's utilization averaged over the window is below
     * {@link #IDLE_GPU_PERCENT} (or unknown); never for a rule that watches utilization itself.
     */
    private boolean idle(Rule rule, MetricId id, String gpuLabel, long t) {
        if (id.name().equals(io.vigil.gpu.GpuMetrics.UTILIZATION)) {
            return false;
        }
        double util = Reducer.AVG.apply(reader.read(io.vigil.gpu.GpuMetrics.of(io.vigil.gpu.GpuMetrics.UTILIZATION,
                gpuLabel), t - rule.window().toMillis(), t));
        return Double.isNaN(util) || util < IDLE_GPU_PERCENT;
    }

    /**
     * Unexplained load on a fleet GPU (labelled by node and UUID). A node whose exporter reports no
     * process on any GPU (dcgm-exporter outside Kubernetes) gives no process information at all: its
     * GPUs have no data rather than counting every busy one as unexplained.
     */
    private Observation unexplainedFleetLoad(String node, String uuid, double util, MetricId id) {
        Map<String, String> identity = Map.of("node", node, "gpu", uuid);
        String where = "node " + node + " / GPU " + uuid;
        FleetGpu gpu = fleetGpus.get(FleetDetectors.key(node, uuid));
        if (gpu == null || !reportsProcesses(node)) {
            return new Observation(identity, Map.of(), where + " / no process information", Double.NaN, id.toString());
        }
        List<FleetProcess> unknown = FleetDetectors.unexplainedOn(gpu, inputs.signatures());
        if (!gpu.processes().isEmpty() && unknown.isEmpty()) {
            // Every process on it is a known workload (one allowed process beside a miner is not enough).
            return new Observation(identity, Map.of(), where, 0, id.toString());
        }
        if (unknown.isEmpty()) {
            return new Observation(identity, Map.of(), where + " / no visible process", util, id.toString());
        }
        // Its cause is the workload (as for a miner): the node's GPUs busy with it are one alert (ADR 0730).
        FleetProcess p = unknown.getFirst();
        Map<String, String> byWorkload = new LinkedHashMap<>(identity);
        byWorkload.putAll(FleetDetectors.workload(p));
        Map<String, String> context = new LinkedHashMap<>(FleetDetectors.processLabels(p));
        context.keySet().removeAll(byWorkload.keySet());
        return new Observation(byWorkload, context, where + " / " + FleetDetectors.describe(p), util, id.toString());
    }

    private boolean reportsProcesses(String node) {
        for (FleetNode n : fleetNow.nodes()) {
            if (n.name().equals(node)) {
                return n.gpus().stream().anyMatch(g -> !g.processes().isEmpty());
            }
        }
        return false;
    }

    private List<Observation> miners() {
        HostSnapshot host = inputs.host().get();
        Map<Integer, Integer> gpuOf = new HashMap<>();
        for (GpuProcessObservation g : inputs.gpuProcesses().get()) {
            gpuOf.put(g.pid(), g.gpu());
        }
        List<Observation> out = new ArrayList<>();
        for (ProcessDetectors.MinerMatch m : hostScan.miners(host, inputs.signatures())) {
            ProcessInfo p = m.process();
            Map<String, String> identity = new LinkedHashMap<>();
            identity.put("pid", Integer.toString(p.pid()));
            Map<String, String> context = new LinkedHashMap<>();
            context.put("name", p.name());
            if (!p.user().isEmpty()) {
                context.put("user", p.user());
            }
            context.put("reasons", String.join("; ", m.reasons()));
            Integer gpu = gpuOf.get(p.pid());
            String subject = "pid " + p.pid() + " (" + p.name() + ")";
            if (gpu != null) {
                context.put("gpu", gpu.toString());
                subject = "GPU " + gpu + " / " + subject;
            }
            out.add(new Observation(identity, context, subject, m.score(), ""));
        }
        // One observation per GPU; FleetAlertGroups reports them as one alert per node and workload, however
        // many GPUs and processes it runs as (a miner starts one process per GPU: eight alerts for one
        // incident would bury everything else).
        for (FleetDetectors.FleetMinerMatch m : FleetDetectors.miners(fleetNow, inputs.signatures())) {
            out.add(fleetMiner(m));
        }
        return out;
    }

    /**
     * A miner on a fleet node's GPU: its identity is the node, the GPU and the workload (its pod,
     * namespace and container when the exporter gives them, else its process name, else its pid), so
     * the alert folded per node and workload stays the same while it spreads to more GPUs. The pod's
     * namespace and container go to an isolating playbook.
     */
    private static Observation fleetMiner(FleetDetectors.FleetMinerMatch m) {
        FleetProcess p = m.process();
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("node", m.gpu().node());
        identity.put("gpu", m.gpu().uuid());
        identity.putAll(FleetDetectors.workload(p));
        Map<String, String> context = new LinkedHashMap<>(FleetDetectors.processLabels(p));
        context.keySet().removeAll(identity.keySet());
        context.put("reasons", String.join("; ", m.reasons()));
        String subject = "node " + m.gpu().node() + " / GPU " + m.gpu().uuid() + " / " + FleetDetectors.describe(p);
        return new Observation(identity, context, subject, m.score(), "");
    }

    private List<Observation> sourcesDown() {
        List<Observation> out = new ArrayList<>();
        for (SourceStatus s : inputs.sources().get()) {
            // Stale data is an alert; a source that has never answered (no driver, no AWS account) is
            // not set up here, which the status bar says without paging anyone.
            double v = s.health().state() == HealthState.DOWN && !s.neverPresent() ? 1 : 0;
            Map<String, String> context = s.health().reason().isEmpty() ? Map.of() : Map.of("reason", s.health().reason());
            out.add(new Observation(Map.of("source", s.sourceId()), context, "source " + s.displayName(), v, ""));
        }
        // Every fleet node is a source of its own: a node that went silent is reported once, by name.
        for (FleetNode n : fleetNow.nodes()) {
            double v = n.health() == NodeHealth.DOWN ? 1 : 0;
            Map<String, String> context = n.lastError().isEmpty() ? Map.of() : Map.of("reason", n.lastError());
            out.add(new Observation(Map.of("source", "fleet", "node", n.name()), context, "node " + n.name()
                    + " (fleet)", v, MetricId.of(FleetSource.NODE_UP, "node", n.name()).toString()));
        }
        return out;
    }

    private List<Observation> budgetPace(Rule rule, SeriesIndex byName, Instant now) {
        long t = now.toEpochMilli();
        long from = t - rule.window().toMillis();
        MetricId mtdId = MetricId.of("cost.mtd");
        MetricId budgetId = MetricId.of("cost.budget.monthly");
        SeriesPoints mtd = reader.read(mtdId, from, t);
        SeriesPoints budget = reader.read(budgetId, from, t);
        double ratio = Double.NaN;
        if (!mtd.isEmpty() && !budget.isEmpty() && budget.lastValue() > 0) {
            // AWS bills by UTC calendar month.
            ZonedDateTime z = now.atZone(ZoneOffset.UTC);
            YearMonth ym = YearMonth.from(z);
            long start = ym.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            long end = ym.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            double elapsed = Math.max((t - start) / (double) (end - start), Duration.ofHours(1).toMillis() / (double) (end - start));
            ratio = mtd.lastValue() / (budget.lastValue() * elapsed);
        }
        return List.of(new Observation(Map.of(), Map.of(), "month-to-date spend vs budget pace", ratio, mtdId.toString()));
    }
}
