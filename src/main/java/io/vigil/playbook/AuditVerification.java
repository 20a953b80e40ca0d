package io.vigil.playbook;

import java.util.OptionalLong;

/**
 * The result of checking the audit chain: whether it holds, how many entries were checked, the
 * first entry found wrong (its sequence number) and a message saying what is wrong, and the hash of
 * the last entry (compare it with an earlier export to prove nothing was rewritten). Immutable.
 */
public record AuditVerification(boolean valid, long entries, OptionalLong badEntry, String message, String headHash) {
}
