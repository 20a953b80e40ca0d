package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FakeExporter;
import io.vigil.fleet.FleetFixture;
import io.vigil.fleet.FleetSource;
import io.vigil.fleet.prometheus.ExporterMapping;
import io.vigil.fleet.prometheus.PrometheusClient;
import io.vigil.fleet.prometheus.PrometheusFleetReader;
import io.vigil.fleet.prometheus.RequestAuth;
import io.vigil.host.HostSnapshot;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.Source;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules over a real Prometheus scraping three nodes' exporters in their real text format
 * ({@link FleetFixture}): the shipped default rules plus PromQL rules, evaluated by the same
 * graph the app builds (fleet source and PromQL poller into the series store, the evaluator with the
 * fleet snapshot). Waits are on conditions with the harness's generous deadline.
 */
class FleetRulesPrometheusTest {

    /** The node whose nvidia_gpu_exporter reports {@code /tmp/.x/xmrig} as pid 31337 on its second GPU. */
    static final String MINER_NODE = "127.0.0.3";

    static final String EXTRA_RULES = """

              - id: lab-gpu-busy
                promql: 'sum by (cluster) (DCGM_FI_DEV_GPU_UTIL)'
                reducer: last
                window: 30s
                critical: 150
                clear: 120

              - id: lab-typo
                promql: 'no_such_function(up)'
                warning: 1

              - id: node-silent
                detector: source_down
                critical: 1

              - id: fleet-temperature-missing
                metric: gpu.temperature_c{node="*",gpu="*"}
                reducer: last
                window: 5s
                critical: 200
                no_data: alerting
            """;

    FleetFixture fixture;
    FleetSource fleet;
    PromQlRuleSource promql;
    SeriesStore store;
    Evaluator evaluator;
    Evaluation last;

    @BeforeEach
    void start() throws Exception {
        fixture = new FleetFixture();
        PrometheusClient client = new PrometheusClient("lab", fixture.prometheus.url(), HttpClient.newHttpClient(),
                RequestAuth.NONE, Duration.ofSeconds(20));
        PrometheusFleetReader reader = new PrometheusFleetReader(client, ExporterMapping.builtIn());
        List<Rule> rules = new RuleFile().parse("rules.yaml", RuleRepository.defaultText() + EXTRA_RULES);
        fleet = new FleetSource(reader, Duration.ofSeconds(1));
        promql = new PromQlRuleSource(reader.promQl(), () -> rules, Duration.ofSeconds(1));
        store = new SeriesStore(100_000);
        evaluator = new Evaluator(Clock.systemUTC(), MetricReader.of(store),
                new DetectorInputs(() -> HostSnapshot.EMPTY, List::of, List::of, Signatures.builtIn())
                        .withFleet(fleet::latest).withPromQl(promql));
        evaluator.setRules(rules);
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** Polls both sources into the store and evaluates, until {@code condition} holds on the evaluation. */
    void cycleUntil(String what, Predicate<Evaluation> condition) {
        fixture.prometheus.await(what, () -> {
            for (Source s : List.of(fleet, promql)) {
                try {
                    PollResult r = s.poll(Clock.systemUTC().instant());
                    r.samples().forEach(store::append);
                } catch (Exception e) {
                    // A source that fails is DOWN in the app; the rules then see its error or no data.
                }
            }
            last = evaluator.tick();
            return condition.test(last);
        });
    }

    static List<RuleInstance> of(Evaluation ev, String ruleId) {
        return ev.active().stream().filter(i -> i.ruleId().equals(ruleId)).toList();
    }

    @Test
    void aMinerOnOneNodeFiresForThatNodeOnlyAndAPromQlRuleFiresAndResolves() {
        cycleUntil("miner-signature for the xmrig on " + MINER_NODE, ev -> !of(ev, "miner-signature").isEmpty());
        List<RuleInstance> miners = of(last, "miner-signature");
        assertEquals(1, miners.size(), miners.toString());
        RuleInstance m = miners.getFirst();
        assertEquals(MINER_NODE, m.labels().get("node"));
        assertEquals("31337", m.labels().get("pid"));
        assertEquals("/tmp/.x/xmrig", m.labels().get("name"));
        assertEquals("GPU-b0b0b0b0-0000-4000-8000-00000000000b", m.labels().get("gpu"), "the miner's GPU, by UUID");
        assertEquals(Severity.CRITICAL, m.severity());
        assertTrue(m.subject().startsWith("node " + MINER_NODE + " / GPU GPU-b0b0b0b0-"), m.subject());
        assertEquals(3, fleet.latest().nodes().size(), "gpu-a and gpu-c were read and are clean");

        cycleUntil("lab-gpu-busy firing at 0 + 97 + 100", ev -> of(ev, "lab-gpu-busy").stream()
                .anyMatch(i -> i.phase() == InstancePhase.FIRING));
        RuleInstance busy = of(last, "lab-gpu-busy").getFirst();
        assertEquals(java.util.Map.of("cluster", "lab"), busy.identity());
        assertEquals(197, busy.value(), 1e-9);
        RuleStatus typo = last.statuses().get("lab-typo");
        assertEquals("error", typo.state());
        assertTrue(typo.lastError().startsWith("rule lab-typo: Prometheus refused the expression (bad_data)"),
                typo.lastError());
        assertTrue(typo.lastError().contains("no_such_function"), typo.lastError());

        // gpu-c's GPU goes idle: 97 in all, below the clear threshold.
        fixture.dcgmC.setText(FakeExporter.fixture("dcgm-exporter-gpu-c.metrics")
                .replaceAll("(?m)^(DCGM_FI_DEV_GPU_UTIL\\{.*}) 100$", "$1 0"));
        cycleUntil("lab-gpu-busy resolved", ev -> of(ev, "lab-gpu-busy").isEmpty());
        assertEquals(1, of(last, "miner-signature").size(), "the miner is still there");
    }

    @Test
    void aNodeWhoseExporterStopsRaisesSourceDownForItAndNoNoDataAlertsForItsGpus() {
        cycleUntil("every GPU temperature known, the miner seen",
                ev -> !of(ev, "miner-signature").isEmpty() && store.ids().stream()
                        .filter(id -> id.name().equals("gpu.temperature_c") && id.label("node") != null).count() == 5);
        assertTrue(of(last, "fleet-temperature-missing").isEmpty(), last.active().toString());
        assertTrue(of(last, "node-silent").isEmpty(), last.active().toString());

        fixture.smiB.stop();
        cycleUntil("node-silent for " + MINER_NODE, ev -> !of(ev, "node-silent").isEmpty());
        // Until its GPUs' 5 s windows have run empty while the node stays down.
        cycleUntil("no recent temperature from " + MINER_NODE, ev -> store.ids().stream()
                .filter(id -> id.name().equals("gpu.temperature_c") && MINER_NODE.equals(id.label("node")))
                .allMatch(id -> store.read(id, System.currentTimeMillis() - 6_000, System.currentTimeMillis() + 1,
                        10).isEmpty()));
        List<RuleInstance> down = of(last, "node-silent");
        assertEquals(1, down.size(), down.toString());
        assertEquals(MINER_NODE, down.getFirst().labels().get("node"));
        assertEquals("fleet", down.getFirst().labels().get("source"));
        assertEquals(List.of(), of(last, "fleet-temperature-missing"),
                "its GPUs went silent with the node: no no-data alert for each");
        assertEquals(1, of(last, "miner-signature").size(), "the miner was not seen to stop");

        fixture.smiB.restart();
        cycleUntil("node " + MINER_NODE + " back", ev -> of(ev, "node-silent").isEmpty());
    }
}
