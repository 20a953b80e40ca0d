package io.vigil.scenario;

import io.vigil.playbook.BuiltInStep;
import io.vigil.playbook.CommandStep;
import io.vigil.playbook.PlannedStep;
import io.vigil.playbook.RunPlan;
import io.vigil.playbook.StepSimulator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Plausible output of playbook steps on the scenario's host at the scenario clock's time (ADR 0851):
 * the process, its parents and connections for {@code collect} and {@code ps}, the GPU processes for
 * {@code nvidia-smi}, a manifest for {@code capture_evidence}, the signal's effect for
 * {@code signal_process}. Other steps say the scenario recorded no output for them. Nothing here
 * reads or touches this machine. Thread-safe (immutable state; the clock is thread-safe).
 */
public final class ScenarioStepSimulator implements StepSimulator {

    /** Ports of mining pools the demo's signatures know; enough for a plausible triage. */
    private static final Set<Integer> POOL_PORTS = Set.of(3333, 4444, 5555, 7777, 14444, 45700);
    private static final DateTimeFormatter PS_START = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Scenario scenario;
    private final Clock clock;

    public ScenarioStepSimulator(Scenario scenario, Clock clock) {
        this.scenario = scenario;
        this.clock = clock;
    }

    @Override
    public SimulatedStep simulate(RunPlan plan, PlannedStep step) {
        long offset = scenario.offsetMillis(clock.instant());
        return switch (step.step()) {
            case BuiltInStep b -> builtIn(b.action(), step.args(), plan, offset);
            case CommandStep c -> command(step.argv(), plan.parameters(), offset);
        };
    }

    private Optional<Scenario.ScenarioProcess> process(String pid, long offset) {
        if (pid == null) {
            return Optional.empty();
        }
        return scenario.processes().stream().filter(p -> Integer.toString(p.pid()).equals(pid.strip())
                && Scenario.alive(p.from(), p.to(), offset)).findFirst();
    }

    private SimulatedStep noProcess(String what, String pid) {
        return new SimulatedStep(what, List.of("error: no process " + pid + " on the scenario's host at "
                + scenario.virtualNow(clock.instant())), 1);
    }

    private SimulatedStep builtIn(String action, Map<String, String> args, RunPlan plan, long offset) {
        String pid = args.get("pid");
        Optional<Scenario.ScenarioProcess> p = process(pid, offset);
        switch (action) {
            case "collect" -> {
                String what = "describe process " + pid + ": owner, command line, parents, connections, miner signatures";
                if (p.isEmpty()) {
                    return noProcess(what, pid);
                }
                return new SimulatedStep(what, describe(p.get(), offset), 0);
            }
            case "capture_evidence" -> {
                String what = "copy /proc/" + pid + "/{cmdline,environ,status,maps,fd,net/tcp} and the exe's SHA-256 into "
                        + plan.evidenceDir() + ", with a SHA-256 manifest";
                if (p.isEmpty()) {
                    return noProcess(what, pid);
                }
                List<String> lines = new ArrayList<>();
                for (String f : List.of("cmdline", "environ.redacted", "status", "maps", "fds.txt", "connections.txt",
                        "exe.sha256")) {
                    lines.add(String.format(Locale.ROOT, "%-17s sha256 %s", f, fakeHash(pid + "/" + f)));
                }
                lines.add("manifest.sha256   sha256 " + fakeHash(pid + "/manifest") + " (7 files)");
                return new SimulatedStep(what, lines, 0);
            }
            case "signal_process" -> {
                String signal = args.getOrDefault("signal", "TERM").toUpperCase(Locale.ROOT);
                String what = "send SIG" + signal + " to process " + pid + " and its children";
                if (p.isEmpty()) {
                    return noProcess(what, pid);
                }
                String effect = switch (signal) {
                    case "STOP" -> "process " + pid + " (" + p.get().name() + ") stopped (state T); its GPU work pauses";
                    case "CONT" -> "process " + pid + " (" + p.get().name() + ") resumed";
                    case "KILL" -> "process " + pid + " (" + p.get().name() + ") ended, killed by SIGKILL; GPU memory freed";
                    default -> "process " + pid + " (" + p.get().name() + ") ended after SIG" + signal;
                };
                return new SimulatedStep(what, List.of(effect), 0);
            }
            default -> {
                return new SimulatedStep("run the built-in action " + action + " " + args,
                        List.of("(the scenario recorded no output for " + action + ")"), 0);
            }
        }
    }

    private SimulatedStep command(List<String> argv, Map<String, String> params, long offset) {
        String program = argv.isEmpty() ? "" : argv.getFirst();
        String what = "run " + String.join(" ", argv);
        String base = program.substring(program.lastIndexOf('/') + 1);
        switch (base) {
            case "ps" -> {
                String pid = params.get("pid");
                Optional<Scenario.ScenarioProcess> p = process(pid, offset);
                if (p.isEmpty()) {
                    return new SimulatedStep(what, List.of("    PID    PPID USER     STARTED                  ELAPSED "
                            + "%CPU   RSS COMMAND"), 1);
                }
                Scenario.ScenarioProcess q = p.get();
                long elapsed = (offset - q.from().toMillis()) / 1000;
                return new SimulatedStep(what, List.of(
                        "    PID    PPID USER     STARTED                  ELAPSED %CPU   RSS COMMAND",
                        String.format(Locale.ROOT, "%7d %7d %-8s %-24s %7s %4.1f %5d %s", q.pid(), q.parentPid(),
                                q.user(), PS_START.format(scenario.start().plus(q.from())), elapsed(elapsed),
                                q.cpuPercent(), q.rssBytes() / 1024, q.commandLine())), 0);
            }
            case "nvidia-smi" -> {
                List<String> lines = new ArrayList<>(List.of("pid, process_name, used_gpu_memory [MiB]"));
                for (Scenario.ScenarioProcess q : scenario.processes()) {
                    if (Scenario.alive(q.from(), q.to(), offset)) {
                        for (long bytes : q.gpuMemoryBytes().values()) {
                            lines.add(q.pid() + ", " + q.name() + ", " + bytes / (1024 * 1024) + " MiB");
                        }
                    }
                }
                return new SimulatedStep(what, lines, 0);
            }
            case "ss", "netstat" -> {
                List<String> lines = new ArrayList<>(List.of("State   Local Address:Port    Peer Address:Port    Process"));
                for (Scenario.ScenarioSocket s : scenario.sockets()) {
                    if (Scenario.alive(s.from(), s.to(), offset)) {
                        lines.add((s.listening() ? "LISTEN  " : "ESTAB   ") + s.localAddress() + ":" + s.localPort() + "    "
                                + (s.listening() ? "*:*" : s.remoteAddress() + ":" + s.remotePort()) + "    pid=" + s.pid());
                    }
                }
                return new SimulatedStep(what, lines, 0);
            }
            default -> {
                return new SimulatedStep(what, List.of("(the scenario recorded no output for " + base + ")"), 0);
            }
        }
    }

    private List<String> describe(Scenario.ScenarioProcess p, long offset) {
        List<String> lines = new ArrayList<>();
        lines.add("process " + p.pid() + " " + p.name() + ", user " + p.user() + ", started "
                + scenario.start().plus(p.from()) + ", " + String.format(Locale.ROOT, "%.0f", p.cpuPercent()) + " % CPU");
        lines.add("command line: " + p.commandLine());
        StringBuilder chain = new StringBuilder("parents:");
        int ppid = p.parentPid();
        for (int depth = 0; depth < 8 && ppid > 0; depth++) {
            int want = ppid;
            Optional<Scenario.ScenarioProcess> parent = scenario.processes().stream().filter(q -> q.pid() == want).findFirst();
            chain.append(' ').append(want).append(parent.map(q -> " (" + q.name() + ")").orElse(""));
            ppid = parent.map(Scenario.ScenarioProcess::parentPid).orElse(0);
        }
        lines.add(chain.toString());
        List<String> signatures = new ArrayList<>();
        if (p.commandLine().contains("stratum+tcp://") || p.commandLine().contains("stratum+ssl://")) {
            signatures.add("stratum URL in the command line");
        }
        for (Scenario.ScenarioSocket s : scenario.sockets()) {
            if (s.pid() == p.pid() && Scenario.alive(s.from(), s.to(), offset)) {
                lines.add("connection: " + s.localAddress() + ":" + s.localPort() + " → "
                        + (s.listening() ? "listening" : s.remoteAddress() + ":" + s.remotePort() + " ESTABLISHED"));
                if (POOL_PORTS.contains(s.remotePort())) {
                    signatures.add("connection to mining-pool port " + s.remotePort());
                }
            }
        }
        p.gpuMemoryBytes().forEach((gpu, bytes) -> lines.add("GPU " + gpu + ": " + bytes / (1024 * 1024) + " MiB"));
        lines.add(signatures.isEmpty() ? "miner signatures: none matched"
                : "miner signatures: " + String.join("; ", signatures) + " — likely a cryptominer");
        return lines;
    }

    private static String elapsed(long seconds) {
        return String.format(Locale.ROOT, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** A stable, plausible SHA-256 for a simulated file (the scenario has no real bytes). */
    private static String fakeHash(String what) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("vigil-demo:" + what).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
