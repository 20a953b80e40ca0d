package io.vigil.inventory;

import io.vigil.text.SafeText;
import java.util.Objects;

/** The outcome of probing one service and a sentence saying what was seen ("GET /api/status → 200"). */
public record ProbeResult(ProbeOutcome outcome, String detail) {

    public ProbeResult {
        Objects.requireNonNull(outcome, "outcome");
        detail = SafeText.of(detail); // from what a local service answered: attacker input
    }

    public boolean unauthenticated() {
        return outcome == ProbeOutcome.OPEN;
    }
}
