package io.vigil.bench;

import io.vigil.store.Database;
import io.vigil.store.RollupStore;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.SeriesStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The targets' 7-day accelerated soak (docs/targets.md, docs/bench/soak.md): simulated days on a
 * manual clock through the real {@link SeriesStore}, {@link RollupStore} and a SQLite file, with
 * one new GPU process a second (each lives {@value #PROCESS_LIFE_S} s, memory sampled every second)
 * and one new container veth a minute (each lives {@value #VETH_LIFE_S} s, rx/tx every 2 s), next
 * to a few series that live all week. Roll-ups are flushed every simulated
 * {@value #FLUSH_EVERY_S} s (the app: every 10 s of wall time; coarser here only so 7 days run in
 * minutes, the rows written are the same) and pruned hourly, as the app does. Every simulated hour
 * it records heap used after GC and the database size (file + WAL).
 *
 * <p>Run: {@code ./mvnw -Pbench verify -Dbench=soak} (optionally {@code -Dsoak.days=N}).
 */
final class SoakBench {

    static final int PROCESS_LIFE_S = 60;
    static final int VETH_LIFE_S = 600;
    static final int FLUSH_EVERY_S = 300;

    record Hour(int hour, double heapMiB, double dbMiB, int series, long rows) {
    }

    static List<Hour> run(int days, Path dir) throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T00:00:00Z"));
        Path file = dir.resolve("soak.db");
        List<Hour> out = new ArrayList<>();
        SeriesStore series = new SeriesStore();
        try (Database db = Database.open(file)) {
            RollupStore rollups = new RollupStore(db, clock);
            List<MetricId> steady = List.of(MetricId.of("host.cpu.percent"),
                    MetricId.of("gpu.utilization_percent", "gpu", "0"));
            long start = clock.millis();
            int seconds = days * 86_400;
            List<Sample> batch = new ArrayList<>();
            for (int s = 0; s < seconds; s++) {
                long t = start + s * 1000L;
                clock.set(Instant.ofEpochMilli(t));
                batch.clear();
                for (MetricId id : steady) {
                    batch.add(Sample.of(id, t, s % 100));
                }
                // GPU processes: pid s-59 … s are alive.
                for (int pid = Math.max(0, s - PROCESS_LIFE_S + 1); pid <= s; pid++) {
                    batch.add(Sample.of(MetricId.of("gpu.process.memory_bytes", "gpu", Integer.toString(pid % 4),
                            "pid", Integer.toString(100_000 + pid)), t, 1 << 30));
                }
                if (s % 2 == 0) {
                    int newest = s / 60;
                    for (int v = Math.max(0, newest - VETH_LIFE_S / 60 + 1); v <= newest; v++) {
                        String name = String.format(Locale.ROOT, "veth%07x", v);
                        batch.add(Sample.of(MetricId.of("host.net.if.rx_bytes_per_s", "if", name), t, 1000));
                        batch.add(Sample.of(MetricId.of("host.net.if.tx_bytes_per_s", "if", name), t, 1000));
                    }
                }
                series.onSamples("soak", batch);
                rollups.onSamples("soak", batch);
                if ((s + 1) % FLUSH_EVERY_S == 0) {
                    rollups.flush();
                }
                if ((s + 1) % 3600 == 0) {
                    rollups.prune();
                    long rows = db.read(c -> {
                        try (var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM rollup")) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    });
                    out.add(new Hour((s + 1) / 3600, usedHeapAfterGc() / 1048576.0, dbBytes(file) / 1048576.0,
                            series.seriesCount(), rows));
                }
            }
        }
        return out;
    }

    private static long dbBytes(Path file) throws IOException {
        long total = 0;
        for (String suffix : List.of("", "-wal")) {
            Path p = Path.of(file + suffix);
            if (Files.exists(p)) {
                total += Files.size(p);
            }
        }
        return total;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Prints the hourly table (every 6th hour) and a verdict; fails when heap or database keeps growing. */
    static void main() throws Exception {
        int days = Integer.getInteger("soak.days", 7);
        Path dir = Files.createTempDirectory("vigil-soak");
        long t0 = System.nanoTime();
        List<Hour> hours = run(days, dir);
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "soak: %d simulated days in %.0f s of wall time%n", days, wall);
        System.out.println("| hour | heap after GC (MiB) | database + WAL (MiB) | live series | roll-up rows |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (Hour h : hours) {
            if (h.hour() % 6 == 0 || h.hour() == 1) {
                System.out.printf(Locale.ROOT, "| %d | %.1f | %.2f | %d | %d |%n", h.hour(), h.heapMiB(), h.dbMiB(),
                        h.series(), h.rows());
            }
        }
        // Flat: after the first day (rings and the 10 s roll-ups reach their steady size by 48 h) the
        // heap does not grow, and the database grows only by the steady series' 1 min roll-ups.
        Hour day1 = hours.get(Math.min(hours.size() - 1, 23));
        Hour last = hours.getLast();
        double heapMax = hours.stream().skip(24).mapToDouble(Hour::heapMiB).max().orElse(day1.heapMiB());
        System.out.printf(Locale.ROOT, "heap: %.1f MiB at hour 24, at most %.1f MiB after, %.1f MiB at the end%n",
                day1.heapMiB(), heapMax, last.heapMiB());
        System.out.printf(Locale.ROOT, "database: %.2f MiB at hour 24, %.2f MiB at the end; %d live series at the end%n",
                day1.dbMiB(), last.dbMiB(), last.series());
        if (heapMax > day1.heapMiB() + 16) {
            throw new AssertionError("heap grew by more than 16 MiB after the first day");
        }
        if (last.series() > 2 + PROCESS_LIFE_S + SeriesStore.EPHEMERAL_SPAN.toSeconds() + 2 * 30 + 60) {
            throw new AssertionError("series are not freed: " + last.series());
        }
    }
}
