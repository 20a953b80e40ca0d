package io.vigil.inventory;

/** How much an inventory finding matters, lowest first. */
public enum Severity {
    OK, INFO, WARNING, CRITICAL
}
