package io.vigil.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesStoreTest {

    @Test
    void eightyFullDaySeriesFitTheMemoryBudget() {
        SeriesStore store = new SeriesStore();
        for (int gpu = 0; gpu < 8; gpu++) {
            for (int metric = 0; metric < 10; metric++) {
                MetricId id = MetricId.of("gpu.m" + metric, "gpu", String.valueOf(gpu));
                for (int t = 0; t < SeriesStore.DAY_OF_SECONDS; t++) {
                    store.append(id, t * 1000L, t);
                }
            }
        }
        long mb = store.retainedBytes() / (1024 * 1024);
        assertTrue(mb < 150, "80 series × 24 h × 1 s held in " + mb + " MiB");
        assertEquals(80, store.ids().size());
    }

    @Test
    void readsAWindowEndingNowAndTheLatestValue() {
        SeriesStore store = new SeriesStore(1000);
        MetricId cpu = MetricId.of("host.cpu.percent");
        store.onSamples("host", List.of(Sample.of(cpu, 1_000, 10), Sample.of(cpu, 2_000, 20), Sample.of(cpu, 3_000, 30)));
        assertEquals(30, store.latest(cpu));
        SeriesPoints last2s = store.readWindow(cpu, 3_000, Duration.ofMillis(1500), 100);
        assertEquals(2, last2s.size());
        assertTrue(Double.isNaN(store.latest(MetricId.of("nothing"))));
        assertTrue(store.read(MetricId.of("nothing"), 0, 10, 10).isEmpty());
    }

    @Test
    void historyFollowedByLivePointsKeepsBothInOrder() {
        SeriesPoints older = new SeriesPoints(new long[] {1, 2, 99}, new double[] {10, 20, 0}, 2);
        SeriesPoints live = new SeriesPoints(new long[] {3}, new double[] {30}, 1);
        SeriesPoints all = older.followedBy(live);
        assertEquals(3, all.size());
        assertEquals(3, all.times()[2]);
        assertEquals(30, all.values()[2]);
        assertEquals(live, SeriesPoints.EMPTY.followedBy(live));
        assertEquals(older, older.followedBy(SeriesPoints.EMPTY));
    }

    @Test
    void findsSeriesByNameWhateverTheirLabels() {
        SeriesStore store = new SeriesStore(10);
        store.append(MetricId.of("host.net.if.rx_bytes_per_s", "if", "eth0"), 1, 1);
        store.append(MetricId.of("host.net.if.rx_bytes_per_s", "if", "wlan0"), 1, 1);
        store.append(MetricId.of("host.cpu.percent"), 1, 1);
        assertEquals(2, store.idsNamed("host.net.if.rx_bytes_per_s").size());
    }

    private static final long MIN = 60_000;
    private static final long HOUR = 60 * MIN;

    @Test
    void aSeriesWithNoPointForLongerThanTheRingsSpanIsFreed() {
        SeriesStore store = new SeriesStore();
        MetricId gone = MetricId.of("host.net.if.rx_bytes_per_s", "if", "usb0");
        MetricId alive = MetricId.of("host.cpu.percent");
        store.append(gone, 0, 1);
        long version = store.idsVersion();
        for (long t = 0; t <= 24 * HOUR; t += MIN) {
            store.append(alive, t, 2);
        }
        assertEquals(List.of(gone, alive).stream().sorted().toList(), store.ids(), "24 h idle is still within the span");
        store.append(alive, 24 * HOUR + 2 * MIN, 2);
        assertEquals(List.of(alive), store.ids(), "idle for longer than the 24 h span: freed");
        assertTrue(Double.isNaN(store.latest(gone)));
        assertTrue(store.idsVersion() != version, "readers that cache ids must see the removal");
    }

    @Test
    void gpuProcessAndContainerInterfaceSeriesAreShortAndFreedSoonAfterTheyStop() {
        SeriesStore store = new SeriesStore();
        MetricId process = MetricId.of("gpu.process.memory_bytes", "gpu", "0", "pid", "4242");
        MetricId veth = MetricId.of("host.net.if.rx_bytes_per_s", "if", "veth3a9f2c1");
        MetricId eth0 = MetricId.of("host.net.if.rx_bytes_per_s", "if", "eth0");
        for (long t = 0; t < 2 * HOUR; t += 1000) {
            store.append(process, t, 1);
            store.append(veth, t, 1);
            store.append(eth0, t, 1);
        }
        assertTrue(store.retainedBytes() <= 2 * 16L * SeriesStore.EPHEMERAL_CAPACITY + 16L * 2 * 4096,
                "a process or veth series holds at most " + SeriesStore.EPHEMERAL_CAPACITY + " points: " + store.retainedBytes());
        assertTrue(store.read(process, 0, 2 * HOUR, Integer.MAX_VALUE).size() <= SeriesStore.EPHEMERAL_CAPACITY);
        long stopped = 2 * HOUR;
        for (long t = stopped; t <= stopped + SeriesStore.EPHEMERAL_SPAN.toMillis() + 2 * MIN; t += 1000) {
            store.append(eth0, t, 1);
        }
        assertEquals(List.of(eth0), store.ids(), "the process and the veth stopped more than 15 min ago");
    }

    @Test
    void fleetSeriesKeepOnlyTheirWindowAndAreFreedThatLongAfterTheirLastPoint() {
        // 5 min at a 15 s period: 22 points; local series keep their day.
        SeriesStore store = new SeriesStore(SeriesStore.DAY_OF_SECONDS, 22, java.time.Duration.ofMinutes(5));
        MetricId fleetGpu = MetricId.of("gpu.utilization", "node", "gpu-a", "gpu", "GPU-a6158b59");
        MetricId local = MetricId.of("gpu.utilization", "gpu", "0");
        for (long t = 0; t < HOUR; t += 15_000) {
            store.append(fleetGpu, t, t);
            store.append(local, t, t);
        }
        SeriesPoints kept = store.read(fleetGpu, 0, HOUR, Integer.MAX_VALUE);
        assertEquals(22, kept.size(), "the window only");
        assertEquals(HOUR - 15_000, kept.lastTime());
        assertEquals(240, store.read(local, 0, HOUR, Integer.MAX_VALUE).size(), "local series untouched");
        assertEquals(22 * 16L + 4096 * 16L, store.retainedBytes(), "22 points, not a 4,096-point chunk");
        for (long t = HOUR; t <= HOUR + 7 * MIN; t += 15_000) {
            store.append(local, t, t);
        }
        assertEquals(List.of(local), store.ids(), "the node stopped reporting more than its 5 min window ago");
    }

    @Test
    void readersThatCacheIdsSeeAReplacementEvenWhenTheCountIsUnchanged() {
        SeriesStore store = new SeriesStore();
        MetricId first = MetricId.of("gpu.process.memory_bytes", "gpu", "0", "pid", "1");
        MetricId second = MetricId.of("gpu.process.memory_bytes", "gpu", "0", "pid", "2");
        io.vigil.rules.MetricReader reader = io.vigil.rules.MetricReader.of(store);
        store.append(first, 0, 1);
        assertEquals(List.of(first), reader.ids());
        store.append(second, SeriesStore.EPHEMERAL_SPAN.toMillis() + 2 * MIN, 1);
        assertEquals(List.of(second), reader.ids());
    }
}
