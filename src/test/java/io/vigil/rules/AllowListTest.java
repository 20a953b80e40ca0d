package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ProcessInfo;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The allow-list matches what a process runs (its executable, or for python its script or module)
 * and whole arguments, never a piece of the command line; and a busy GPU is explained only when
 * every process on it is allowed.
 */
class AllowListTest {

    final Signatures sig = Signatures.builtIn();

    /** A process with its real argv and executable ("" when /proc/PID/exe cannot be read). */
    static ProcessInfo proc(int pid, String exe, String... argv) {
        String name = exe.isEmpty() ? argv[0].substring(argv[0].lastIndexOf('/') + 1)
                : exe.substring(exe.lastIndexOf('/') + 1);
        return new ProcessInfo(pid, 1, name, "ml", String.join(" ", argv), 90, 1 << 30, 0, List.of(argv), exe);
    }

    static final ProcessInfo VLLM_MODULE = proc(1200, "/usr/bin/python3.11",
            "python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "llama");
    static final ProcessInfo VLLM_SCRIPT = proc(1201, "/usr/bin/python3.11",
            "/usr/bin/python3", "/usr/local/bin/vllm", "serve", "llama");
    static final ProcessInfo KERNEL = proc(1300, "/opt/conda/bin/python3.10",
            "/opt/conda/bin/python", "-m", "ipykernel_launcher", "-f", "/root/.local/share/jupyter/runtime/kernel-1.json");
    static final ProcessInfo TRITON = proc(1400, "/opt/tritonserver/bin/tritonserver",
            "tritonserver", "--model-repository=/models");
    /** The example: a miner whose config file sits in a folder named like an allowed workload. */
    static final ProcessInfo XMRIG_IN_JUPYTER_DIR = proc(4711, "/tmp/.x/xmrig",
            "xmrig", "--config", "/srv/jupyter/c.json");

    @Test
    void aMinerIsNotAllowedBecauseAnAllowedNameAppearsInItsArguments() {
        assertFalse(ProcessDetectors.allowed(XMRIG_IN_JUPYTER_DIR, sig), "jupyter only in a path argument");
        assertFalse(ProcessDetectors.allowed(proc(4712, "/tmp/.x/xmrig", "xmrig", "--url", "vllm"), sig),
                "a whole argument naming an allowed program is still not the program");
        assertFalse(ProcessDetectors.allowed(proc(4713, "/usr/bin/python3.11", "python3", "train.py", "--tag", "ollama"),
                sig));
        assertFalse(ProcessDetectors.allowed(proc(4714, "/usr/bin/python3.11", "python3", "-c", "import vllm"), sig),
                "code given with -c is not a module");
        assertFalse(ProcessDetectors.allowed(proc(4715, "/tmp/xmrig-vllm", "xmrig-vllm"), sig),
                "names are compared whole, not as substrings");
    }

    @Test
    void theExecutableWinsOverASpoofedArgv0() {
        assertFalse(ProcessDetectors.allowed(proc(4720, "/tmp/.x/xmrig", "tritonserver", "--model-repository=/m"), sig),
                "argv[0] says tritonserver but the executable is xmrig");
        assertTrue(ProcessDetectors.allowed(proc(4721, "", "/opt/tritonserver/bin/tritonserver"), sig),
                "argv[0] is used when the executable cannot be read");
        assertTrue(ProcessDetectors.allowed(proc(4722, "/usr/local/bin/ollama (deleted)", "ollama", "runner"), sig),
                "an upgraded binary still counts as itself");
    }

    @Test
    void realWorkloadsAreRecognisedByProgramScriptOrModule() {
        assertTrue(ProcessDetectors.allowed(VLLM_MODULE, sig), "python -m vllm.entrypoints… is vllm");
        assertTrue(ProcessDetectors.allowed(VLLM_SCRIPT, sig), "the vllm console script run by python");
        assertTrue(ProcessDetectors.allowed(KERNEL, sig), "a Jupyter kernel");
        assertTrue(ProcessDetectors.allowed(TRITON, sig));
        assertTrue(ProcessDetectors.allowed(proc(1500, "/usr/bin/python3.11",
                "python3", "-u", "-X", "faulthandler", "/usr/local/bin/torchrun", "--nproc_per_node=2", "train.py"), sig),
                "interpreter options before the script are skipped");
    }

    @Test
    void entriesOfSeveralWordsAndFullPathsMatchWholeArguments() {
        Signatures s = Signatures.parse("""
                python -m torch.distributed
                ollama runner
                /opt/site/bin/trainer
                """, "");
        assertTrue(ProcessDetectors.allowed(proc(1, "/usr/bin/python3.11", "python3", "-m", "torch.distributed.run",
                "train.py"), s), "an old 'python -m package' line names the module and its sub-modules");
        assertFalse(ProcessDetectors.allowed(proc(2, "/usr/bin/python3.11", "python3", "-m", "torch.distributedx"), s));
        assertTrue(ProcessDetectors.allowed(proc(3, "/usr/local/bin/ollama", "ollama", "runner", "--model", "m"), s));
        assertFalse(ProcessDetectors.allowed(proc(4, "/usr/local/bin/ollama", "ollama", "serve"), s));
        assertFalse(ProcessDetectors.allowed(proc(5, "/tmp/xmrig", "xmrig", "ollama", "runner"), s),
                "the words must follow the program itself");
        assertTrue(ProcessDetectors.allowed(proc(6, "/opt/site/bin/trainer", "trainer"), s));
        assertFalse(ProcessDetectors.allowed(proc(7, "/tmp/trainer", "/opt/site/bin/trainer"), s),
                "a full path is compared with the executable when it is known");
    }

    @Test
    void aGpuSharedByAnAllowedWorkloadAndAMinerIsUnexplainedAndNamesTheMiner() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
        SeriesStore store = new SeriesStore(10_000);
        DetectorInputs in = new DetectorInputs(
                () -> new HostSnapshot(0, List.of(VLLM_MODULE, KERNEL, XMRIG_IN_JUPYTER_DIR), List.of(), List.of()),
                () -> List.of(new GpuProcessObservation(0, 1200), new GpuProcessObservation(0, 4711),
                        new GpuProcessObservation(1, 1300)),
                List::of, sig);
        Evaluator e = new Evaluator(clock, MetricReader.of(store), in);
        e.setRules(List.of(EvaluatorTest.rule("id: unexplained\ndetector: unexplained_gpu_load\nwindow: 30s\ncritical: 50")));
        Evaluation ev = null;
        for (int i = 0; i < 40; i++) {
            store.append(MetricId.of("gpu.utilization", "gpu", "0"), clock.millis(), 97);
            store.append(MetricId.of("gpu.utilization", "gpu", "1"), clock.millis(), 95);
            ev = e.tick();
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(1, ev.active().size(), "GPU 1 runs only a Jupyter kernel; GPU 0 also runs a miner: " + ev.active());
        RuleInstance i = ev.active().getFirst();
        assertEquals("0", i.labels().get("gpu")); // folded per workload (ADR 0740): the miner's alert lists GPU 0
        assertEquals("GPU 0 / pid 4711 (xmrig)", i.subject());
        assertEquals("4711", i.labels().get("pid"));
    }
}
