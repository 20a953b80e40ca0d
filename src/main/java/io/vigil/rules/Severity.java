package io.vigil.rules;

/** How urgent an alert is, from least to most. */
public enum Severity {
    INFO, WARNING, CRITICAL
}
