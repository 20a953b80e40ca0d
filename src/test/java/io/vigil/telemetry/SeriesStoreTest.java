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
}
