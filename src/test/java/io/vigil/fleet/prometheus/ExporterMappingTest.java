package io.vigil.fleet.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.prometheus.ExporterMapping.GpuField;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExporterMappingTest {

    @Test
    void everyExportersUuidBecomesNvmlsForm() {
        assertEquals("GPU-b0b0b0b0-0000-4000-8000-00000000000a",
                ExporterMapping.normaliseUuid("B0B0B0B0-0000-4000-8000-00000000000A"), "nvidia_gpu_exporter, no prefix");
        assertEquals("GPU-a6158b59-3c0e", ExporterMapping.normaliseUuid("GPU-A6158B59-3C0E"), "dcgm-exporter");
        assertEquals("GPU-a6158b59-3c0e", ExporterMapping.normaliseUuid("gpu-a6158b59-3c0e"));
        assertEquals("MIG-5c1d", ExporterMapping.normaliseUuid("MIG-5C1D"), "MIG instances keep their prefix");
        assertEquals("", ExporterMapping.normaliseUuid("  "));
    }

    @Test
    void theBuiltInMappingCoversDcgmNvidiaSmiAndNodeExporter() {
        ExporterMapping m = ExporterMapping.builtIn();
        List<String> names = m.gaugeNames();
        assertTrue(names.containsAll(List.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_XID_ERRORS",
                "nvidia_smi_utilization_gpu_ratio", "nvidia_smi_gpu_info", "nvidia_smi_compute_app_info",
                "node_memory_MemTotal_bytes")), names.toString());
        assertTrue(m.gaugeSelector().startsWith("{__name__=~\"DCGM_FI_DEV_GPU_UTIL|"), m.gaugeSelector());
        assertEquals(3, m.nodeExpressions().size());
        assertEquals(List.of("Hostname", "hostname", "node"), m.nodeLabels());
        assertEquals(List.of("exported_pod", "pod", "pod_name"), m.keptLabels().get("pod"));
        for (FleetMetric metric : FleetMetric.values()) {
            GpuField f = GpuField.of(metric);
            assertTrue(m.gpuMetrics().stream().anyMatch(r -> r.field() == f), "some exporter gives " + metric);
        }
        double ratioScale = m.gpuMetrics().stream().filter(r -> r.metric().equals("nvidia_smi_utilization_gpu_ratio"))
                .findFirst().orElseThrow().scale();
        assertEquals(100, ratioScale);
    }

    @Test
    void aBadMappingSaysWhereAndWhatWasExpected() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExporterMapping.parse(
                yaml.readTree("gpu:\n  metrics:\n    - {field: utilisation, metric: DCGM_FI_DEV_GPU_UTIL}\n"), "mine.yaml"));
        assertTrue(e.getMessage().startsWith("mine.yaml: unknown field 'utilisation'"), e.getMessage());
        assertTrue(e.getMessage().contains("utilizationPercent"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ExporterMapping.parse(
                yaml.readTree("gpu:\n  metrics:\n    - {field: temperatureC, metric: 'x\"} or vector(1)'}\n"), "mine.yaml"));
        assertTrue(e.getMessage().contains("is not a Prometheus metric name"), e.getMessage());
    }
}
