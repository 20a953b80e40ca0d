package io.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vigil.fleet.FleetException;
import io.vigil.fleet.FleetGpu;
import io.vigil.fleet.FleetNode;
import io.vigil.fleet.FleetProcess;
import io.vigil.fleet.FleetReader;
import io.vigil.fleet.FleetSettings;
import io.vigil.fleet.FleetSnapshot;
import io.vigil.fleet.NodeHealth;
import io.vigil.fleet.prometheus.PrometheusEndpoints;
import io.vigil.text.Escaper;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil fleet [--json]}: one reading of the whole fleet through the configured Prometheus
 * endpoints (or {@code VIGIL_PROMETHEUS_URL}): nodes with their scrape health, host readings, GPUs
 * and the processes on them. Everything printed came from remote exporters and is escaped in text
 * output. Exit code 0 when every node is up, 1 when a node is down or unknown, 2 when the fleet
 * cannot be read or none is configured.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Read every GPU node through Prometheus (dcgm-exporter, nvidia_gpu_exporter, node_exporter) once.")
final class FleetCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AppPaths paths = AppPaths.fromSystem();
        Settings settings = Wiring.loadSettings(paths);
        settings.problems().forEach(p -> err.println("settings: " + p));
        FleetSettings fs;
        try {
            fs = settings.section("fleet", FleetSettings.class);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
        if (!fs.configured()) {
            err.println("No Prometheus is configured. Set VIGIL_PROMETHEUS_URL=http://prometheus:9090, or add"
                    + " fleet.endpoints to " + paths.settingsFile() + " (see docs/fleet.md).");
            err.flush();
            return 2;
        }
        FleetSnapshot snapshot;
        try (FleetReader reader = PrometheusEndpoints.connect(fs, System.getenv(), Clock.systemUTC()).reader()) {
            snapshot = reader.read(Instant.now());
        } catch (FleetException e) {
            err.println("fleet: " + Escaper.escape(e.getMessage()));
            err.flush();
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("fleet: " + e.getMessage());
            err.flush();
            return 2;
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            mapper.getFactory().setCharacterEscapes(new TerminalText.JsonEscapes());
            out.println(mapper.writeValueAsString(toMap(snapshot)));
        } else {
            printText(out, snapshot);
        }
        out.flush();
        return snapshot.nodes().stream().allMatch(n -> n.health() == NodeHealth.UP) ? 0 : 1;
    }

    /** The JSON shape (docs/fleet.md): absent readings are null. */
    static Map<String, Object> toMap(FleetSnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", Instant.ofEpochMilli(s.epochMillis()).toString());
        m.put("origin", s.origin());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("nodes", s.nodes().size());
        summary.put("nodesUp", s.nodes().stream().filter(n -> n.health() == NodeHealth.UP).count());
        summary.put("nodesDown", s.nodes().stream().filter(n -> n.health() == NodeHealth.DOWN).count());
        summary.put("gpus", s.gpus().size());
        summary.put("powerWatts", s.gpus().stream().mapToDouble(g -> g.powerWatts().orElse(0)).sum());
        m.put("summary", summary);
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (FleetNode n : s.nodes()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", n.name());
            o.put("health", n.health().name());
            o.put("lastError", n.lastError());
            o.put("lastScrape", n.lastScrapeMillis() > 0 ? Instant.ofEpochMilli(n.lastScrapeMillis()).toString() : null);
            o.put("labels", n.labels());
            o.put("cpuPercent", value(n.cpuPercent()));
            o.put("memoryUsedBytes", value(n.memoryUsedBytes()));
            o.put("memoryTotalBytes", value(n.memoryTotalBytes()));
            o.put("networkRxBytesPerS", value(n.networkRxBytesPerS()));
            o.put("networkTxBytesPerS", value(n.networkTxBytesPerS()));
            List<Map<String, Object>> gpus = new ArrayList<>();
            for (FleetGpu g : n.gpus()) {
                Map<String, Object> go = new LinkedHashMap<>();
                go.put("uuid", g.uuid());
                go.put("index", g.index());
                go.put("model", g.model());
                go.put("labels", g.labels());
                go.put("utilizationPercent", value(g.utilizationPercent()));
                go.put("memoryUsedBytes", value(g.memoryUsedBytes()));
                go.put("memoryTotalBytes", value(g.memoryTotalBytes()));
                go.put("temperatureC", value(g.temperatureC()));
                go.put("powerWatts", value(g.powerWatts()));
                go.put("powerLimitWatts", value(g.powerLimitWatts()));
                go.put("eccErrors", value(g.eccErrors()));
                go.put("xidLast", value(g.xidLast()));
                List<Map<String, Object>> procs = new ArrayList<>();
                for (FleetProcess p : g.processes()) {
                    Map<String, Object> po = new LinkedHashMap<>();
                    po.put("pid", p.pid());
                    po.put("name", p.name());
                    po.put("usedMemoryBytes", p.usedMemoryBytes().isPresent() ? p.usedMemoryBytes().getAsLong() : null);
                    po.put("pod", p.pod());
                    po.put("namespace", p.namespace());
                    po.put("container", p.container());
                    procs.add(po);
                }
                go.put("processes", procs);
                gpus.add(go);
            }
            o.put("gpus", gpus);
            nodes.add(o);
        }
        m.put("nodes", nodes);
        m.put("problems", s.problems());
        return m;
    }

    private static Double value(OptionalDouble v) {
        return v.isPresent() && Double.isFinite(v.getAsDouble()) ? v.getAsDouble() : null;
    }

    private static String num(OptionalDouble v, io.vigil.text.Unit unit) {
        return v.isPresent() ? unit.format(v.getAsDouble()) : io.vigil.text.Unit.NO_DATA;
    }

    private static void printText(PrintWriter out, FleetSnapshot s) {
        long down = s.nodes().stream().filter(n -> n.health() == NodeHealth.DOWN).count();
        out.printf("Fleet from %s at %s: %d nodes (%d down), %d GPUs%n", Escaper.escape(s.origin()),
                TerminalText.time(Instant.ofEpochMilli(s.epochMillis())), s.nodes().size(), down, s.gpus().size());
        for (FleetNode n : s.nodes()) {
            out.println();
            out.printf("%-24s %-7s cpu %s  mem %s  rx %s  tx %s%s%n", Escaper.escape(n.name()),
                    n.health(), num(n.cpuPercent(), io.vigil.text.Unit.PERCENT), num(n.memoryUsedBytes(), io.vigil.text.Unit.BYTES),
                    num(n.networkRxBytesPerS(), io.vigil.text.Unit.BYTES_PER_SECOND),
                    num(n.networkTxBytesPerS(), io.vigil.text.Unit.BYTES_PER_SECOND),
                    n.lastError().isEmpty() ? "" : "  " + Escaper.escape(n.lastError()));
            for (FleetGpu g : n.gpus()) {
                out.printf("  gpu %-2d %-40s %-24s util %s  %s  %s  mem %s  ecc %s  xid %s%n", g.index(),
                        Escaper.escape(g.uuid()), Escaper.escape(g.model()), num(g.utilizationPercent(), io.vigil.text.Unit.PERCENT),
                        num(g.temperatureC(), io.vigil.text.Unit.CELSIUS), num(g.powerWatts(), io.vigil.text.Unit.WATTS),
                        num(g.memoryUsedBytes(), io.vigil.text.Unit.BYTES), num(g.eccErrors(), io.vigil.text.Unit.NONE),
                        num(g.xidLast(), io.vigil.text.Unit.NONE));
                for (FleetProcess p : g.processes()) {
                    String who = p.pid() > 0 ? "pid " + p.pid() + " " + Escaper.escape(p.name())
                            : "pod " + Escaper.escape(p.namespace()) + "/" + Escaper.escape(p.pod());
                    out.printf("      %s%s%n", who, p.usedMemoryBytes().isPresent()
                            ? "  " + io.vigil.text.Unit.bytes(p.usedMemoryBytes().getAsLong()) : "");
                }
            }
        }
        for (String p : s.problems()) {
            out.println("problem: " + Escaper.escape(p));
        }
    }
}
