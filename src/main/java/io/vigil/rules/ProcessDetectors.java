package io.vigil.rules;

import io.vigil.host.HostSnapshot;
import io.vigil.host.NetConnection;
import io.vigil.host.ProcessInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The detectors that look at processes: miner signatures, and whether a GPU's processes are known
 * workloads. Pure functions of their inputs; thread-safe.
 */
public final class ProcessDetectors {

    // Compiled once: the miner scan splits every process's command line at each process snapshot.
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");
    private static final java.util.regex.Pattern NOT_WORD = java.util.regex.Pattern.compile("[^a-z0-9-]+");

    /** Score of a strong indicator (a miner name, a stratum URL): one alone is critical by default. */
    public static final int STRONG = 2;
    /** Score of a weak indicator (a miner flag, a pool port). */
    public static final int WEAK = 1;
    /** SM utilization (percent) from which a process counts as one of the processes keeping its GPU busy. */
    public static final double BUSY_SM_PERCENT = 10;

    private ProcessDetectors() {
    }

    /** Why one process looks like a miner: its score and the reasons, for the alert. */
    public record MinerMatch(ProcessInfo process, int score, List<String> reasons) {
    }

    /** Every process with at least one miner indicator, highest score first. */
    public static List<MinerMatch> miners(HostSnapshot snapshot, Signatures sig) {
        Map<Integer, Set<Integer>> portsByPid = new HashMap<>();
        for (NetConnection c : snapshot.connections()) {
            if (c.pid() > 0 && sig.poolPorts().contains(c.remotePort())) {
                portsByPid.computeIfAbsent(c.pid(), k -> new LinkedHashSet<>()).add(c.remotePort());
            }
        }
        List<MinerMatch> out = new ArrayList<>();
        for (ProcessInfo p : snapshot.processes()) {
            int score = 0;
            List<String> reasons = new ArrayList<>();
            String name = nz(p.name()).toLowerCase(Locale.ROOT);
            String cmd = nz(p.commandLine());
            String cmdLower = cmd.toLowerCase(Locale.ROOT);
            String argv0 = cmdLower.isEmpty() ? "" : WHITESPACE.split(cmdLower, 2)[0];
            argv0 = argv0.substring(argv0.lastIndexOf('/') + 1);
            for (String miner : sig.minerNames()) {
                if (name.contains(miner) || argv0.contains(miner)) {
                    score += STRONG;
                    reasons.add("miner name '" + miner + "'");
                    break;
                }
            }
            for (String url : sig.urlSchemes()) {
                if (cmdLower.contains(url)) {
                    score += STRONG;
                    reasons.add("pool URL " + url + " in its command line");
                    break;
                }
            }
            String flag = flagIndicator(WHITESPACE.split(cmd), sig);
            if (flag != null) {
                score += WEAK;
                reasons.add(flag.startsWith("-o ") ? flag : "miner flag " + flag);
            }
            String pool = poolIndicator(cmdLower, sig);
            if (pool != null) {
                score += WEAK;
                reasons.add("pool host '" + pool + "' in its command line");
            }
            Set<Integer> ports = portsByPid.get(p.pid());
            if (ports != null) {
                score += WEAK;
                reasons.add("connected to pool port " + ports.iterator().next());
            }
            if (score > 0) {
                out.add(new MinerMatch(p, score, reasons));
            }
        }
        out.sort((a, b) -> Integer.compare(b.score(), a.score()));
        return out;
    }

    /**
     * The signatures found in free text (a process name and command line, a {@code ps} line from a
     * container): miner names and URL schemes anywhere, flags as whole arguments, {@code -o} with a
     * pool-like value, pool host names as whole words. The same list and the same tests as
     * {@link #miners}, so whatever the rule flags in a command line is found here too.
     */
    public static List<String> indicatorsIn(String text, Signatures sig) {
        String lower = nz(text).toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        for (String miner : sig.minerNames()) {
            if (lower.contains(miner)) {
                found.add(miner);
            }
        }
        for (String url : sig.urlSchemes()) {
            if (lower.contains(url)) {
                found.add(url);
            }
        }
        String[] args = WHITESPACE.split(nz(text));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (sig.flags().contains(flag)) {
                if (!found.contains(flag)) {
                    found.add(flag);
                }
            } else if (a.equals("-o") && i + 1 < args.length && looksLikePool(args[i + 1], sig)) {
                found.add("-o " + args[++i]);
            }
        }
        String pool = poolIndicator(lower, sig);
        if (pool != null) {
            found.add(pool);
        }
        return found;
    }

    /** The first miner flag among {@code args} (a whole argument, or its part before '='), or {@code -o VALUE}. */
    private static String flagIndicator(String[] args, Signatures sig) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (sig.flags().contains(flag)) {
                return flag;
            }
            if (a.equals("-o") && i + 1 < args.length && looksLikePool(args[i + 1], sig)) {
                return "-o " + args[i + 1];
            }
        }
        return null;
    }

    /** The first pool host name that is a whole word of {@code lower} (words split at anything but letters, digits, '-'). */
    private static String poolIndicator(String lower, Signatures sig) {
        if (sig.pools().isEmpty()) {
            return null;
        }
        Set<String> words = new java.util.HashSet<>(List.of(NOT_WORD.split(lower)));
        for (String pool : sig.pools()) {
            if (words.contains(pool)) {
                return pool;
            }
        }
        return null;
    }

    private static boolean looksLikePool(String value, Signatures sig) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.contains("pool") || v.contains("stratum")) {
            return true;
        }
        int colon = v.lastIndexOf(':');
        if (colon > 0) {
            try {
                return sig.poolPorts().contains(Integer.parseInt(v.substring(colon + 1).replaceAll("[^0-9].*", "")));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Whether {@code p} runs a known workload: its executable (or python script or module) or whole
     * leading arguments match an allow-list entry, never a piece of its command line.
     */
    public static boolean allowed(ProcessInfo p, Signatures sig) {
        return sig.allowList().allows(p);
    }

    /**
     * The processes on {@code gpu} that are not allowed: pids the host does not show (hidden or in
     * another namespace) count as unexplained, with an empty name.
     *
     * <p>When the driver samples utilization per process and at least one process on the GPU is
     * busy (SM at least {@link #BUSY_SM_PERCENT}), the load is attributed: only the busy processes
     * count, busiest first. A busy miner beside an idle Jupyter kernel is unexplained; an idle
     * unknown process beside a busy allowed training job does not explain the load away either way,
     * the busy one decides. Without samples every process on the GPU counts.
     */
    public static List<ProcessInfo> unexplainedOn(int gpu, List<GpuProcessObservation> gpuProcesses,
                                                  HostSnapshot snapshot, Signatures sig) {
        Map<Integer, ProcessInfo> byPid = new HashMap<>();
        for (ProcessInfo p : snapshot.processes()) {
            byPid.putIfAbsent(p.pid(), p);
        }
        return unexplainedOn(gpu, gpuProcesses, byPid, sig);
    }

    /** {@link #unexplainedOn(int, List, HostSnapshot, Signatures)} with the host's processes already indexed by pid. */
    static List<ProcessInfo> unexplainedOn(int gpu, List<GpuProcessObservation> gpuProcesses,
                                           Map<Integer, ProcessInfo> byPid, Signatures sig) {
        List<GpuProcessObservation> busy = new ArrayList<>();
        for (GpuProcessObservation g : gpuProcesses) {
            if (g.gpu() == gpu && g.smUtilPercent().isPresent() && g.smUtilPercent().getAsDouble() >= BUSY_SM_PERCENT) {
                busy.add(g);
            }
        }
        busy.sort((a, b) -> Double.compare(b.smUtilPercent().getAsDouble(), a.smUtilPercent().getAsDouble()));
        List<ProcessInfo> out = new ArrayList<>();
        for (GpuProcessObservation g : busy.isEmpty() ? gpuProcesses : busy) {
            if (g.gpu() != gpu) {
                continue;
            }
            ProcessInfo p = byPid.get(g.pid());
            if (p == null) {
                out.add(new ProcessInfo(g.pid(), 0, "", "", "", 0, 0, 0));
            } else if (!allowed(p, sig)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Whether any process on {@code gpu} is an allowed workload. Not what explains a GPU's load: that
     * needs every process on it to be allowed ({@link #unexplainedOn} empty).
     */
    public static boolean anyAllowedOn(int gpu, List<GpuProcessObservation> gpuProcesses, HostSnapshot snapshot,
                                       Signatures sig) {
        for (GpuProcessObservation g : gpuProcesses) {
            if (g.gpu() == gpu) {
                for (ProcessInfo p : snapshot.processes()) {
                    if (p.pid() == g.pid() && allowed(p, sig)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
