package io.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ListeningPort;
import io.vigil.host.ProcessInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadClassifierTest {

    @TempDir
    Path proc;

    private WorkloadClassifier classifier() {
        return new WorkloadClassifier(WorkloadCatalog.builtin(), new ProcMaps(proc));
    }

    private static ProcessInfo process(int pid, String name, String commandLine) {
        return new ProcessInfo(pid, 1, name, "alice", commandLine, 0, 0, 1_700_000_000_000L);
    }

    /** Command lines as {@code /proc/<pid>/cmdline} shows them for real launches (NULs as spaces). */
    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "jupyter-lab | /usr/bin/python3 /usr/local/bin/jupyter-lab --ip=0.0.0.0 --no-browser --allow-root | jupyter",
        "python3 | /opt/conda/bin/python3.11 -m jupyter notebook --port 8888 | jupyter",
        "python | /opt/conda/bin/python -m ipykernel_launcher -f /root/.local/share/jupyter/runtime/kernel-4f3c.json | jupyter",
        "tensorboard | /usr/bin/python3 /usr/local/bin/tensorboard --logdir runs --bind_all | tensorboard",
        "python3 | python3 -m tensorboard.main --logdir=/tmp/logs --port 6006 | tensorboard",
        "mlflow | /usr/bin/python3 /usr/local/bin/mlflow server --host 0.0.0.0 --port 5000 | mlflow",
        "gunicorn | /usr/bin/python3 /usr/local/bin/gunicorn -b 0.0.0.0:5000 -w 4 mlflow.server:app | mlflow",
        "raylet | /usr/local/lib/python3.10/dist-packages/ray/core/src/ray/raylet/raylet --raylet_socket_name=/tmp/ray/session_2024/sockets/raylet | ray",
        "python | /usr/bin/python -u /usr/local/lib/python3.10/dist-packages/ray/dashboard/dashboard.py --host=127.0.0.1 --port=8265 | ray",
        "ray | /usr/bin/python3 /usr/local/bin/ray start --head --dashboard-host=0.0.0.0 | ray",
        "vllm | /usr/bin/python3 /usr/local/bin/vllm serve meta-llama/Llama-3.1-8B-Instruct --port 8000 | vllm",
        "python3 | python3 -m vllm.entrypoints.openai.api_server --model /models/llama --tensor-parallel-size 2 | vllm",
        "tritonserver | /opt/tritonserver/bin/tritonserver --model-repository=/models --http-port=8000 | triton",
        "ollama | /usr/local/bin/ollama serve | ollama",
        "torchrun | /usr/bin/python3 /usr/local/bin/torchrun --nproc_per_node=8 --nnodes=1 train.py --config cfg.yaml | pytorch",
        "python3 | /usr/bin/python3 -m torch.distributed.run --nproc_per_node 4 finetune.py | pytorch",
        "accelerate | /usr/bin/python3 /usr/local/bin/accelerate launch --num_processes 2 sft.py | pytorch",
        "python3 | python3 -c import tensorflow as tf; print(tf.config.list_physical_devices()) | tensorflow",
        "python | python -c import jax; jax.devices() | jax",
        "python3 | python3 -m transformers.commands.transformers_cli env | transformers",
    })
    void recognisesRealFrameworkLaunches(String name, String commandLine, String kind) {
        Optional<WorkloadClassifier.Match> m = classifier().match(process(100, name, commandLine));
        assertTrue(m.isPresent(), "not recognised: " + commandLine);
        assertEquals(kind, m.get().rule().id(), commandLine);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "vim | vim train_torch.py",
        "grep | grep --color=auto jupyter",
        "python3 | python3 -m http.server 8000 --directory /srv/pytorch-docs",
        "nginx | nginx: worker process",
        "less | less /var/log/tensorboard.log",
        "bash | bash -c cd ~/ray && ls",
        "code | /usr/share/code/code --type=renderer /home/alice/notebooks/analysis.ipynb",
        "python3 | /usr/bin/python3 /usr/bin/unattended-upgrade --mail-only",
        "ssh | ssh -L 8888:localhost:8888 gpu-node-1",
        "tail | tail -f mlflow.log",
    })
    void ignoresLookAlikes(String name, String commandLine) {
        assertEquals(Optional.empty(), classifier().match(process(101, name, commandLine)).map(m -> m.rule().id()),
                commandLine);
    }

    @Test
    void recognisesPythonByTheLibrariesItLoaded() throws IOException {
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/maps"), """
                5581d6a2e000-5581d6a2f000 r--p 00000000 08:01 1311                       /usr/bin/python3.11
                7f3a10000000-7f3a12000000 r-xp 00000000 08:01 99231                      /home/alice/.venv/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so
                7f3a20000000-7f3a20100000 r-xp 00000000 08:01 99232                      /usr/lib/x86_64-linux-gnu/libc.so.6
                7ffd1c9e5000-7ffd1ca06000 rw-p 00000000 00:00 0                          [stack]
                """);
        var m = classifier().match(process(4242, "python3", "python3 train.py --epochs 10"));
        assertEquals("pytorch", m.orElseThrow().rule().id());
        assertTrue(m.get().evidence().contains("libtorch_cuda.so"), m.get().evidence());
        assertTrue(classifier().match(process(4243, "python3", "python3 train.py")).isEmpty(),
                "no maps file (another user's process) and a plain command line: not classified");
    }

    @Test
    void attachesListeningPortsToTheirWorkload() {
        HostSnapshot snapshot = new HostSnapshot(1, List.of(
                process(10, "jupyter-lab", "/usr/bin/python3 /usr/local/bin/jupyter-lab --ip=0.0.0.0"),
                process(11, "vim", "vim notebook.py")),
                List.of(new ListeningPort("tcp4", "0.0.0.0", 8888, 10), new ListeningPort("tcp6", "::", 8888, 10),
                        new ListeningPort("tcp4", "127.0.0.1", 22, 0)),
                List.of());
        List<Workload> workloads = classifier().classify(snapshot);
        assertEquals(1, workloads.size());
        assertEquals("jupyter", workloads.getFirst().kind());
        assertEquals(List.of(8888, 8888), workloads.getFirst().ports().stream().map(ListeningPort::port).toList());
    }

    @Test
    void userCatalogueAddsRulesAndReportsBadEntries() throws IOException {
        Path file = proc.resolve("workloads.yaml");
        Files.writeString(file, """
                workloads:
                  - id: in-house-trainer
                    label: In-house trainer
                    executable: '^acme-train$'
                  - id: broken
                    executable: '([unclosed'
                services:
                  - port: 7860
                    service: gradio
                    probe: none
                """);
        WorkloadCatalog catalog = WorkloadCatalog.load(Optional.of(file));
        var m = new WorkloadClassifier(catalog, new ProcMaps(proc)).match(process(5, "acme-train", "/opt/acme/bin/acme-train --gpus 8"));
        assertEquals("in-house-trainer", m.orElseThrow().rule().id());
        assertEquals("gradio", catalog.serviceForPort(7860).orElseThrow().service());
        assertEquals(1, catalog.problems().size());
        assertTrue(catalog.problems().getFirst().contains("workloads entry 2 (broken): bad regular expression"),
                catalog.problems().getFirst());
        assertEquals("jupyter", catalog.serviceForPort(8888).orElseThrow().service(), "built-in entries still apply");
    }
}
