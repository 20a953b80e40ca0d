package io.vigil.playbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Known signs of cryptocurrency miners: miner program names, stratum pool URLs, pool host names and
 * the ports mining pools listen on. Seen in real incidents on GPU hosts (XMRig, T-Rex, lolMiner, …).
 * Thread-safe: immutable.
 */
public final class MinerSignatures {

    static final List<String> WORDS = List.of("xmrig", "xmr-stak", "ethminer", "t-rex", "nbminer", "lolminer",
            "phoenixminer", "gminer", "nanominer", "teamredminer", "cpuminer", "ccminer", "bminer", "srbminer",
            "minerd", "kawpowminer", "cgminer", "bfgminer", "stratum+tcp://", "stratum+ssl://", "stratum2+tcp://",
            "--donate-level", "nicehash", "ethermine", "f2pool", "nanopool", "supportxmr", "minexmr", "hashvault",
            "unmineable", "2miners", "moneroocean", "c3pool");
    /** Ports that mining pools commonly listen on. */
    public static final Set<Integer> POOL_PORTS = Set.of(3333, 3357, 4444, 5555, 7777, 9999, 14433, 14444, 45560, 45700);

    /** The signatures found in {@code text} (a process name, command line, or a {@code ps} line). */
    public List<String> matches(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> found = new ArrayList<>();
        for (String w : WORDS) {
            if (lower.contains(w)) {
                found.add(w);
            }
        }
        return found;
    }

    public boolean isPoolPort(int port) {
        return POOL_PORTS.contains(port);
    }
}
