package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The billing model of {@link CostLeadBench} on its own (the replay itself runs as the bench). */
class CostLeadBenchTest {

    private static final Instant START = Instant.parse("2026-03-13T22:00:00Z");

    @Test
    void billingCrossesAtTheFirstRefreshWhoseAverageExcessReachesTheThreshold() {
        Duration miner = Duration.ofHours(4).plusMinutes(13);
        // 13.9 USD/h billed from 02:13: 5 USD/h averaged over 8 h needs 2 h 53 min of it; refreshes at 00:00, 08:00, ...
        Duration crossing = CostLeadBench.billingCrossing(START, miner, 13.9, Duration.ofHours(2));
        assertEquals(Duration.ofHours(10), crossing, "the 08:00 refresh (offset 10 h) is the first with enough");
        // A refresh at 03:00 has only 47 minutes of it: too little; the next, at 11:00, has 8 h.
        assertEquals(Duration.ofHours(13), CostLeadBench.billingCrossing(START, miner, 13.9, Duration.ofHours(5)));
        // Below the threshold even over a whole interval: billing never gets there.
        assertEquals(null, CostLeadBench.billingCrossing(START, miner, 4, Duration.ofHours(2)));
        assertTrue(CostLeadBench.billingCrossing(START, miner, 40, Duration.ofHours(2)).equals(Duration.ofHours(10)),
                "1 h 47 min of 40 USD/h averages 8.9 USD/h over the 8 h to 08:00");
    }
}
