package io.vigil.playbook;

import java.util.List;
import java.util.OptionalLong;

/**
 * The result of checking the audit chain: whether it holds, how many entries were checked, the
 * first entry found wrong (its sequence number) and a message saying what is wrong, the hash of the
 * last entry (the head: compare it with an anchor kept elsewhere), and {@code report}: one line per
 * thing checked and what it proves (legacy and keyed ranges, anchors). Immutable.
 */
public record AuditVerification(boolean valid, long entries, OptionalLong badEntry, String message, String headHash,
                                List<String> report) {

    public AuditVerification {
        report = List.copyOf(report);
    }

    public AuditVerification(boolean valid, long entries, OptionalLong badEntry, String message, String headHash) {
        this(valid, entries, badEntry, message, headHash, List.of());
    }
}
