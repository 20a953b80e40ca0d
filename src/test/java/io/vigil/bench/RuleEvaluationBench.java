package io.vigil.bench;

import io.vigil.rules.DetectorInputs;
import io.vigil.rules.Evaluation;
import io.vigil.rules.Evaluator;
import io.vigil.rules.MetricReader;
import io.vigil.rules.RuleFile;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One evaluation tick of 1,000 rules over 1,000 series, each series holding 10 minutes of 1 s
 * samples. {@code shape}: "one-each" = every rule watches its own series (avg over 1m, for 2m,
 * clear threshold); "mixed" = a quarter each of avg/1m, max/5m, rate_of_change/5m and anomaly_z/5m.
 * Run: see docs/bench/rules.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuleEvaluationBench {

    static final int SERIES = 1000;
    static final int RULES = 1000;

    @Param({"one-each", "mixed"})
    public String shape;

    private Evaluator evaluator;

    @Setup
    public void setup() throws Exception {
        Instant now = Instant.parse("2026-03-02T12:00:00Z");
        SeriesStore store = new SeriesStore(3600);
        Random rnd = new Random(1);
        for (int s = 0; s < SERIES; s++) {
            MetricId id = MetricId.of("gpu.utilization", "gpu", Integer.toString(s));
            for (int t = 600; t >= 0; t--) {
                store.append(id, now.minusSeconds(t).toEpochMilli(), 50 + rnd.nextGaussian() * 20);
            }
        }
        StringBuilder yaml = new StringBuilder("rules:\n");
        String[] kinds = {"reducer: avg\n    window: 1m", "reducer: max\n    window: 5m",
                "condition: rate_of_change\n    window: 5m", "condition: anomaly_z\n    window: 5m"};
        for (int r = 0; r < RULES; r++) {
            String kind = shape.equals("mixed") ? kinds[r % 4] : kinds[0];
            yaml.append("  - id: r").append(r).append('\n')
                    .append("    metric: gpu.utilization{gpu=\"").append(r % SERIES).append("\"}\n")
                    .append("    ").append(kind).append('\n')
                    .append("    warning: 80\n    critical: 95\n    clear: 70\n    for: 2m\n");
        }
        evaluator = new Evaluator(Clock.fixed(now, ZoneOffset.UTC), MetricReader.of(store), DetectorInputs.none());
        evaluator.setRules(new RuleFile().parse("bench", yaml.toString()));
    }

    @Benchmark
    public Evaluation tick() {
        return evaluator.tick();
    }

    /** Prints one tick's time without JMH, for a quick look. */
    public static void main(String[] args) throws Exception {
        RuleEvaluationBench b = new RuleEvaluationBench();
        b.shape = args.length > 0 ? args[0] : "one-each";
        b.setup();
        for (int i = 0; i < 200; i++) {
            b.tick();
        }
        long t0 = System.nanoTime();
        int n = 200;
        for (int i = 0; i < n; i++) {
            b.tick();
        }
        System.out.printf("%s: %.3f ms per tick%n", b.shape, (System.nanoTime() - t0) / 1e6 / n);
        System.out.println(Duration.ofNanos(System.nanoTime() - t0));
    }
}
