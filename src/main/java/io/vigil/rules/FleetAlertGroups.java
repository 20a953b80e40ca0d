package io.vigil.rules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Folds a rule's per-GPU instances on fleet nodes into one instance per node and cause, so a node
 * with eight hot (or mining, or unexplained-busy) GPUs is one alert, not eight (ADR 0730).
 *
 * <p>An instance is per-GPU on the fleet when its identity has both {@code node} and {@code gpu}.
 * Its cause is the rest of its identity: the workload for the miner and unexplained-load detectors
 * (pod, namespace and container; else process name; else pid), the series' other labels for a
 * metric rule (none for {@code gpu.temperature_c}). Instances with the same rule, node and cause
 * become one whose identity is that without {@code gpu}, so its dedup key does not change while GPUs
 * join or leave. The evaluator keeps its state per GPU (thresholds, {@code for}, hysteresis,
 * {@code no_data}, a DOWN node's state kept: ADR 0721): only what is reported is folded.
 *
 * <p>The folded instance: firing when any member fires (then severity and value are the worst firing
 * member's), else pending with the worst member's; labels are the first member's by index (its pod and
 * namespace, for the fleet playbook, ADR 0722; the members share their cause) with {@code gpu} listing every member's UUID and
 * {@code index} their indices (same order, by index), {@code values} each member's value
 * ({@code <index>=<value>}), {@code pid} every distinct pid, and {@code gpu_pending} the members not yet
 * firing while others are; its series is the worst member's; {@code since} the earliest member's.
 *
 * <p>This machine's GPUs under an {@code unexplained_gpu_load} rule are folded the same way, by the
 * workload keeping them busy (process name and user, ADR 0740): one alert per workload listing its
 * GPUs, whose {@code pid} is the first GPU's process (the one a playbook acts on) and {@code pids}
 * every distinct pid when there are several. Other instances without node and GPU (this machine's
 * metric rules, PromQL results, {@code source-down}) pass through. Pure function; thread-safe.
 */
public final class FleetAlertGroups {

    private FleetAlertGroups() {
    }

    /**
     * {@code instances} of {@code rule} with the per-GPU fleet ones folded, in their first member's
     * place; {@code indexOf} gives a fleet GPU's index by node and UUID, or null when unknown.
     */
    public static List<RuleInstance> fold(Rule rule, List<RuleInstance> instances,
                                          BiFunction<String, String, Integer> indexOf) {
        Map<Map<String, String>, List<RuleInstance>> groups = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>();
        for (RuleInstance i : instances) {
            Map<String, String> cause = cause(rule, i);
            if (cause == null) {
                order.add(i);
                continue;
            }
            List<RuleInstance> members = groups.get(cause);
            if (members == null) {
                members = new ArrayList<>();
                groups.put(cause, members);
                order.add(cause);
            }
            members.add(i);
        }
        if (groups.isEmpty()) {
            return instances;
        }
        List<RuleInstance> out = new ArrayList<>(order.size());
        for (Object o : order) {
            if (o instanceof RuleInstance i) {
                out.add(i);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, String> cause = (Map<String, String>) o;
                out.add(fold(rule, cause, groups.get(cause), indexOf));
            }
        }
        return out;
    }

    /** Labels naming the workload a local unexplained-load instance is folded by (ADR 0740). */
    static final List<String> LOCAL_CAUSE = List.of("process", "user");

    /**
     * The identity of the alert {@code i} is reported under, or null when it is reported alone: for a
     * fleet GPU its identity without {@code gpu}; for one of this machine's GPUs under an
     * {@code unexplained_gpu_load} rule (identity {@code gpu} only) the workload keeping it busy, its
     * process name and user ({@link #LOCAL_CAUSE}), so a restart under a new pid is the same alert;
     * a GPU with no named process is reported alone.
     */
    static Map<String, String> cause(Rule rule, RuleInstance i) {
        Map<String, String> id = i.identity();
        if (id.containsKey("node") && id.containsKey("gpu")) {
            Map<String, String> cause = new LinkedHashMap<>(id);
            cause.remove("gpu");
            return cause;
        }
        if (rule.detector() != DetectorKind.UNEXPLAINED_GPU_LOAD || id.size() != 1 || !id.containsKey("gpu")) {
            return null;
        }
        String process = i.labels().get("process");
        if (process == null || process.isEmpty()) {
            return null;
        }
        Map<String, String> cause = new LinkedHashMap<>();
        for (String k : LOCAL_CAUSE) {
            String v = i.labels().get(k);
            if (v != null && !v.isEmpty()) {
                cause.put(k, v);
            }
        }
        return cause;
    }

    private record Member(RuleInstance instance, String uuid, Integer index) {
    }

    private static RuleInstance fold(Rule rule, Map<String, String> identity, List<RuleInstance> group,
                                     BiFunction<String, String, Integer> indexOf) {
        String node = identity.get("node");
        List<Member> members = new ArrayList<>(group.size());
        for (RuleInstance i : group) {
            String uuid = i.identity().get("gpu");
            Integer index = indexOf.apply(node, uuid);
            if (index == null && node == null) {
                index = parseIndex(i.labels().get("index"));
            }
            members.add(new Member(i, uuid, index));
        }
        // By index (UUID for GPUs whose index is not known), so the list reads in the order of the node's slots.
        members.sort(Comparator.comparing((Member m) -> m.index() == null ? Integer.MAX_VALUE : m.index())
                .thenComparing(Member::uuid));
        List<Member> firing = members.stream().filter(m -> m.instance().phase() == InstancePhase.FIRING).toList();
        List<Member> counted = firing.isEmpty() ? members : firing;
        Member worst = counted.getFirst();
        for (Member m : counted) {
            if (worse(rule, m.instance(), worst.instance())) {
                worst = m;
            }
        }
        Instant since = members.stream().map(m -> m.instance().since()).min(Comparator.naturalOrder()).orElseThrow();
        Instant firedAt = firing.stream().map(m -> m.instance().firedAt()).filter(java.util.Objects::nonNull)
                .min(Comparator.naturalOrder()).orElse(null);

        Set<String> pids = new LinkedHashSet<>();
        List<String> uuids = new ArrayList<>();
        List<String> indices = new ArrayList<>();
        List<String> values = new ArrayList<>();
        boolean anyIndex = false;
        for (Member m : members) {
            uuids.add(m.uuid());
            indices.add(m.index() == null ? "?" : m.index().toString());
            anyIndex |= m.index() != null;
            values.add((m.index() == null ? m.uuid() : m.index().toString()) + "=" + number(m.instance().value()));
            String pid = m.instance().labels().get("pid");
            if (pid != null) {
                pids.add(pid);
            }
        }
        // Labels and subject from the first GPU (by index), not the worst: they describe the cause, which the
        // members share, and the worst GPU can change every tick.
        // On this machine, the first GPU still showing a process: one whose process just exited stays in its
        // workload's alert until it clears, but has no pid to give.
        Member first = node != null ? members.getFirst() : members.stream()
                .filter(m -> m.instance().labels().containsKey("pid")).findFirst().orElse(members.getFirst());
        Map<String, String> labels = new LinkedHashMap<>(first.instance().labels());
        labels.put("gpu", String.join(",", uuids));
        if (anyIndex) {
            labels.put("index", String.join(",", indices));
        } else {
            labels.remove("index");
        }
        labels.put("values", String.join(", ", values));
        if (node == null) {
            // This machine: pid is the one process a playbook acts on (kill-process takes one pid), the
            // first GPU's; pids lists them all when the workload runs as several (ADR 0740).
            labels.remove("pids");
            if (pids.size() > 1) {
                labels.put("pids", String.join(",", pids));
            }
        } else if (!pids.isEmpty()) {
            labels.put("pid", String.join(",", pids));
        }
        if (!firing.isEmpty() && firing.size() < members.size()) {
            labels.put("gpu_pending", String.join(",", members.stream()
                    .filter(m -> m.instance().phase() != InstancePhase.FIRING).map(Member::uuid).toList()));
        }
        labels.putAll(identity);

        String subject = first.instance().subject();
        if (node == null) {
            // "GPUs 2, 3 / pid 31337 (xmrig)": the member's subject is "GPU 2 (uuid) / pid ...".
            int cut = subject.indexOf(" / ");
            String tail = cut < 0 ? "" : subject.substring(cut);
            String more = pids.size() > 1 ? " and " + (pids.size() - 1) + " more process" + (pids.size() > 2 ? "es" : "")
                    : "";
            subject = (members.size() > 1 ? "GPUs " : "GPU ") + String.join(", ", members.stream()
                    .map(m -> m.index() == null ? m.uuid() : m.index().toString()).toList()) + tail + more;
        } else if (members.size() > 1) {
            String prefix = "node " + node + " / GPU " + first.uuid();
            String tail = subject.startsWith(prefix) ? subject.substring(prefix.length()) : "";
            String more = pids.size() > 1 ? " and " + (pids.size() - 1) + " more process" + (pids.size() > 2 ? "es" : "")
                    : "";
            subject = "node " + node + " / " + members.size() + " GPUs" + tail + more;
        }
        RuleInstance w = worst.instance();
        return new RuleInstance(w.ruleId(), identity, labels, subject, w.severity(), w.value(),
                firing.isEmpty() ? InstancePhase.PENDING : InstancePhase.FIRING, since, firedAt, w.metric());
    }

    private static Integer parseIndex(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether {@code a} is worse than {@code b}: higher severity, then further past the rule's threshold. */
    private static boolean worse(Rule rule, RuleInstance a, RuleInstance b) {
        if (a.severity() != b.severity()) {
            return a.severity().ordinal() > b.severity().ordinal();
        }
        if (Double.isNaN(a.value()) || Double.isNaN(b.value())) {
            return false;
        }
        return rule.condition().below() ? a.value() < b.value() : a.value() > b.value();
    }

    /** A value as a person reads it: no trailing ".0", at most two decimals; "no data" for NaN. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "no data";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
