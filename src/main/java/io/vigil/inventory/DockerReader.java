package io.vigil.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads running containers through the docker CLI's JSON output: {@code docker ps --no-trunc
 * --format '{{json .}}'} for the ids, then one {@code docker inspect} for their configuration. The
 * CLI (rather than the Engine socket) works the same with rootless docker, contexts and remote
 * daemons, and needs no extra library. The executable is injectable (a path, or a name looked up on
 * the PATH). Commands are argv lists; no value is ever put into a shell.
 *
 * <p>An absent CLI, an unreachable daemon or a hung command yields {@link DockerReport#notAvailable}
 * with the reason; nothing is thrown. Thread-safe.
 */
public final class DockerReader implements ContainerReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String docker;
    private final Duration timeout;

    public DockerReader(String dockerExecutable, Duration timeout) {
        this.docker = dockerExecutable;
        this.timeout = timeout;
    }

    @Override
    public DockerReport read() {
        Result ps = run(List.of(docker, "ps", "--no-trunc", "--format", "{{json .}}"));
        if (ps.problem != null) {
            return DockerReport.notAvailable(ps.problem);
        }
        List<String> ids = new ArrayList<>();
        int lineNo = 0;
        for (String line : ps.stdout.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                String id = JSON.readTree(line).path("ID").asText("");
                if (!id.isEmpty()) {
                    ids.add(id);
                }
            } catch (IOException e) {
                return DockerReport.notAvailable("docker ps line " + lineNo + " is not JSON: " + abbreviate(line));
            }
        }
        if (ids.isEmpty()) {
            return DockerReport.of(List.of());
        }
        List<String> inspect = new ArrayList<>(List.of(docker, "inspect"));
        inspect.addAll(ids);
        Result details = run(inspect);
        if (details.problem != null) {
            return DockerReport.notAvailable(details.problem);
        }
        try {
            List<ContainerInfo> out = new ArrayList<>();
            for (JsonNode c : JSON.readTree(details.stdout)) {
                out.add(container(c));
            }
            return DockerReport.of(out);
        } catch (IOException e) {
            return DockerReport.notAvailable("docker inspect did not print JSON: " + e.getMessage());
        }
    }

    static ContainerInfo container(JsonNode c) {
        JsonNode host = c.path("HostConfig");
        JsonNode config = c.path("Config");
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        boolean gpu = "nvidia".equals(host.path("Runtime").asText(""));
        for (JsonNode req : host.path("DeviceRequests")) {
            if ("nvidia".equals(req.path("Driver").asText("")) || req.path("Capabilities").toString().contains("\"gpu\"")) {
                gpu = true;
            }
        }
        List<String> risks = new ArrayList<>();
        if (host.path("Privileged").asBoolean(false)) {
            risks.add("privileged");
        }
        for (JsonNode cap : host.path("CapAdd")) {
            risks.add("cap-add " + cap.asText().toUpperCase(Locale.ROOT));
        }
        if ("host".equals(host.path("NetworkMode").asText(""))) {
            risks.add("host network");
        }
        if (!host.path("ReadonlyRootfs").asBoolean(false)) {
            risks.add("writable root filesystem");
        }
        boolean noNewPrivileges = false;
        for (JsonNode opt : host.path("SecurityOpt")) {
            String o = opt.asText("");
            if (o.equals("no-new-privileges") || o.equals("no-new-privileges:true") || o.equals("no-new-privileges=true")) {
                noNewPrivileges = true;
            }
        }
        if (!noNewPrivileges) {
            risks.add("no no-new-privileges");
        }
        String id = c.path("Id").asText("");
        String name = c.path("Name").asText("").replaceFirst("^/", "");
        return new ContainerInfo(id.length() > 12 ? id.substring(0, 12) : id, name, config.path("Image").asText(""),
                labels, gpu, risks);
    }

    private record Result(String stdout, String problem) {
    }

    private Result run(List<String> argv) {
        Process p;
        try {
            p = new ProcessBuilder(argv).start();
            p.getOutputStream().close(); // docker reads nothing from us; EOF at once
        } catch (IOException e) {
            return new Result("", "docker CLI not found (" + docker + "): " + e.getMessage());
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()),
                Thread.ofVirtual()::start);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()),
                Thread.ofVirtual()::start);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result("", "docker " + argv.get(1) + " did not answer within " + timeout.toSeconds()
                        + " s (is the daemon hung?)");
            }
            String stdout = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String stderr = err.get(timeout.toMillis(), TimeUnit.MILLISECONDS).strip();
            if (p.exitValue() != 0) {
                String first = stderr.isEmpty() ? "exit code " + p.exitValue() : stderr.lines().findFirst().orElse("");
                String what = first.contains("Cannot connect") || first.contains("daemon") || first.contains("permission denied")
                        ? "docker daemon unreachable: " : "docker " + argv.get(1) + " failed: ";
                return new Result("", what + abbreviate(first));
            }
            return new Result(stdout, null);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result("", "interrupted while reading docker");
        } catch (Exception e) {
            p.destroyForcibly();
            return new Result("", "reading docker's output failed: " + e.getMessage());
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
