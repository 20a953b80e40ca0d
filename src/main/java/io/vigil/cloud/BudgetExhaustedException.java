package io.vigil.cloud;

import java.time.Instant;

/**
 * Thrown (from inside the SDK's request pipeline) instead of sending a Cost Explorer request when
 * today's request budget is used up. Nothing was sent and nothing was charged.
 */
public final class BudgetExhaustedException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Instant resetsAt;

    public BudgetExhaustedException(int limit, Instant resetsAt) {
        super("the daily budget of " + limit + " Cost Explorer requests is used up; it starts again at 00:00 UTC");
        this.resetsAt = resetsAt;
    }

    public Instant resetsAt() {
        return resetsAt;
    }
}
