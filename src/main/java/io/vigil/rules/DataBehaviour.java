package io.vigil.rules;

/** What a rule does when its metric has no data, or its evaluation fails. */
public enum DataBehaviour {
    /** Treat it as a breach at the rule's highest severity: silence is an alert. */
    ALERTING,
    /** Treat it as fine: the instance resolves. */
    NORMAL,
    /** Keep whatever state the instance had. */
    KEEP_LAST
}
