package io.vigil.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MetricIdTest {

    @Test
    void printsLabelsSortedAndParsesBack() {
        MetricId id = MetricId.of("gpu.utilization", "uuid", "GPU-1", "gpu", "0");
        assertEquals("gpu.utilization{gpu=\"0\",uuid=\"GPU-1\"}", id.toString());
        assertEquals(id, MetricId.parse(id.toString()));
    }

    @Test
    void escapesQuotesAndBackslashesInValues() {
        MetricId id = MetricId.of("x", "cmd", "a \"b\" \\c, d=e");
        assertEquals(id, MetricId.parse(id.toString()));
    }

    @Test
    void rejectsMalformedText() {
        assertThrows(IllegalArgumentException.class, () -> MetricId.parse("x{a=1}"));
        assertThrows(IllegalArgumentException.class, () -> MetricId.parse("x{a=\"1\""));
        assertThrows(IllegalArgumentException.class, () -> MetricId.of(" "));
    }
}
