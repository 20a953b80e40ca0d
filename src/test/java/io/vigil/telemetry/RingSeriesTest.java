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
        RingSeries s = new RingSeries(10_000);
        int capacity = s.capacity();
        assertEquals(3 * RingSeries.CHUNK, capacity, "rounded up to whole chunks");
        int written = capacity * 2 + 1234;
        for (int i = 0; i < written; i++) {
            s.append(i * 1000L, i);
        }
        assertEquals(capacity, s.size());
        SeriesPoints all = s.read(Long.MIN_VALUE, Long.MAX_VALUE);
        assertEquals(capacity, all.size());
        assertEquals((written - capacity) * 1000L, all.times()[0]);
        assertEquals(written - capacity, all.values()[0]);
        assertEquals(written - 1, all.lastValue());
        for (int i = 1; i < all.size(); i++) {
            assertEquals(all.times()[i - 1] + 1000, all.times()[i], "points stay in time order across the wrap");
        }
    }

    @Test
    void windowReadReturnsExactlyThePointsInTheHalfOpenRange() {
        RingSeries s = new RingSeries(RingSeries.CHUNK);
        int n = RingSeries.CHUNK * 2 + 700; // wraps twice and a bit
        for (int i = 0; i < n; i++) {
            s.append(i * 1000L, i);
        }
        long oldest = (n - RingSeries.CHUNK) * 1000L;
        SeriesPoints w = s.read(oldest + 500_000, oldest + 510_000);
        assertEquals(10, w.size());
        assertEquals(oldest / 1000 + 500.0, w.values()[0]);
        assertEquals(oldest / 1000 + 509.0, w.values()[9]);
        assertTrue(s.read(0, oldest).isEmpty(), "points older than the ring are gone");
        assertEquals(1, s.read((n - 1) * 1000L, n * 1000L).size());
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
        assertEquals(RingSeries.CHUNK * 16L, small.retainedBytes(), "one point allocates one chunk, not a day");
        RingSeries full = new RingSeries(SeriesStore.DAY_OF_SECONDS);
        for (int i = 0; i < SeriesStore.DAY_OF_SECONDS + 10; i++) {
            full.append(i * 1000L, i);
        }
        assertEquals(full.capacity() * 16L, full.retainedBytes(), "a full day is 16 bytes a point, no more");
        assertTrue(full.capacity() - SeriesStore.DAY_OF_SECONDS < RingSeries.CHUNK);
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
