package io.vigil.bench;

import io.vigil.telemetry.RingSeries;
import io.vigil.telemetry.SeriesPoints;
import io.vigil.telemetry.SeriesStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * the targets (docs/targets.md): a 24 h window of 1 s samples read back downsampled to 2,000 points in under 1 ms, with
 * a plain min/max scan of the same number of doubles as the limit; and the append rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class SeriesStoreBench {

    private RingSeries day;
    private double[] plain;
    private long t;

    @Setup
    public void fill() {
        day = new RingSeries(SeriesStore.DAY_OF_SECONDS);
        plain = new double[SeriesStore.DAY_OF_SECONDS];
        // Start part-way so the ring has wrapped, as it has after a day of running.
        for (int i = 0; i < SeriesStore.DAY_OF_SECONDS + 12_345; i++) {
            double v = 50 + 40 * Math.sin(i / 600.0) + (i % 977 == 0 ? 30 : 0);
            day.append(i * 1000L, v);
            plain[i % plain.length] = v;
        }
        t = (SeriesStore.DAY_OF_SECONDS + 12_345) * 1000L;
    }

    @Benchmark
    public SeriesPoints downsampleDayTo2000() {
        return day.readDownsampled(Long.MIN_VALUE, Long.MAX_VALUE, 2000);
    }

    /** The limit: touching every value of a day once, as any exact downsampler must. */
    @Benchmark
    public double plainScanOfADay() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : plain) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean appendToAFullRing() {
        t += 1000;
        return day.append(t, 42);
    }
}
