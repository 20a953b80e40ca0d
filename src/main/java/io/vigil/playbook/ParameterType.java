package io.vigil.playbook;

import java.util.Locale;

/**
 * The type of a playbook parameter; a value is validated against its type before anything runs, so
 * that a value can never become shell syntax or an option (no leading dash, no control characters, no
 * bidirectional overrides that would make a shown value read differently from the one used).
 */
public enum ParameterType {
    /** A process id: a positive decimal integer. */
    PID,
    /** A Docker container name or id: {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}, at most 128 characters. */
    CONTAINER,
    /** A Kubernetes object name: an RFC 1123 subdomain, at most 253 characters. */
    K8S_NAME,
    /** A Kubernetes namespace: an RFC 1123 label, at most 63 characters. */
    NAMESPACE,
    /** An absolute path under one of the configured roots, without {@code ..} or symlink escapes. */
    PATH,
    /** A duration such as {@code 30s}, {@code 15m}, {@code 2h}. */
    DURATION,
    /** A decimal integer, optionally bounded by {@code min}/{@code max}. */
    INT,
    /** Free text that must fully match the parameter's required {@code pattern}. */
    STRING;

    /** The name used in YAML ({@code pid}, {@code k8s_name}, …). */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ParameterType fromYaml(String s) {
        for (ParameterType t : values()) {
            if (t.yamlName().equals(s)) {
                return t;
            }
        }
        return null;
    }
}
