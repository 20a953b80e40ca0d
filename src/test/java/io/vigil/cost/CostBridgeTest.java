package io.vigil.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cloud.CostSnapshot;
import io.vigil.ui.cloud.CloudViewModel;
import io.vigil.cloud.BillingSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Cost Explorer's today bridged to now by the live estimate's running total. */
class CostBridgeTest {

    private static final Instant AS_OF = Instant.parse("2026-03-14T14:02:00Z");

    private static CostSnapshot explorer(double todayUsd, Instant asOf) {
        return new CostSnapshot(Optional.of(asOf), Optional.empty(), Optional.empty(), List.of(), todayUsd, 900,
                OptionalDouble.empty(), 0, OptionalDouble.empty(), List.of(), 3, 50, Optional.empty());
    }

    @Test
    void theLedgerSumsUsdPerHourOverTime() {
        LiveCostLedger ledger = new LiveCostLedger();
        long t0 = AS_OF.minus(Duration.ofHours(1)).toEpochMilli();
        // 12 USD/h for 3 hours, one reading every 10 s.
        for (long t = t0; t <= t0 + 3 * 3_600_000L; t += 10_000) {
            ledger.add(t, 12);
        }
        LiveCostLedger.Spent since = ledger.since(AS_OF.toEpochMilli()).orElseThrow();
        assertEquals(24.0, since.usd(), 1e-6, "two hours at 12 USD/h");
        assertEquals(AS_OF.toEpochMilli(), since.fromMillis());
        assertEquals(36.0, ledger.since(t0 - 60_000).orElseThrow().usd(), 1e-6);
        assertEquals(t0, ledger.since(t0 - 60_000).orElseThrow().fromMillis(), "the ledger starts later than asked");
    }

    @Test
    void aGapNobodyWatchedAddsNothing() {
        LiveCostLedger ledger = new LiveCostLedger();
        long t0 = AS_OF.toEpochMilli();
        ledger.add(t0, 10);
        ledger.add(t0 + 3_600_000, 10); // an hour later: not watched in between
        ledger.add(t0 + 3_600_000 + 240_000, 10); // then 4 minutes watched
        LiveCostLedger.Spent s = ledger.since(t0).orElseThrow();
        assertEquals(10.0 * 4 / 60, s.usd(), 1e-9);
        assertEquals(t0 + 3_600_000, s.fromMillis(), "only the newest watched stretch counts");
    }

    @Test
    void theCloudLineBridgesCostExplorerToNow() {
        LiveCostLedger ledger = new LiveCostLedger();
        long t0 = AS_OF.toEpochMilli();
        for (long t = t0 - 600_000; t <= t0 + 30 * 60_000L; t += 1000) {
            ledger.add(t, 24.62);
        }
        CostBridge b = CostBridge.of(explorer(41.20, AS_OF), ledger, AS_OF.plus(Duration.ofMinutes(30))).orElseThrow();
        assertEquals(12.31, b.liveSinceUsd(), 1e-6);
        assertEquals(53.51, b.totalUsd(), 1e-6);
        assertTrue(b.covered());
        CloudViewModel model = new CloudViewModel(() -> explorer(41.20, AS_OF), BillingSnapshot::empty, ZoneOffset.UTC,
                () -> CostBridge.of(explorer(41.20, AS_OF), ledger, AS_OF.plus(Duration.ofMinutes(30))));
        assertEquals("Cost Explorer today $41.20 as of 14:02 + live GPU estimate since then $12.31 = $53.51",
                model.bridgeLine().orElseThrow());
    }

    @Test
    void noBridgeAcrossMidnightOrWithoutAFigure() {
        LiveCostLedger ledger = new LiveCostLedger();
        ledger.add(AS_OF.toEpochMilli(), 5);
        ledger.add(AS_OF.toEpochMilli() + 1000, 5);
        assertTrue(CostBridge.of(explorer(41.2, AS_OF), ledger, Instant.parse("2026-03-15T00:10:00Z")).isEmpty(),
                "read yesterday: its 'today' is another day");
        assertTrue(CostBridge.of(CostSnapshot.empty(0, 50), ledger, AS_OF).isEmpty());
        assertTrue(CostBridge.of(explorer(41.2, AS_OF), new LiveCostLedger(), AS_OF).isEmpty(), "no live readings");
    }
}
