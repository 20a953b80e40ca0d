package io.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker reader against a fake {@code docker} executable that prints recorded {@code docker ps}
 * and {@code docker inspect} output, or fails the way the real CLI does without a daemon.
 */
class DockerReaderTest {

    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        return FakeDocker.script(dir, body);
    }

    private Path recordedDocker() throws IOException {
        return FakeDocker.recorded(dir);
    }

    @Test
    void readsContainersWithGpuAccessAndRiskySettings() throws IOException {
        DockerReport report = new DockerReader(recordedDocker().toString(), Duration.ofSeconds(10)).read();
        assertTrue(report.available(), report.reason());
        assertEquals(3, report.containers().size());

        ContainerInfo notebook = report.containers().get(0);
        assertEquals("trainer-notebook", notebook.name());
        assertEquals("nvcr.io/nvidia/pytorch:24.05-py3", notebook.image());
        assertEquals("notebook", notebook.labels().get("ai-workload"));
        assertTrue(notebook.gpuAccess(), "DeviceRequests with the gpu capability");
        assertEquals(List.of("privileged", "cap-add SYS_ADMIN", "cap-add NET_ADMIN", "host network",
                "writable root filesystem", "no no-new-privileges"), notebook.risks());
        assertTrue(notebook.severe());

        ContainerInfo vllm = report.containers().get(1);
        assertTrue(vllm.gpuAccess(), "the nvidia runtime");
        assertEquals(List.of(), vllm.risks(), "read-only root, no-new-privileges, bridge network");
        assertEquals(Map.of("ai-workload", "inference"), vllm.labels());

        ContainerInfo docs = report.containers().get(2);
        assertFalse(docs.gpuAccess());
        assertEquals(List.of("writable root filesystem", "no no-new-privileges"), docs.risks());
        assertFalse(docs.severe());

        List<String> argv = Files.readAllLines(dir.resolve("argv.log"));
        assertEquals(List.of("ps", "--no-trunc", "--format", "{{json .}}"), argv.subList(0, 4),
                "the Go template is passed as one argument, never through a shell");
    }

    @Test
    void daemonUnreachableIsNotAvailableWithTheReason() throws IOException {
        Path docker = script("""
                echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
                exit 1
                """);
        DockerReport report = new DockerReader(docker.toString(), Duration.ofSeconds(10)).read();
        assertFalse(report.available());
        assertTrue(report.reason().startsWith("docker daemon unreachable: Cannot connect to the Docker daemon"),
                report.reason());
        assertEquals(List.of(), report.containers());
    }

    @Test
    void missingCliIsNotAvailable() {
        DockerReport report = new DockerReader(dir.resolve("no-such-docker").toString(), Duration.ofSeconds(5)).read();
        assertFalse(report.available());
        assertTrue(report.reason().startsWith("docker CLI not found"), report.reason());
    }

    @Test
    void hungCliTimesOut() throws IOException {
        Path docker = script("exec sleep 30\n");
        DockerReport report = new DockerReader(docker.toString(), Duration.ofMillis(500)).read();
        assertFalse(report.available());
        assertTrue(report.reason().contains("did not answer"), report.reason());
    }

    @Test
    void noRunningContainersIsAvailableAndEmpty() throws IOException {
        Path docker = script("exit 0\n");
        DockerReport report = new DockerReader(docker.toString(), Duration.ofSeconds(5)).read();
        assertTrue(report.available());
        assertEquals(List.of(), report.containers());
    }
}
