package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.host.HostSnapshot;
import io.vigil.rules.DetectorInputs;
import io.vigil.rules.Evaluator;
import io.vigil.rules.MetricReader;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.RuleRepository;
import io.vigil.rules.Signatures;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.SeriesStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet alert's labels reach {@code isolate-k8s-workload} as node, namespace and the pod's
 * Deployment; a remote exporter's hostile values are refused by the parameter types before anything
 * runs; a remote pid never binds to a local pid parameter.
 */
class FleetAlertPlaybookTest {

    static final String UUID = "GPU-bbbb0000-0000-0000-0000-000000000000";

    @TempDir
    Path dir;
    Rig rig;
    PlaybookCatalog catalog;
    Playbook isolate;

    @BeforeEach
    void setUp() throws Exception {
        rig = new Rig(dir);
        catalog = PlaybookCatalog.load(rig.reader, null);
        isolate = catalog.find("isolate-k8s-workload").orElseThrow();
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    /** The default miner-signature rule's alert for {@code process} on node {@code node}. */
    static RuleInstance minerAlert(String node, FleetProcess process) throws Exception {
        Rule miner = new io.vigil.rules.RuleFile().parse("default", RuleRepository.defaultText()).stream()
                .filter(r -> r.id().equals("miner-signature")).findFirst().orElseThrow();
        FleetGpu gpu = new FleetGpu(node, UUID, 0, "H100", Map.of(), OptionalDouble.of(99), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), List.of(process));
        FleetSnapshot fleet = new FleetSnapshot(0, "test", List.of(new FleetNode(node, Map.of(), NodeHealth.UP, "", 1,
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), List.of(gpu))), List.of());
        Evaluator e = new Evaluator(new ManualClock(Instant.parse("2026-03-02T12:00:00Z")), MetricReader.of(new SeriesStore(10)),
                new DetectorInputs(() -> HostSnapshot.EMPTY, List::of, List::of, Signatures.builtIn()).withFleet(() -> fleet));
        e.setRules(List.of(miner));
        List<RuleInstance> active = e.tick().active();
        assertEquals(1, active.size(), active.toString());
        return active.getFirst();
    }

    @Test
    void aFleetMinerAlertSuggestsIsolatingItsWorkloadAndTheRunIsolatesExactlyIt() throws Exception {
        RuleInstance alert = minerAlert("gpu-node-7", new FleetProcess(4711, "xmrig", OptionalLong.empty(),
                "llm-api-5d9c7f8b6d-x2k9z", "ml-prod", "api"));
        Rule rule = new io.vigil.rules.RuleFile().parse("default", RuleRepository.defaultText()).stream()
                .filter(r -> r.id().equals("miner-signature")).findFirst().orElseThrow();
        assertEquals("isolate-k8s-workload", rule.playbookFor(alert.labels()), "a fleet alert: the Kubernetes playbook");
        assertEquals("gpu-miner-triage", rule.playbookFor(Map.of("pid", "4711")), "a local alert keeps its playbook");

        Map<String, String> context = AlertContext.forPlaybook(alert.labels());
        assertFalse(context.containsKey("pid"), "pid 4711 is gpu-node-7's, not this machine's");
        rig.recorder("kubectl", "exit 0");
        RunPlan plan = rig.runner.plan(isolate, Map.of(), context);
        assertEquals(Map.of("name", "llm-api", "namespace", "ml-prod", "node", "gpu-node-7"), plan.parameters());
        RunResult r = rig.runner.run(plan, new RecordingListener(null), true);
        assertEquals(RunStatus.SUCCEEDED, r.status(), r.message());
        assertEquals(List.of(List.of("get", "deployment", "llm-api", "-n", "ml-prod", "-o", "yaml"),
                List.of("get", "pods", "-n", "ml-prod", "-o", "wide"),
                List.of("scale", "deployment", "llm-api", "--replicas=0", "-n", "ml-prod"),
                List.of("cordon", "gpu-node-7")), rig.calls("kubectl"));
    }

    @Test
    void aRemotePidNeverBindsToALocalProcessPlaybook() throws Exception {
        RuleInstance alert = minerAlert("gpu-node-7", new FleetProcess(1, "xmrig", OptionalLong.empty(), "", "", ""));
        Playbook kill = catalog.find("kill-process").orElseThrow();
        PlaybookException ex = assertThrows(PlaybookException.class,
                () -> rig.runner.plan(kill, Map.of(), AlertContext.forPlaybook(alert.labels())));
        assertTrue(ex.getMessage().contains("pid: a value is required"), ex.getMessage());
    }

    @Test
    void hostileLabelValuesFromARemoteExporterAreRefusedBeforeAnythingRuns() throws Exception {
        Path log = rig.recorder("kubectl", "exit 0");
        List<Map.Entry<String, Map<String, String>>> hostile = List.of(
                Map.entry("node", Map.of("node", "gpu-7;reboot", "pod", "web-5d9c7f8b6d-x2k9z", "namespace", "ml")),
                Map.entry("namespace", Map.of("node", "gpu-7", "pod", "web-5d9c7f8b6d-x2k9z", "namespace",
                        "--all-namespaces")),
                Map.entry("name", Map.of("node", "gpu-7", "pod", "Web$(id)-5d9c7f8b6d-x2k9z", "namespace", "ml")),
                Map.entry("node", Map.of("node", "gpu-7\nkubectl delete ns prod", "pod", "web-5d9c7f8b6d-x2k9z",
                        "namespace", "ml")),
                Map.entry("node", Map.of("node", "-x", "pod", "web-5d9c7f8b6d-x2k9z", "namespace", "ml")),
                Map.entry("namespace", Map.of("node", "gpu-7", "pod", "web-5d9c7f8b6d-x2k9z", "namespace", "ml prod")));
        for (var e : hostile) {
            Map<String, String> context = AlertContext.forPlaybook(e.getValue());
            PlaybookException ex = assertThrows(PlaybookException.class, () -> rig.runner.plan(isolate, Map.of(), context),
                    e.getValue().toString());
            assertTrue(ex.getMessage().startsWith(e.getKey() + ": "), ex.getMessage());
        }
        assertFalse(Files.exists(log), "kubectl never ran");
    }

    @Test
    void aPodWithoutADeploymentShapeLeavesTheNameForTheAnalyst() {
        Map<String, String> ctx = AlertContext.forPlaybook(Map.of("node", "n1", "pod", "miner-0", "namespace", "ml",
                "name", "xmrig", "pid", "7"));
        assertEquals(Map.of("node", "n1", "pod", "miner-0", "namespace", "ml"), ctx,
                "a StatefulSet pod or a bare pod names no Deployment; the process name is not one either");
        assertEquals(Map.of("pid", "7", "name", "xmrig"), AlertContext.forPlaybook(Map.of("pid", "7", "name", "xmrig")),
                "local alerts are unchanged");
    }
}
