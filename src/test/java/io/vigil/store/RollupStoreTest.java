package io.vigil.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.SeriesPoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollupStoreTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final MetricId cpu = MetricId.of("host.cpu.percent");

    @Test
    void rollupsSurviveReopeningTheFile() throws Exception {
        Path file = dir.resolve("vigil.db");
        long start = clock.millis();
        try (Database db = Database.open(file)) {
            RollupStore rollups = new RollupStore(db, clock);
            List<Sample> samples = new ArrayList<>();
            for (int s = 0; s < 120; s++) { // two minutes of 1 s samples: 0, 1, 2, …
                samples.add(Sample.of(cpu, start + s * 1000L, s));
            }
            rollups.onSamples("host", samples);
            clock.advance(Duration.ofMinutes(2));
            assertEquals(12 + 2, rollups.flush(), "twelve 10 s buckets and two 1 min buckets");
            assertEquals(0, rollups.pendingBuckets());
        }
        try (Database db = Database.open(file)) {
            RollupStore rollups = new RollupStore(db, clock);
            List<Rollup> tens = rollups.read(cpu, 10, start, start + 120_000);
            assertEquals(12, tens.size());
            assertEquals(4.5, tens.getFirst().mean(), 1e-9);
            assertEquals(0, tens.getFirst().min());
            assertEquals(9, tens.getFirst().max());
            assertEquals(10, tens.getFirst().count());
            List<Rollup> minutes = rollups.read(cpu, 60, start, start + 120_000);
            assertEquals(2, minutes.size());
            assertEquals(119, minutes.get(1).max());
            SeriesPoints history = rollups.history(cpu, start, start + 120_000, 100);
            assertEquals(12, history.size());
            assertEquals(RollupStore.MIGRATIONS.size(), db.schemaVersion("rollup"));
        }
    }

    @Test
    void openBucketsAreNotWrittenUntilTheyCloseUnlessFlushingAll() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RollupStore rollups = new RollupStore(db, clock);
            rollups.onSamples("host", List.of(Sample.of(cpu, clock.millis(), 5)));
            assertEquals(0, rollups.flush());
            assertEquals(2, rollups.flushAll());
            // A later write for the same bucket merges with what was stored.
            rollups.onSamples("host", List.of(Sample.of(cpu, clock.millis() + 1, 15)));
            rollups.flushAll();
            Rollup r = rollups.read(cpu, 10, 0, Long.MAX_VALUE).getFirst();
            assertEquals(2, r.count());
            assertEquals(10, r.mean(), 1e-9);
            assertEquals(15, r.max());
        }
    }

    @Test
    void pruneDropsBucketsPastTheirRetention() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RollupStore rollups = new RollupStore(db, clock);
            rollups.onSamples("host", List.of(Sample.of(cpu, clock.millis(), 1)));
            rollups.flushAll();
            clock.advance(Duration.ofDays(3));
            assertEquals(1, rollups.prune(), "the 10 s bucket is older than 48 h; the 1 min one stays");
            assertEquals(1, rollups.read(cpu, 60, 0, Long.MAX_VALUE).size());
        }
    }

    @Test
    void oneMinuteRollupsLiveThirtyFiveDaysAndTenSecondOnesFortyEightHours() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RollupStore rollups = new RollupStore(db, clock);
            long t0 = clock.millis();
            rollups.onSamples("host", List.of(Sample.of(cpu, t0, 1)));
            rollups.flushAll();

            clock.set(Instant.ofEpochMilli(t0 + Duration.ofHours(48).toMillis()));
            assertEquals(0, rollups.prune(), "exactly 48 h old: the 10 s bucket is still kept");
            clock.advance(Duration.ofMillis(1));
            assertEquals(1, rollups.prune(), "past 48 h the 10 s bucket goes");
            assertEquals(0, rollups.read(cpu, 10, 0, Long.MAX_VALUE).size());
            assertEquals(1, rollups.read(cpu, 60, 0, Long.MAX_VALUE).size());

            clock.set(Instant.ofEpochMilli(t0 + Duration.ofDays(35).toMillis()));
            assertEquals(0, rollups.prune(), "exactly 35 days old: the 1 min bucket is still kept");
            assertEquals(1, rollups.read(cpu, 60, 0, Long.MAX_VALUE).size());
            clock.advance(Duration.ofMillis(1));
            assertEquals(1, rollups.prune(), "past 35 days the 1 min bucket goes");
            assertEquals(0, rollups.read(cpu, 60, 0, Long.MAX_VALUE).size());
        }
    }

    @Test
    void pruneUsesAnIndexInsteadOfScanningEveryRowOfAResolution() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            new RollupStore(db, clock);
            String plan = db.read(c -> {
                StringBuilder out = new StringBuilder();
                try (var rs = c.createStatement().executeQuery(
                        "EXPLAIN QUERY PLAN DELETE FROM rollup WHERE resolution_s = 60 AND bucket_start < 1000")) {
                    while (rs.next()) {
                        out.append(rs.getString("detail")).append('\n');
                    }
                }
                return out.toString();
            });
            assertTrue(plan.contains("bucket_start<"), "the prune must seek on (resolution_s, bucket_start): " + plan);
        }
    }

    @Test
    void perProcessAndContainerInterfaceSeriesAreNotRolledUp() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RollupStore rollups = new RollupStore(db, clock);
            MetricId process = MetricId.of("gpu.process.memory_bytes", "gpu", "0", "pid", "4242");
            MetricId veth = MetricId.of("host.net.if.rx_bytes_per_s", "if", "veth3a9f2c1");
            MetricId eth0 = MetricId.of("host.net.if.rx_bytes_per_s", "if", "eth0");
            rollups.onSamples("gpu", List.of(Sample.of(process, clock.millis(), 1)));
            rollups.onSamples("host", List.of(Sample.of(veth, clock.millis(), 1), Sample.of(eth0, clock.millis(), 1)));
            assertEquals(2, rollups.flushAll(), "eth0's 10 s and 1 min buckets only");
            assertEquals(List.of(eth0), rollups.metricIds());
        }
    }

    @Test
    void fleetSeriesAreNotRolledUpPrometheusHoldsTheirHistory() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RollupStore rollups = new RollupStore(db, clock);
            MetricId fleetGpu = MetricId.of("gpu.utilization", "node", "gpu-a", "gpu", "GPU-a6158b59");
            MetricId nodeUp = MetricId.of("fleet.node.up", "node", "gpu-a");
            MetricId local = MetricId.of("gpu.utilization", "gpu", "0");
            rollups.onSamples("fleet", List.of(Sample.of(fleetGpu, clock.millis(), 97), Sample.of(nodeUp, clock.millis(), 1)));
            rollups.onSamples("gpu", List.of(Sample.of(local, clock.millis(), 5)));
            assertEquals(2, rollups.flushAll(), "the local GPU's 10 s and 1 min buckets only");
            assertEquals(List.of(local), rollups.metricIds());
        }
    }

    @Test
    void aDatabaseWrittenByANewerVigilIsRefusedWithAMessage() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            db.migrate("future", List.of("CREATE TABLE a(x)", "CREATE TABLE b(x)"));
            StoreException e = assertThrows(StoreException.class, () -> db.migrate("future", List.of("CREATE TABLE a(x)")));
            assertTrue(e.getMessage().contains("newer Vigil"), e.getMessage());
        }
    }

    @Test
    void usesWriteAheadLogging() throws Exception {
        Path file = dir.resolve("vigil.db");
        try (Database db = Database.open(file)) {
            String mode = db.read(c -> {
                try (var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertEquals("wal", mode);
        }
        assertTrue(Files.exists(file));
    }
}
