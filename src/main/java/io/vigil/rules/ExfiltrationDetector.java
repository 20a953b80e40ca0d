package io.vigil.rules;

import io.vigil.host.HostSnapshot;
import io.vigil.host.NetConnection;
import io.vigil.host.OpenFilesReader;
import io.vigil.host.ProcessInfo;
import io.vigil.text.SafeText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code exfiltration} detector: one observation per process that has files open under the
 * watched roots (model weights, data sets) while it holds established connections to a remote
 * address, valued at the host's egress rate (bytes/s, the rule's metric reduced over its window), so
 * that "model files open" and "egress spike" become one alert naming the pid, the files, the remote
 * addresses and the bytes.
 *
 * <p>The OS gives no per-process byte counts without eBPF or netfilter accounting, so the host's
 * egress is attributed to every such process; the alert says so. File names and the process name
 * are attacker input and reach the labels through {@link SafeText}. At most {@link #MAX_PROCESSES}
 * processes with connections are looked at per tick. Used from the evaluator's thread only.
 */
public final class ExfiltrationDetector {

    /** Processes with connections whose open files are read per tick (each costs a directory read). */
    public static final int MAX_PROCESSES = 256;
    /** Files and remote addresses named in one alert; the rest are counted. */
    static final int MAX_NAMED = 5;
    static final String ATTRIBUTION = "host egress attributed to this process: it has established remote "
            + "connections (the OS gives no per-process byte counts)";

    private final OpenFilesReader reader;
    private final Supplier<List<Path>> roots;

    /** {@code roots}: the watched roots (the inventory's model roots), read anew each tick. */
    public ExfiltrationDetector(OpenFilesReader reader, Supplier<List<Path>> roots) {
        this.reader = reader;
        this.roots = roots;
    }

    /**
     * The observations for this tick: {@code egressBytesPerSecond} is the host's egress over the
     * rule's {@code window}; NaN (no egress data) gives none.
     */
    public List<Observation> observe(HostSnapshot host, double egressBytesPerSecond, Duration window) {
        if (Double.isNaN(egressBytesPerSecond) || host == null) {
            return List.of();
        }
        List<Path> watched = OpenFilesReader.resolveRoots(roots.get());
        if (watched.isEmpty()) {
            return List.of();
        }
        Map<Integer, Set<String>> remotes = new LinkedHashMap<>();
        for (NetConnection c : host.connections()) {
            if (c.pid() > 0 && c.remotePort() > 0 && "ESTABLISHED".equalsIgnoreCase(c.state())) {
                remotes.computeIfAbsent(c.pid(), k -> new LinkedHashSet<>()).add(address(c));
            }
        }
        Map<Integer, ProcessInfo> byPid = new LinkedHashMap<>();
        host.processes().forEach(p -> byPid.put(p.pid(), p));
        List<Observation> out = new ArrayList<>();
        int looked = 0;
        for (Map.Entry<Integer, Set<String>> e : remotes.entrySet()) {
            if (++looked > MAX_PROCESSES) {
                break;
            }
            int pid = e.getKey();
            List<Path> files = reader.openUnder(pid, watched);
            if (files.isEmpty()) {
                continue;
            }
            ProcessInfo p = byPid.get(pid);
            String name = p == null ? "?" : SafeText.of(p.name());
            Map<String, String> context = new LinkedHashMap<>();
            context.put("name", name);
            if (p != null && !p.user().isEmpty()) {
                context.put("user", SafeText.of(p.user()));
            }
            context.put("files", named(files.stream().map(f -> SafeText.of(f.toString())).toList()));
            context.put("remotes", named(List.copyOf(e.getValue())));
            context.put("bytes_per_s", Long.toString(Math.round(egressBytesPerSecond)));
            context.put("bytes", Long.toString(Math.round(egressBytesPerSecond * window.toMillis() / 1000.0)));
            context.put("attribution", ATTRIBUTION);
            context.put("reasons", "open under the watched roots: " + context.get("files") + "; sending to "
                    + context.get("remotes") + "; host egress " + context.get("bytes_per_s") + " B/s, about "
                    + context.get("bytes") + " bytes over " + window.toSeconds() + " s (" + ATTRIBUTION + ")");
            String subject = "pid " + pid + " (" + name + ") -> " + e.getValue().iterator().next();
            out.add(new Observation(Map.of("pid", Integer.toString(pid)), context, subject, egressBytesPerSecond,
                    "host.net.tx_bytes_per_s"));
        }
        return out;
    }

    private static String address(NetConnection c) {
        String a = SafeText.of(c.remoteAddress());
        return (a.contains(":") ? "[" + a + "]" : a) + ":" + c.remotePort();
    }

    private static String named(List<String> items) {
        if (items.size() <= MAX_NAMED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, MAX_NAMED)) + " and " + (items.size() - MAX_NAMED) + " more";
    }
}
