package io.vigil.rules;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ProcessInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the rules derive from one host snapshot, worked out once per snapshot rather than once per
 * evaluation: the processes read every few seconds, the rules evaluate every second, and on a busy
 * machine the miner scan over hundreds of long command lines was the engine's largest cost (and
 * most of its garbage). A new snapshot (compared by identity: snapshots are immutable) starts over.
 *
 * <p>Not thread-safe: owned by one {@link Evaluator}, whose evaluations never overlap.
 */
final class HostScan {

    private HostSnapshot host;
    private List<ProcessDetectors.MinerMatch> miners;
    private Map<Integer, ProcessInfo> byPid;

    /** {@link ProcessDetectors#miners} of {@code snapshot}; the same list while the snapshot is the same. */
    List<ProcessDetectors.MinerMatch> miners(HostSnapshot snapshot, Signatures sig) {
        use(snapshot);
        if (miners == null) {
            miners = List.copyOf(ProcessDetectors.miners(snapshot, sig));
        }
        return miners;
    }

    /** The snapshot's processes by pid. */
    Map<Integer, ProcessInfo> byPid(HostSnapshot snapshot) {
        use(snapshot);
        if (byPid == null) {
            Map<Integer, ProcessInfo> m = new HashMap<>();
            for (ProcessInfo p : snapshot.processes()) {
                m.putIfAbsent(p.pid(), p);
            }
            byPid = m;
        }
        return byPid;
    }

    private void use(HostSnapshot snapshot) {
        if (snapshot != host) {
            host = snapshot;
            miners = null;
            byPid = null;
        }
    }
}
