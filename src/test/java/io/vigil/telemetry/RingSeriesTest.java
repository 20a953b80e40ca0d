package io.vigil.telemetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RingSeriesTest {

    @Test
    void keepsTheNewestPointsWhenTheRingWrapsAround() {
        RingSeries s = new RingSeries(1000);
        for (int i = 0; i < 2500; i++) {
            s.append(i * 1000L, i);
        }
        assertEquals(1000, s.size());
        SeriesPoints all = s.read(Long.MIN_VALUE, Long.MAX_VALUE);
        assertEquals(1000, all.size());
        assertEquals(1500_000L, all.times()[0]);
        assertEquals(1500.0, all.values()[0]);
        assertEquals(2499.0, all.lastValue());
        for (int i = 1; i < all.size(); i++) {
            assertEquals(all.times()[i - 1] + 1000, all.times()[i], "points stay in time order across the wrap");
        }
    }

    @Test
    void windowReadReturnsExactlyThePointsInTheHalfOpenRange() {
        RingSeries s = new RingSeries(300);
        for (int i = 0; i < 700; i++) { // wraps twice and a bit
            s.append(i * 1000L, i);
        }
        SeriesPoints w = s.read(500_000, 510_000);
        assertEquals(10, w.size());
        assertEquals(500.0, w.values()[0]);
        assertEquals(509.0, w.values()[9]);
        assertTrue(s.read(0, 399_000).isEmpty(), "points older than the ring are gone");
        assertEquals(1, s.read(699_000, 699_001).size());
    }

    @Test
    void dropsAPointOlderThanTheNewest() {
        RingSeries s = new RingSeries(10);
        assertTrue(s.append(2000, 1));
        assertFalse(s.append(1000, 2));
        assertTrue(s.append(2000, 3), "an equal time is kept");
        assertEquals(2, s.size());
    }

    @Test
    void growsLazilySoASparseSeriesCostsLittle() {
        RingSeries small = new RingSeries(SeriesStore.DAY_OF_SECONDS);
        small.append(0, 1);
        assertTrue(small.retainedBytes() < 8 * 1024, "one point does not allocate a day: " + small.retainedBytes());
        RingSeries full = new RingSeries(SeriesStore.DAY_OF_SECONDS);
        for (int i = 0; i < SeriesStore.DAY_OF_SECONDS + 10; i++) {
            full.append(i * 1000L, i);
        }
        assertEquals(SeriesStore.DAY_OF_SECONDS * 16L, full.retainedBytes(), "a full day is 16 bytes a point, no more");
    }

    @RepeatedTest(25)
    void downsamplingKeepsEveryBucketExtremeAndTheGlobalOnes() {
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        int capacity = 500 + random.nextInt(5000);
        int count = capacity + random.nextInt(3 * capacity);
        RingSeries s = new RingSeries(capacity);
        double[] written = new double[count];
        for (int i = 0; i < count; i++) {
            written[i] = random.nextGaussian() * 10 + (random.nextInt(500) == 0 ? 1000 * random.nextGaussian() : 0);
            s.append(i * 1000L, written[i]);
        }
        int maxPoints = 50 + random.nextInt(400);
        long from = (count - capacity) * 1000L + random.nextInt(capacity / 2) * 1000L;
        long to = from + (capacity / 3) * 1000L + 1;
        SeriesPoints raw = s.read(from, to);
        SeriesPoints down = s.readDownsampled(from, to, maxPoints);

        assertTrue(down.size() <= maxPoints, "budget respected (seed " + seed + ")");
        assertEquals(raw.max(), down.max(), "global max kept (seed " + seed + ")");
        assertEquals(raw.min(), down.min(), "global min kept (seed " + seed + ")");
        for (int i = 1; i < down.size(); i++) {
            assertTrue(down.times()[i - 1] <= down.times()[i], "time order kept (seed " + seed + ")");
        }
        // Every kept point is a real point at its real time.
        for (int i = 0; i < down.size(); i++) {
            int idx = Arrays.binarySearch(raw.times(), 0, raw.size(), down.times()[i]);
            assertTrue(idx >= 0);
            assertEquals(raw.values()[idx], down.values()[i]);
        }
        // Each bucket's max and min survive: check with the same bucket boundaries.
        int buckets = maxPoints / 2;
        int n = raw.size();
        if (n > maxPoints) {
            for (int b = 0; b < buckets; b++) {
                int lo = (int) ((long) b * n / buckets);
                int hi = (int) ((long) (b + 1) * n / buckets);
                double max = Double.NEGATIVE_INFINITY;
                for (int i = lo; i < hi; i++) {
                    max = Math.max(max, raw.values()[i]);
                }
                final double bucketMax = max;
                final long loT = raw.times()[lo];
                final long hiT = raw.times()[hi - 1];
                boolean found = false;
                for (int i = 0; i < down.size(); i++) {
                    if (down.times()[i] >= loT && down.times()[i] <= hiT && down.values()[i] == bucketMax) {
                        found = true;
                    }
                }
                assertTrue(found, "bucket " + b + " max kept (seed " + seed + ")");
            }
        }
    }

    @Test
    void smallReadsAreNotDownsampled() {
        RingSeries s = new RingSeries(100);
        for (int i = 0; i < 10; i++) {
            s.append(i, i * 2);
        }
        SeriesPoints p = s.readDownsampled(0, 100, 2000);
        assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18}, Arrays.copyOf(p.values(), p.size()));
    }
}
