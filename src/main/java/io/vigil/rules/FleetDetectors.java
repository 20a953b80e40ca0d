package io.vigil.rules;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.host.HostSnapshot;
import io.vigil.host.ProcessInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The process detectors over the fleet: miner signatures and unexplained GPU load for the processes
 * the exporters report on each node's GPUs. A fleet process carries only what its exporter gives
 * (nvidia_gpu_exporter: pid and process name; dcgm-exporter: the Kubernetes pod, namespace and
 * container, no pid), and is matched through {@link ProcessDetectors}' public helpers once for each
 * of these names, as a process whose program is that name: a miner is found by its process, container
 * or pod name; a workload is allowed when its process or its container is on the allow-list (a pod
 * name is generated, and anyone who can create a pod chooses it). There is no command line or
 * connection list from an exporter: a renamed miner is caught on a fleet node only by its names.
 * DOWN nodes are left out: their processes are the last ones seen, not current. Pure functions;
 * thread-safe.
 */
public final class FleetDetectors {

    private FleetDetectors() {
    }

    /** A fleet process that looks like a miner, on which GPU, with its score and reasons. */
    public record FleetMinerMatch(FleetGpu gpu, FleetProcess process, int score, List<String> reasons) {
    }

    /** The fleet process as one process per name it is known by: process, container, pod (those given). */
    static List<ProcessInfo> asProcesses(FleetProcess p) {
        List<ProcessInfo> out = new ArrayList<>();
        for (String s : List.of(p.name(), p.container(), p.pod())) {
            if (!s.isEmpty()) {
                out.add(new ProcessInfo(p.pid(), 0, s, "", s, 0, 0, 0, List.of(s), ""));
            }
        }
        return out;
    }

    /** Whether {@code p}'s process or container is an allowed workload. */
    public static boolean allowed(FleetProcess p, Signatures sig) {
        for (String s : List.of(p.name(), p.container())) {
            if (!s.isEmpty() && ProcessDetectors.allowed(new ProcessInfo(p.pid(), 0, s, "", s, 0, 0, 0, List.of(s), ""),
                    sig)) {
                return true;
            }
        }
        return false;
    }

    /** Every process on an UP (or not yet known) node's GPU with a miner indicator, highest score first. */
    public static List<FleetMinerMatch> miners(FleetSnapshot fleet, Signatures sig) {
        List<FleetMinerMatch> out = new ArrayList<>();
        for (FleetNode node : fleet.nodes()) {
            if (node.health() == NodeHealth.DOWN) {
                continue;
            }
            for (FleetGpu gpu : node.gpus()) {
                for (FleetProcess p : gpu.processes()) {
                    // One process per snapshot: pids of different nodes (and 0 for pod-only rows) must not mix.
                    // Its names are scored apart; the strongest counts.
                    HostSnapshot names = new HostSnapshot(0, asProcesses(p), List.of(), List.of());
                    List<ProcessDetectors.MinerMatch> found = ProcessDetectors.miners(names, sig);
                    if (!found.isEmpty()) {
                        ProcessDetectors.MinerMatch best = found.getFirst();
                        String which = best.process().name().equals(p.name()) ? "" : best.process().name()
                                .equals(p.container()) ? " (container name)" : " (pod name)";
                        out.add(new FleetMinerMatch(gpu, p, best.score(),
                                best.reasons().stream().map(r -> r + which).toList()));
                    }
                }
            }
        }
        out.sort((a, b) -> Integer.compare(b.score(), a.score()));
        return out;
    }

    /** The processes on {@code gpu} that are not allowed workloads. */
    public static List<FleetProcess> unexplainedOn(FleetGpu gpu, Signatures sig) {
        List<FleetProcess> out = new ArrayList<>();
        for (FleetProcess p : gpu.processes()) {
            if (!allowed(p, sig)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Names of the nodes that are DOWN. */
    public static Set<String> downNodes(FleetSnapshot fleet) {
        Set<String> out = new LinkedHashSet<>();
        for (FleetNode n : fleet.nodes()) {
            if (n.health() == NodeHealth.DOWN) {
                out.add(n.name());
            }
        }
        return out;
    }

    /** Every GPU by {@link #key(String, String)} of its node and UUID. */
    public static Map<String, FleetGpu> gpusByKey(FleetSnapshot fleet) {
        Map<String, FleetGpu> out = new HashMap<>();
        for (FleetNode n : fleet.nodes()) {
            for (FleetGpu g : n.gpus()) {
                out.put(key(n.name(), g.uuid()), g);
            }
        }
        return out;
    }

    static String key(String node, String uuid) {
        return node + '\u0000' + uuid;
    }

    /**
     * The labels an alert about {@code p} carries besides node and GPU: {@code pid} and {@code name}
     * when the exporter gives them, {@code pod}, {@code namespace}, {@code container} when it runs in
     * Kubernetes. These are the exporter's values, attacker input: a playbook validates each by its
     * parameter type before anything runs.
     */
    public static Map<String, String> processLabels(FleetProcess p) {
        Map<String, String> out = new LinkedHashMap<>();
        if (p.pid() > 0) {
            out.put("pid", Integer.toString(p.pid()));
        }
        putIfSet(out, "name", p.name());
        putIfSet(out, "pod", p.pod());
        putIfSet(out, "namespace", p.namespace());
        putIfSet(out, "container", p.container());
        return out;
    }

    /**
     * What {@code p} is as a workload, as identity labels of its alert: its {@code pod},
     * {@code namespace} and {@code container} when the exporter names a pod, else its process name as
     * {@code process}, else its {@code pid}. The GPUs of a node busy with one workload share these, so
     * {@link FleetAlertGroups} reports them as one alert.
     */
    public static Map<String, String> workload(FleetProcess p) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!p.pod().isEmpty()) {
            out.put("pod", p.pod());
            out.put("namespace", p.namespace());
            out.put("container", p.container());
        } else if (!p.name().isEmpty()) {
            out.put("process", p.name());
        } else {
            out.put("pid", Integer.toString(p.pid()));
        }
        return out;
    }

    /** How a person names {@code p}: "pid 4711 (xmrig)", "pod ml/miner-x", or both. */
    public static String describe(FleetProcess p) {
        List<String> parts = new ArrayList<>();
        if (p.pid() > 0) {
            parts.add("pid " + p.pid() + (p.name().isEmpty() ? "" : " (" + p.name() + ")"));
        } else if (!p.name().isEmpty()) {
            parts.add(p.name());
        }
        if (!p.pod().isEmpty()) {
            parts.add("pod " + (p.namespace().isEmpty() ? "" : p.namespace() + "/") + p.pod());
        }
        return parts.isEmpty() ? "unnamed process" : String.join(" ", parts);
    }

    private static void putIfSet(Map<String, String> out, String key, String value) {
        if (!value.isEmpty()) {
            out.put(key, value);
        }
    }
}
