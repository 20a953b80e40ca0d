package io.vigil.cost;

import io.vigil.cloud.CostSnapshot;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Today's spend bridged from Cost Explorer's last figure to now: Cost Explorer's "today" as read at
 * {@code asOf}, plus what the live estimate ({@code cost.live_per_hour}) adds up to since then.
 * Only the GPUs are estimated live, and Cost Explorer's own figure may already be hours behind the
 * moment it was read, so the sum is a floor, not the bill. Immutable.
 *
 * @param costExplorerTodayUsd Cost Explorer's figure for today (UTC), USD
 * @param asOf                 when Vigil read it
 * @param liveSinceUsd         the live estimate summed from {@code liveFrom} to {@code to}, USD
 * @param liveFrom             where the live data starts: {@code asOf}, or later when Vigil was not watching then
 * @param to                   the newest live reading
 */
public record CostBridge(double costExplorerTodayUsd, Instant asOf, double liveSinceUsd, Instant liveFrom, Instant to) {

    public double totalUsd() {
        return costExplorerTodayUsd + liveSinceUsd;
    }

    /** Whether the live data covers the whole time since {@code asOf} (to the minute). */
    public boolean covered() {
        return liveFrom.toEpochMilli() - asOf.toEpochMilli() <= 60_000;
    }

    /** The bridge, when Cost Explorer has a figure read today (UTC, by {@code now}) and the ledger has readings since. */
    public static Optional<CostBridge> of(CostSnapshot cost, LiveCostLedger ledger, Instant now) {
        if (!cost.hasData()) {
            return Optional.empty();
        }
        Instant asOf = cost.costsAsOf().get();
        if (asOf.isAfter(now) || !LocalDate.ofInstant(asOf, ZoneOffset.UTC).equals(LocalDate.ofInstant(now, ZoneOffset.UTC))) {
            return Optional.empty(); // "today" was another day when it was read
        }
        return ledger.since(asOf.toEpochMilli()).map(s -> new CostBridge(cost.todayUsd(), asOf, s.usd(),
                Instant.ofEpochMilli(s.fromMillis()), Instant.ofEpochMilli(s.toMillis())));
    }
}
