package io.vigil.alerts;

import io.vigil.rules.Severity;
import io.vigil.telemetry.MetricId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers "which open alerts of the rules watching this value are there right now, and how urgent
 * is the worst?" for views that colour a value by the rules instead of by constants of their own:
 * by metric ({@link #forMetric}: the alert's series has that name and no label disagrees) or by
 * subject ({@link #forLabels}: e.g. every alert about {@code gpu="2"} or {@code pid="4711"}).
 *
 * <p>Built from one immutable snapshot of {@link AlertManager#open()} at one instant, so it is
 * immutable and thread-safe; the FX thread can query it without taking any lock.
 */
public final class AlertMarks {

    /** A label value in a {@link #forLabels} query meaning "this label must be absent". */
    public static final String ABSENT = "";

    /** No open alert at all. */
    public static final AlertMarks NONE = new AlertMarks(List.of(), Instant.EPOCH);

    private record Entry(Alert alert, AlertTone tone, String metricName, Map<String, String> labels) {
    }

    /** Open alerts by severity (pending and firing, not silenced), and the ones shown apart. */
    public record Counts(Map<Severity, Integer> firing, int pending, int acknowledged, int silenced) {

        public Counts {
            Map<Severity, Integer> copy = new EnumMap<>(Severity.class);
            copy.putAll(firing);
            firing = Collections.unmodifiableMap(copy);
        }

        /** Firing alerts of {@code s} that nobody has acknowledged or silenced. */
        public int firing(Severity s) {
            return firing.getOrDefault(s, 0);
        }

        /** Alerts that still need someone: firing (any severity) or pending, not acknowledged or silenced. */
        public int open() {
            return firing.values().stream().mapToInt(Integer::intValue).sum() + pending;
        }
    }

    private final List<Entry> entries;
    private final Instant at;
    private final Counts counts;

    private AlertMarks(List<Entry> entries, Instant at) {
        this.entries = List.copyOf(entries);
        this.at = at;
        Map<Severity, Integer> firing = new EnumMap<>(Severity.class);
        int pending = 0;
        int acked = 0;
        int silenced = 0;
        for (Entry e : entries) {
            Alert a = e.alert();
            if (a.state() == AlertState.ACKNOWLEDGED) {
                acked++;
            } else if (a.silenced(at)) {
                silenced++;
            } else if (a.state() == AlertState.PENDING) {
                pending++;
            } else if (a.state() == AlertState.FIRING) {
                firing.merge(a.severity(), 1, Integer::sum);
            }
        }
        this.counts = new Counts(firing, pending, acked, silenced);
    }

    /** The marks of {@code open} (a snapshot of open alerts) as of {@code now}. */
    public static AlertMarks of(List<Alert> open, Instant now) {
        List<Entry> entries = new ArrayList<>(open.size());
        for (Alert a : open) {
            if (!a.state().open()) {
                continue;
            }
            String name = "";
            Map<String, String> labels = new LinkedHashMap<>(a.labels());
            String pids = labels.get("pids");
            if (pids != null) {
                // A local alert grouped per workload binds one pid and lists them all in pids (ADR 0740):
                // every one of its processes is marked.
                labels.put("pid", pids);
            }
            if (!a.metric().isEmpty()) {
                try {
                    MetricId id = MetricId.parse(a.metric());
                    name = id.name();
                    // The alert's own labels win: a fleet alert folded per node lists its GPUs in gpu (ADR 0730)
                    // while its series is one of them.
                    id.labels().forEach(labels::putIfAbsent);
                } catch (IllegalArgumentException e) {
                    // A metric text that does not parse (an old row): the alert still counts by its labels.
                }
            }
            entries.add(new Entry(a, AlertTone.of(a, now), name, Map.copyOf(labels)));
        }
        return new AlertMarks(entries, now);
    }

    /** When these marks were taken. */
    public Instant at() {
        return at;
    }

    /** Counts for the header and the dashboard's alert strip. */
    public Counts counts() {
        return counts;
    }

    /**
     * The alerts on series named {@code metric} that agree with {@code labels}: a label the alert's
     * series or labels also carry must have the same value ({@code labels} empty: any series of that name).
     */
    public AlertMark forMetric(String metric, Map<String, String> labels) {
        return mark(e -> e.metricName().equals(metric) && agrees(e.labels(), labels));
    }

    /**
     * The alerts whose labels (identity, context and series labels) include every one of
     * {@code labels}; a value of {@link #ABSENT} requires the label to be missing (e.g. {@code node}
     * for this machine's GPUs, as fleet alerts carry the node).
     */
    public AlertMark forLabels(Map<String, String> labels) {
        return mark(e -> includes(e.labels(), labels));
    }

    private interface Match {
        boolean test(Entry e);
    }

    private AlertMark mark(Match match) {
        AlertTone tone = AlertTone.NONE;
        Alert worst = null;
        int open = 0;
        int muted = 0;
        for (Entry e : entries) {
            if (!match.test(e) || e.tone() == AlertTone.NONE) {
                continue;
            }
            if (e.tone() == AlertTone.MUTED) {
                muted++;
            } else {
                open++;
            }
            if (worst == null || e.tone().ordinal() > tone.ordinal()) {
                worst = e.alert();
                tone = e.tone();
            }
        }
        return worst == null ? AlertMark.NONE : new AlertMark(tone, worst, open, muted);
    }

    private static boolean agrees(Map<String, String> have, Map<String, String> want) {
        for (Map.Entry<String, String> w : want.entrySet()) {
            String v = have.get(w.getKey());
            if (ABSENT.equals(w.getValue())) {
                if (v != null) {
                    return false;
                }
            } else if (v != null && !v.equals(w.getValue()) && !listed(w.getKey(), v, w.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean includes(Map<String, String> have, Map<String, String> want) {
        for (Map.Entry<String, String> w : want.entrySet()) {
            String v = have.get(w.getKey());
            if (ABSENT.equals(w.getValue()) ? v != null : !w.getValue().equals(v) && !listed(w.getKey(), v, w.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Labels a fleet alert folded per node may list several values in, comma-separated (ADR 0730). */
    private static final java.util.Set<String> LIST_LABELS = java.util.Set.of("gpu", "pid");

    /** Whether {@code list}, the value of a {@link #LIST_LABELS} label, names {@code value} among others. */
    private static boolean listed(String key, String list, String value) {
        if (list == null || !LIST_LABELS.contains(key) || list.indexOf(',') < 0) {
            return false;
        }
        for (String item : list.split(",")) {
            if (item.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
