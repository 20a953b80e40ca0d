package io.vigil.playbook;

import io.vigil.rules.ProcessDetectors;
import io.vigil.rules.Signatures;
import java.util.List;

/**
 * The miner signatures as the playbook actions use them: a view over the one editable list
 * ({@code miner-signatures.txt}, loaded once by the composition root) that the miner-signature rule
 * reads, with the rule's own matching, so triage never says "no miner indicators" for a process an
 * alert flagged. Thread-safe: immutable.
 */
public final class MinerSignatures {

    private final Signatures signatures;

    public MinerSignatures(Signatures signatures) {
        this.signatures = signatures;
    }

    /** The signatures found in {@code text} (a process name and command line, or a {@code ps} line). */
    public List<String> matches(String text) {
        return ProcessDetectors.indicatorsIn(text, signatures);
    }

    public boolean isPoolPort(int port) {
        return signatures.poolPorts().contains(port);
    }
}
