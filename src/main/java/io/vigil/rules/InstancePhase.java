package io.vigil.rules;

/** Where an instance of a rule stands: breaching but not yet for long enough, or firing. */
public enum InstancePhase {
    PENDING, FIRING
}
