package io.vigil.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetMetric;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.telemetry.SeriesPoints;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The demo fleet: its shape, its night (miners, a DOWN node), and history that agrees with the readings. */
class ScenarioFleetReaderTest {

    private final Scenario scenario = ScenarioFile.builtInDemo();
    private final ScenarioFleetReader reader = new ScenarioFleetReader(scenario);

    ScenarioFleetReaderTest() throws ScenarioException {
    }

    private FleetSnapshot at(Duration offset) {
        return reader.read(scenario.start().plus(offset));
    }

    private static FleetNode node(FleetSnapshot s, String name) {
        return s.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void hasTwentyFourNodesOfEightGpusInThreeClustersWithKubernetesLabels() {
        FleetSnapshot s = at(Duration.ofHours(1));
        assertEquals(24, s.nodes().size());
        assertTrue(s.nodes().stream().allMatch(n -> n.gpus().size() == 8 && n.health() == NodeHealth.UP));
        Set<String> clusters = s.nodes().stream().map(n -> n.labels().get("cluster")).collect(Collectors.toSet());
        assertEquals(3, clusters.size());
        assertEquals(24 * 8, s.gpus().stream().map(FleetGpu::uuid).distinct().count(), "UUIDs are unique");
        assertTrue(s.gpus().stream().anyMatch(g -> "llm".equals(g.labels().get("namespace"))
                && g.processes().getFirst().name().equals("torchrun")));
    }

    @Test
    void nobodyMinesBeforeTheLocalIncidentAndTrainingStaysUnderTheTemperatureWarning() {
        for (Duration d = Duration.ZERO; d.compareTo(Duration.ofHours(4).plusMinutes(13)) < 0; d = d.plusMinutes(7)) {
            FleetSnapshot s = at(d);
            assertTrue(s.gpus().stream().flatMap(g -> g.processes().stream()).noneMatch(p -> p.name().equals("xmrig")), "at " + d);
            assertTrue(s.gpus().stream().allMatch(g -> g.temperatureC().getAsDouble() < 85), "at " + d);
            assertTrue(s.nodes().stream().allMatch(n -> n.health() == NodeHealth.UP), "at " + d);
        }
    }

    @Test
    void twoNodesMineHotAtNightAndOneNodeIsDownWithItsError() {
        FleetSnapshot s = at(Duration.ofHours(5).plusMinutes(30));
        for (String miner : List.of(ScenarioFleetReader.MINER_NODE_1, ScenarioFleetReader.MINER_NODE_2)) {
            for (FleetGpu g : node(s, miner).gpus()) {
                assertTrue(g.utilizationPercent().getAsDouble() >= 99, miner + " " + g);
                assertTrue(g.powerPercentOfLimit().getAsDouble() > 90, miner + " near its power limit");
                assertTrue(g.temperatureC().getAsDouble() >= 85, miner + " hot");
                assertEquals("xmrig", g.processes().getFirst().name());
            }
        }
        double hottestOther = s.nodes().stream()
                .filter(n -> !n.name().equals(ScenarioFleetReader.MINER_NODE_1) && !n.name().equals(ScenarioFleetReader.MINER_NODE_2))
                .flatMap(n -> n.gpus().stream()).mapToDouble(g -> g.temperatureC().getAsDouble()).max().orElseThrow();
        assertTrue(hottestOther < 85, "only the miners are hot: " + hottestOther);
        FleetNode down = node(s, ScenarioFleetReader.DOWN_NODE);
        assertEquals(NodeHealth.DOWN, down.health());
        assertTrue(down.gpus().isEmpty(), "no stale readings");
        assertTrue(down.lastError().contains("no route to host"), down.lastError());
        assertEquals(scenario.start().plus(Duration.ofHours(5)).toEpochMilli(), down.lastScrapeMillis());
        assertEquals(NodeHealth.UP, node(at(Duration.ofHours(8)), ScenarioFleetReader.DOWN_NODE).health(), "back later");
    }

    @Test
    void readsAreDeterministicAndHistoryAgreesWithThem() {
        Instant t = scenario.start().plus(Duration.ofHours(6));
        assertEquals(reader.read(t), reader.read(t));
        FleetGpu g = node(reader.read(t), ScenarioFleetReader.MINER_NODE_1).gpus().get(2);
        SeriesPoints h = reader.history(g.node(), g.uuid(), FleetMetric.TEMPERATURE, t.minus(Duration.ofHours(3)), t, 600);
        assertTrue(h.size() > 100 && h.size() <= 600, "at most maxPoints: " + h.size());
        assertEquals(t.toEpochMilli(), h.lastTime());
        assertEquals(g.temperatureC().getAsDouble(), h.lastValue(), 1e-9);
        assertTrue(h.min() < 70, "before mining began the GPU was idle and cool: " + h.min());

        FleetNode downNode = node(reader.read(scenario.start().plus(Duration.ofHours(4))), ScenarioFleetReader.DOWN_NODE);
        String uuid = downNode.gpus().getFirst().uuid();
        SeriesPoints across = reader.history(ScenarioFleetReader.DOWN_NODE, uuid, FleetMetric.UTILIZATION,
                scenario.start().plus(Duration.ofHours(4)), scenario.start().plus(Duration.ofHours(8)), 4 * 60);
        for (int i = 1; i < across.size(); i++) {
            long gap = across.times()[i] - across.times()[i - 1];
            if (gap > Duration.ofMinutes(2).toMillis()) {
                assertTrue(gap >= Duration.ofHours(2).toMillis(), "the DOWN stretch is a gap in its history");
                return;
            }
        }
        throw new AssertionError("no gap while the node was DOWN");
    }
}
