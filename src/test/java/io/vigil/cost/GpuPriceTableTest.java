package io.vigil.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in price table, the analyst's override file laid over it, and what a bad file gets. */
class GpuPriceTableTest {

    @TempDir
    Path dir;

    @Test
    void theBuiltInTableDividesTheInstancePriceByItsGpus() {
        GpuPriceTable t = GpuPriceTable.builtIn();
        assertEquals(55.04 / 8, t.lookup("p5.48xlarge").orElseThrow().usdPerGpuHour(), 1e-9);
        assertEquals(8, t.lookup("P4D.24xlarge").orElseThrow().gpus(), "case-insensitive");
        assertEquals(5.672 / 4, t.lookup("g5.12xlarge").orElseThrow().usdPerGpuHour(), 1e-9);
        for (String type : new String[] {"p3.2xlarge", "g6.xlarge", "g4dn.xlarge", "g5.xlarge"}) {
            assertTrue(t.lookup(type).isPresent(), type);
        }
        assertTrue(t.lookup("m7i.large").isEmpty());
        assertEquals("built-in", t.lookup("p5.48xlarge").orElseThrow().origin());
        assertTrue(!t.asOf().isEmpty() && !t.source().isEmpty(), "the table says when and where its prices are from");
    }

    @Test
    void theOverrideFileReplacesAndAddsEntries() throws Exception {
        Path file = dir.resolve(GpuPricing.FILE);
        Files.writeString(file, """
                asOf: "2026-03"
                instances:
                  p5.48xlarge: {gpus: 8, usdPerHour: 40}
                  dgx-rack-a: {usdPerGpuHour: 1.25, gpu: H100, note: amortised over 4 years}
                """);
        GpuPricing pricing = GpuPricing.load(dir);
        assertTrue(pricing.problem().isEmpty(), pricing.problem().toString());
        GpuPriceTable t = pricing.table();
        assertEquals(5.0, t.lookup("p5.48xlarge").orElseThrow().usdPerGpuHour(), 1e-9);
        assertEquals(file.toString(), t.lookup("p5.48xlarge").orElseThrow().origin());
        assertEquals(1.25, t.lookup("dgx-rack-a").orElseThrow().usdPerGpuHour(), 1e-9);
        assertEquals(21.96 / 8, t.lookup("p4d.24xlarge").orElseThrow().usdPerGpuHour(), 1e-9, "others stay built in");
        assertEquals("2026-03", t.asOf());
    }

    @Test
    void badInputNamesFileLineAndColumn() {
        assertProblem("instances:\n  p5.48xlarge: {gpus: 8, usdPerHour: lots}\n", ":2:38:", "usdPerHour: expected a price");
        assertProblem("instances:\n  p5.48xlarge: {gpus: 8, usdPerHour: 10}\n  g5.xlarge: {gpu: A10G}\n", ":3:3:",
                "g5.xlarge: expected gpus and usdPerHour, or usdPerGpuHour");
        assertProblem("instances:\n  p5.48xlarge:\n    gpus: 8\n    usdPerHuor: 10\n", ":4:5:", "unknown key 'usdPerHuor'");
        assertProblem("instance:\n  p5.48xlarge: {gpus: 8, usdPerHour: 10}\n", ":1:1:", "unknown key 'instance'");
        assertProblem("instances:\n  p5.48xlarge: {gpus: 0, usdPerHour: 10}\n", ":2:23:", "gpus: expected a whole number");
        assertProblem("instances:\n  p5.48xlarge: {gpus: 8, usdPerHour: -3}\n", ":2:38:", "from 0 to 10000");
        assertProblem("instances:\n  a: {usdPerGpuHour: 1}\n  a: {usdPerGpuHour: 2}\n", ":3:3:", "listed twice");
        assertProblem("instances: [p5.48xlarge]\n", ":1:12:", "expected a mapping of instance type");
        assertProblem("instances:\n  p5: {gpus: 8, usdPerHour: 10\n", "gpu-pricing.yaml:", "not valid YAML");
    }

    private static void assertProblem(String yaml, String where, String what) {
        PriceFileException e = assertThrows(PriceFileException.class,
                () -> GpuPriceTable.parse(yaml, "gpu-pricing.yaml", "test"));
        assertTrue(e.getMessage().startsWith("gpu-pricing.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains(where), "expected " + where + " in: " + e.getMessage());
        assertTrue(e.getMessage().contains(what), "expected '" + what + "' in: " + e.getMessage());
    }

    @Test
    void aBrokenEditKeepsTheLastGoodPricesUntilItIsFixed() throws Exception {
        Path file = dir.resolve(GpuPricing.FILE);
        Files.writeString(file, "instances:\n  p5.48xlarge: {gpus: 8, usdPerHour: 40}\n");
        GpuPricing pricing = GpuPricing.load(dir);
        assertEquals(5.0, pricing.table().lookup("p5.48xlarge").orElseThrow().usdPerGpuHour(), 1e-9);

        Files.writeString(file, "instances:\n  p5.48xlarge: {gpus: 8, usdPerHour: forty}\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        pricing.refresh();
        assertEquals(5.0, pricing.table().lookup("p5.48xlarge").orElseThrow().usdPerGpuHour(), 1e-9, "last good kept");
        String problem = pricing.problem().orElseThrow();
        assertTrue(problem.startsWith(file + ":2:38:") && problem.contains("last good prices stay in force"), problem);

        Files.writeString(file, "instances:\n  p5.48xlarge: {gpus: 8, usdPerHour: 48}\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        pricing.refresh();
        assertTrue(pricing.problem().isEmpty());
        assertEquals(6.0, pricing.table().lookup("p5.48xlarge").orElseThrow().usdPerGpuHour(), 1e-9);

        Files.delete(file);
        pricing.refresh();
        assertEquals(55.04 / 8, pricing.table().lookup("p5.48xlarge").orElseThrow().usdPerGpuHour(), 1e-9,
                "no file: the built-in prices");
    }

    @Test
    void aBrokenFileAtStartMeansTheBuiltInPricesAndAMessage() throws Exception {
        Files.writeString(dir.resolve(GpuPricing.FILE), "instances:\n  p5.48xlarge: {gpus: 8}\n");
        GpuPricing pricing = GpuPricing.load(dir);
        assertEquals(55.04 / 8, pricing.table().lookup("p5.48xlarge").orElseThrow().usdPerGpuHour(), 1e-9);
        assertTrue(pricing.problem().orElseThrow().contains(":2:3: p5.48xlarge: expected gpus and usdPerHour"),
                pricing.problem().toString());
    }
}
