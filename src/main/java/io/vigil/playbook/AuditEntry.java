package io.vigil.playbook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the audit log. {@code kind} is {@code run_started}, {@code step_finished} or
 * {@code run_finished}; step fields are null on run entries. {@code time} is the ISO-8601 instant
 * (UTC, milliseconds) exactly as hashed. {@code hash} is the SHA-256 of the entry's fields and
 * {@code prevHash}, the previous entry's hash. Immutable.
 */
public record AuditEntry(long seq, String time, String kind, String runId, String user, String host,
                         String playbookId, String playbookSha256, String parametersJson, Integer stepIndex,
                         String stepName, String argvJson, Integer exitCode, Long durationMs, String status,
                         String output, String outputSha256, String message, String prevHash, String hash) {

    /** The fields covered by the hash, in a fixed order (the output is covered through its digest). */
    Map<String, Object> hashedFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("time", time);
        m.put("kind", kind);
        m.put("run_id", runId);
        m.put("user", user);
        m.put("host", host);
        m.put("playbook_id", playbookId);
        m.put("playbook_sha256", playbookSha256);
        m.put("parameters", parametersJson);
        m.put("step_index", stepIndex);
        m.put("step_name", stepName);
        m.put("argv", argvJson);
        m.put("exit_code", exitCode);
        m.put("duration_ms", durationMs);
        m.put("status", status);
        m.put("output_sha256", outputSha256);
        m.put("message", message);
        m.put("prev_hash", prevHash);
        return m;
    }

    /** Every field, for export. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = hashedFields();
        m.put("output", output);
        m.put("hash", hash);
        return m;
    }
}
