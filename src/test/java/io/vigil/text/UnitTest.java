package io.vigil.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitTest {

    @Test
    void formatsEachUnitTheOneWay() {
        assertEquals("$1,521.25", Unit.USD.format(1521.25));
        assertEquals("-$3.10", Unit.USD.format(-3.1));
        assertEquals("$12.40/h", Unit.USD_PER_HOUR.format(12.4));
        assertEquals("1.5 GiB", Unit.BYTES.format(1.5 * 1024 * 1024 * 1024));
        assertEquals("512 B", Unit.BYTES.format(512));
        assertEquals("12.3 MiB/s", Unit.BYTES_PER_SECOND.format(12.3 * 1024 * 1024));
        assertEquals("85 °C", Unit.CELSIUS.format(85.2));
        assertEquals("2,443 W", Unit.WATTS.format(2443));
        assertEquals("97 %", Unit.PERCENT.format(97.4));
        assertEquals("—", Unit.WATTS.format(Double.NaN));
        assertEquals("100,000,000", Unit.NONE.format(1e8));
    }

    @Test
    void infersTheUnitFromTheMetricName() {
        assertEquals(Unit.BYTES, Unit.ofMetric("gpu.memory.used_bytes"));
        assertEquals(Unit.BYTES_PER_SECOND, Unit.ofMetric("host.net.tx_bytes_per_s"));
        assertEquals(Unit.CELSIUS, Unit.ofMetric("gpu.temperature_c"));
        assertEquals(Unit.WATTS, Unit.ofMetric("gpu.power_watts"));
        assertEquals(Unit.PERCENT, Unit.ofMetric("gpu.utilization"));
        assertEquals(Unit.USD, Unit.ofMetric("cost.daily.total"));
        assertEquals(Unit.USD_PER_HOUR, Unit.ofMetric("gpu.cost_per_hour"));
        assertEquals(Unit.NONE, Unit.ofMetric("cost.budget.pace_ratio"));
        assertEquals(Unit.NONE, Unit.ofMetric("host.processes.count"));
    }

    @Test
    void aMetricIdsLabelsDoNotHideItsUnit() {
        assertEquals(Unit.WATTS, Unit.ofMetric("gpu.power_watts{gpu=\"0\",node=\"a_c\"}"));
        assertEquals(Unit.BYTES, Unit.ofMetric("gpu.memory.used_bytes{gpu=\"3\"}"));
        assertEquals(Unit.USD, Unit.ofMetric("cost.daily{service=\"Amazon EC2\"}"));
        assertEquals(Unit.NONE, Unit.ofMetric(null));
    }

    @Test
    void byteTicksAreRoundInTheirPrefix() {
        double gib = 1024.0 * 1024 * 1024;
        Ticks t = Unit.BYTES.ticks(0, 70 * gib, 5);
        assertEquals(List.of("0 GiB", "32 GiB", "64 GiB", "96 GiB"), t.labels());
        assertEquals(32 * gib, t.step());
    }

    @Test
    void decimalTicksStepByOneTwoOrFive() {
        assertEquals(List.of("0 W", "100 W", "200 W", "300 W"), Unit.WATTS.ticks(3, 287, 5).labels());
        assertEquals(List.of("0 %", "20 %", "40 %", "60 %", "80 %", "100 %"),
                Unit.PERCENT.ticks(0, 100, 6).labels());
        assertEquals(List.of("$1,000", "$1,200", "$1,400", "$1,600"), Unit.USD.ticks(1010, 1521, 5).labels());
    }

    @Test
    void anEmptyOrFlatRangeStillGetsDistinctRoundTicks() {
        Ticks flat = Unit.NONE.ticks(1, 1, 5);
        assertEquals(flat.labels().size(), flat.labels().stream().distinct().count());
        Ticks none = Unit.PERCENT.ticks(Double.NaN, Double.NaN, 5);
        assertEquals(none.labels().size(), none.labels().stream().distinct().count());
    }

    @Test
    void timesAndDurationsHaveOneFormat() {
        Instant now = Instant.parse("2026-11-30T14:03:22Z");
        assertEquals("14:00:00", Durations.moment(Instant.parse("2026-11-30T14:00:00Z"), now, ZoneOffset.UTC));
        assertEquals("2026-11-29 23:10",
                Durations.moment(Instant.parse("2026-11-29T23:10:05Z"), now, ZoneOffset.UTC));
        assertEquals("3 min 20 s", Durations.compact(Duration.ofSeconds(200)));
        assertEquals("2 h 5 min", Durations.compact(Duration.ofMinutes(125)));
        assertEquals("850 ms", Durations.compact(Duration.ofMillis(850)));
    }
}
