package io.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vigil.inventory.Baseline;
import io.vigil.inventory.ContainerInfo;
import io.vigil.inventory.DriftEntry;
import io.vigil.inventory.ExposedService;
import io.vigil.inventory.InventorySnapshot;
import io.vigil.inventory.RecentModelFile;
import io.vigil.inventory.Workload;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil inventory [--json]}: one reading of the AI inventory of this machine (workloads,
 * exposed services with loopback probes, containers, hash baselines). Reads the process list once,
 * then the inventory once, on the calling thread. Exit code 0, or 1 when a critical service is
 * exposed or a baseline has drifted at its last verify.
 */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "List AI workloads, exposed AI services, containers and hash baselines on this machine.")
final class InventoryCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Wiring wiring = Wiring.forDesktop(AppPaths.fromSystem(), Clock.systemUTC())) {
            wiring.processes().poll(wiring.clock().instant());
            wiring.inventory().poll(wiring.clock().instant());
            InventorySnapshot s = wiring.inventory().latest();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(s)));
            } else {
                printText(out, s);
            }
            out.flush();
            boolean critical = s.services().stream().anyMatch(e -> e.severity() == io.vigil.inventory.Severity.CRITICAL);
            return critical || s.driftCount() > 0 ? 1 : 0;
        }
    }

    static Map<String, Object> toMap(InventorySnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", Instant.ofEpochMilli(s.takenAtMillis()).toString());
        List<Map<String, Object>> workloads = new ArrayList<>();
        for (Workload w : s.workloads()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("pid", w.pid());
            o.put("user", w.user());
            o.put("kind", w.kind());
            o.put("label", w.label());
            o.put("evidence", w.evidence());
            o.put("startTime", w.startEpochMillis() > 0 ? Instant.ofEpochMilli(w.startEpochMillis()).toString() : null);
            o.put("ports", w.ports().stream().map(p -> p.address() + ":" + p.port()).distinct().toList());
            o.put("commandLine", w.commandLine());
            workloads.add(o);
        }
        m.put("workloads", workloads);
        List<Map<String, Object>> services = new ArrayList<>();
        for (ExposedService e : s.services()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("port", e.port());
            o.put("service", e.service());
            o.put("bindAddress", e.bindAddress());
            o.put("bind", e.bind().label());
            o.put("pid", e.pid());
            o.put("probe", e.probe().outcome().name());
            o.put("probeDetail", e.probe().detail());
            o.put("severity", e.severity().name());
            services.add(o);
        }
        m.put("services", services);
        Map<String, Object> docker = new LinkedHashMap<>();
        docker.put("available", s.docker().available());
        if (!s.docker().available()) {
            docker.put("reason", s.docker().reason());
        }
        List<Map<String, Object>> containers = new ArrayList<>();
        for (ContainerInfo c : s.docker().containers()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", c.id());
            o.put("name", c.name());
            o.put("image", c.image());
            o.put("gpu", c.gpuAccess());
            o.put("risks", c.risks());
            o.put("labels", c.labels());
            containers.add(o);
        }
        docker.put("containers", containers);
        m.put("docker", docker);
        Map<String, Object> integrity = new LinkedHashMap<>();
        s.integrityUnavailable().ifPresent(r -> integrity.put("unavailable", r));
        integrity.put("baselines", s.baselines().stream().map(BaselineCommand::toMap).toList());
        List<Map<String, Object>> recent = new ArrayList<>();
        for (RecentModelFile f : s.recentModelFiles()) {
            recent.add(Map.of("path", f.path().toString(), "sizeBytes", f.sizeBytes(),
                    "modified", Instant.ofEpochMilli(f.mtimeMillis()).toString()));
        }
        integrity.put("recentModelFiles", recent);
        m.put("integrity", integrity);
        m.put("problems", s.problems());
        return m;
    }

    private static void printText(PrintWriter out, InventorySnapshot s) {
        out.println("AI inventory at " + TerminalText.time(Instant.ofEpochMilli(s.takenAtMillis())));
        out.println();
        out.println("Workloads (" + s.workloads().size() + ")");
        for (Workload w : s.workloads()) {
            out.printf("  %-7d %-10s %-26s %-22s %s%n", w.pid(), w.user(), w.label(),
                    w.ports().stream().map(p -> ":" + p.port()).distinct().collect(Collectors.joining(",")), w.evidence());
        }
        out.println();
        out.println("Exposed services (" + s.services().size() + ")");
        for (ExposedService e : s.services()) {
            out.printf("  %-6d %-13s %-22s %-14s %-9s %s%n", e.port(), e.service(), e.bindAddress() + " (" + e.bind().label() + ")",
                    e.probe().outcome(), e.severity(), e.probe().detail());
        }
        out.println();
        if (s.docker().available()) {
            out.println("Containers (" + s.docker().containers().size() + ")");
            for (ContainerInfo c : s.docker().containers()) {
                out.printf("  %-20s %-30s gpu=%-3s %s%n", c.name(), c.image(), c.gpuAccess() ? "yes" : "no",
                        String.join(", ", c.risks()));
            }
        } else {
            out.println("Containers: docker not available (" + s.docker().reason() + ")");
        }
        out.println();
        if (s.integrityUnavailable().isPresent()) {
            out.println("Integrity: unavailable (" + s.integrityUnavailable().get() + ")");
        } else {
            out.println("Integrity (" + s.baselines().size() + " baselines)");
            for (Baseline b : s.baselines()) {
                BaselineCommand.printBaseline(out, b);
            }
        }
        if (!s.recentModelFiles().isEmpty()) {
            out.println("  model files modified recently:");
            for (RecentModelFile f : s.recentModelFiles()) {
                out.printf("    %s (%s, %s)%n", f.path(), io.vigil.text.Unit.bytes(f.sizeBytes()),
                        TerminalText.time(Instant.ofEpochMilli(f.mtimeMillis())));
            }
        }
        for (String p : s.problems()) {
            out.println("problem: " + p);
        }
    }

    static String describe(DriftEntry d) {
        return d.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + d.path() + ": " + d.detail();
    }
}
