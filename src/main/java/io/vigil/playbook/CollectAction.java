package io.vigil.playbook;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ListeningPort;
import io.vigil.host.NetConnection;
import io.vigil.host.ProcFields;
import io.vigil.host.ProcessInfo;
import io.vigil.rules.Signatures;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code collect}: a process and network snapshot from the host source. With {@code pid}: that
 * process (owner, command line), its parent chain, children, connections and listening ports, and
 * any miner signatures, with a suggestion. Without: the busiest processes, connections to mining-pool
 * ports, and every process with a miner signature. Command lines are capped
 * ({@link ProcFields#MAX_FIELD_BYTES}); the runner redacts and escapes every line written. Thread-safe.
 */
public final class CollectAction implements BuiltInAction {

    private final Supplier<HostSnapshot> snapshots;
    private final MinerSignatures signatures;

    /**
     * {@code snapshots}: the latest host snapshot (the process source's, taken anew when it has none);
     * {@code signatures}: the one miner-signature list, the same instance the rules use.
     */
    public CollectAction(Supplier<HostSnapshot> snapshots, Signatures signatures) {
        this.snapshots = snapshots;
        this.signatures = new MinerSignatures(signatures);
    }

    @Override
    public String name() {
        return "collect";
    }

    @Override
    public int run(Map<String, String> args, ActionContext ctx) throws ActionException {
        HostSnapshot snap = snapshots.get();
        if (snap == null || snap.epochMillis() == 0) {
            throw new ActionException("no process snapshot is available yet from the host source");
        }
        ctx.out("snapshot taken at " + Instant.ofEpochMilli(snap.epochMillis()) + ": " + snap.processes().size()
                + " processes, " + snap.connections().size() + " connections");
        Map<Integer, ProcessInfo> byPid = new HashMap<>();
        snap.processes().forEach(p -> byPid.put(p.pid(), p));
        String pidText = args.getOrDefault("pid", "");
        if (!pidText.isBlank()) {
            if (!ParameterBinder.PID.matcher(pidText).matches()) {
                throw new ActionException("pid: a process id, got '" + pidText + "'");
            }
            return process(Integer.parseInt(pidText), byPid, snap, ctx);
        }
        ctx.out("busiest processes:");
        snap.processes().stream().sorted(Comparator.comparingDouble(ProcessInfo::cpuPercent).reversed()).limit(15)
                .forEach(p -> ctx.out("  " + describe(p)));
        int hits = 0;
        for (NetConnection c : snap.connections()) {
            if (signatures.isPoolPort(c.remotePort())) {
                ctx.out("MINING-POOL PORT: " + connection(c) + owner(c.pid(), byPid));
                hits++;
            }
        }
        for (ProcessInfo p : snap.processes()) {
            List<String> m = signatures.matches(p.name() + " " + p.commandLine());
            if (!m.isEmpty()) {
                ctx.out("MINER SIGNATURE " + m + ": " + describe(p));
                hits++;
            }
        }
        ctx.out(hits == 0 ? "no miner signatures found" : hits + " miner indicators found");
        return 0;
    }

    private int process(int pid, Map<Integer, ProcessInfo> byPid, HostSnapshot snap, ActionContext ctx)
            throws ActionException {
        ProcessInfo p = byPid.get(pid);
        if (p == null) {
            return fromProcessHandle(pid, ctx);
        }
        ctx.out("process: " + describe(p));
        ctx.out("parent chain:");
        Set<Integer> seen = new HashSet<>();
        ProcessInfo cur = byPid.get(p.parentPid());
        while (cur != null && seen.add(cur.pid())) {
            ctx.out("  " + describe(cur));
            cur = cur.pid() == cur.parentPid() ? null : byPid.get(cur.parentPid());
        }
        snap.processes().stream().filter(c -> c.parentPid() == pid && c.pid() != pid)
                .forEach(c -> ctx.out("child: " + describe(c)));
        int indicators = 0;
        for (NetConnection c : snap.connections()) {
            if (c.pid() == pid) {
                boolean pool = signatures.isPoolPort(c.remotePort());
                ctx.out((pool ? "MINING-POOL PORT " : "connection ") + connection(c));
                indicators += pool ? 1 : 0;
            }
        }
        for (ListeningPort l : snap.listeningPorts()) {
            if (l.pid() == pid) {
                ctx.out("listening " + l.protocol() + " " + l.address() + ":" + l.port());
            }
        }
        List<String> m = signatures.matches(p.name() + " " + p.commandLine());
        if (!m.isEmpty()) {
            ctx.out("MINER SIGNATURE: " + String.join(", ", m));
            indicators += m.size();
        }
        ctx.out(indicators == 0 ? "no miner indicators for this process"
                : indicators + " miner indicators: suggest suspend-process (SIGSTOP keeps memory for evidence), "
                        + "then preserve evidence, then kill-process");
        return 0;
    }

    /** A process younger than the snapshot: what the OS tells about it now, through {@link ProcessHandle}. */
    private int fromProcessHandle(int pid, ActionContext ctx) throws ActionException {
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() ->
                new ActionException("no process with pid " + pid + " (it may have exited)"));
        ctx.out("process " + pid + " is newer than the snapshot; from the OS now:");
        ctx.out("process: " + describe(h));
        ctx.out("parent chain:");
        for (ProcessHandle cur = h.parent().orElse(null); cur != null; cur = cur.parent().orElse(null)) {
            ctx.out("  " + describe(cur));
        }
        String cmd = ProcFields.cap(h.info().commandLine().or(() -> h.info().command()).orElse(""));
        List<String> m = signatures.matches(cmd);
        ctx.out(m.isEmpty() ? "no miner signatures in its command line; connections appear in the next snapshot"
                : "MINER SIGNATURE: " + String.join(", ", m));
        return 0;
    }

    private static String describe(ProcessHandle h) {
        ProcessHandle.Info i = h.info();
        return "pid " + h.pid() + " user " + i.user().orElse("?") + " "
                + ProcFields.cap(i.commandLine().or(i::command).orElse("?"));
    }

    private static String describe(ProcessInfo p) {
        return "pid " + p.pid() + " ppid " + p.parentPid() + " user " + (p.user().isEmpty() ? "?" : p.user())
                + String.format(" cpu %.1f%% rss %d MiB ", p.cpuPercent(), p.rssBytes() >> 20)
                + (p.commandLine().isEmpty() ? p.name() : p.commandLine());
    }

    private static String connection(NetConnection c) {
        return c.protocol() + " " + c.localAddress() + ":" + c.localPort() + " -> " + c.remoteAddress() + ":"
                + c.remotePort() + " " + c.state();
    }

    private static String owner(int pid, Map<Integer, ProcessInfo> byPid) {
        ProcessInfo p = byPid.get(pid);
        return p == null ? "" : " (pid " + pid + " " + p.name() + ")";
    }
}
