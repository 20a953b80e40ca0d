package io.vigil.playbook;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A head of the audit chain recorded outside the database: entry {@code seq} had hash {@code hash}
 * at {@code time} (ISO instant), under the audit key {@code keyId} ({@code -} for none). Every later
 * verification must find that entry with that hash, so deleting or rewriting anything up to it is
 * detected, as far as the copy of the anchor survives. {@code reason}: {@code run-end}, {@code every-N},
 * {@code key-created}. Immutable.
 */
public record AuditAnchor(String time, long seq, String hash, String keyId, String reason) {

    private static final Pattern LINE = Pattern.compile(
            "(\\S+) seq=(\\d+) head=([0-9a-f]{64}) key=([0-9a-f]{16}|-) (\\S+)");

    /** The anchor as one line of the anchor file (and the text sent off-machine). */
    public String line() {
        return time + " seq=" + seq + " head=" + hash + " key=" + keyId + " " + reason;
    }

    /** Parses a line written by {@link #line()}; empty for comments, blank and malformed lines. */
    public static Optional<AuditAnchor> parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new AuditAnchor(m.group(1), Long.parseLong(m.group(2)), m.group(3), m.group(4), m.group(5)));
    }
}
