package io.vigil.playbook;

import io.vigil.host.ProcFields;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code signal_process}: sends TERM, KILL, STOP or CONT to a process with the {@code kill} program
 * (Java itself can only send TERM and KILL). Refuses pid 1, Vigil itself and every process Vigil
 * descends from (its shell, terminal, service manager). A number is first mapped to its thread group:
 * on Linux a thread id of any thread is accepted by {@code kill} and signals the whole process, so a
 * thread id of Vigil's JVM is Vigil. A thread id of another process is refused with that process's
 * id. Thread-safe.
 */
public final class SignalProcessAction implements BuiltInAction {

    static final Set<String> SIGNALS = Set.of("TERM", "KILL", "STOP", "CONT");

    @Override
    public String name() {
        return "signal_process";
    }

    @Override
    public Set<String> requiredTools() {
        return Set.of("kill");
    }

    @Override
    public int run(Map<String, String> args, ActionContext ctx) throws ActionException {
        String pidText = args.getOrDefault("pid", "");
        String signal = args.getOrDefault("signal", "").toUpperCase(java.util.Locale.ROOT);
        if (!ParameterBinder.PID.matcher(pidText).matches()) {
            throw new ActionException("signal_process needs pid: a process id, got '" + pidText + "'");
        }
        if (!SIGNALS.contains(signal)) {
            throw new ActionException("signal_process needs signal: one of TERM, KILL, STOP, CONT; got '" + signal + "'");
        }
        long pid = Long.parseLong(pidText);
        refuseProtected(pid);
        Optional<ProcessHandle> target = ProcessHandle.of(pid);
        if (target.isEmpty()) {
            throw new ActionException("no process with pid " + pid + " (it may have exited)");
        }
        ProcessHandle.Info info = target.get().info();
        ctx.out("process " + pid + ": user " + info.user().orElse("?") + ", command "
                + ProcFields.cap(info.commandLine().or(info::command).orElse("?")));
        ActionContext.Exec r = ctx.exec(List.of("kill", "-s", signal, pidText));
        r.lines().forEach(ctx::out);
        if (r.exitCode() == 0) {
            ctx.out("sent SIG" + signal + " to " + pid);
        }
        return r.exitCode();
    }

    /** Throws unless {@code pid} is a process other than init, Vigil and Vigil's ancestors. */
    static void refuseProtected(long pid) throws ActionException {
        long group = threadGroupOf(pid).orElse(pid);
        String what = group == pid ? "pid " + pid : "pid " + pid + " (a thread of process " + group + ")";
        if (pid == 1 || group == 1) {
            throw new ActionException("refusing to signal " + what + ": pid 1 (init) would take the whole host down");
        }
        ProcessHandle self = ProcessHandle.current();
        if (group == self.pid()) {
            throw new ActionException("refusing to signal " + what + ": that is Vigil itself (process " + self.pid() + ")");
        }
        for (ProcessHandle h = self.parent().orElse(null); h != null; h = h.parent().orElse(null)) {
            if (h.pid() == group) {
                throw new ActionException("refusing to signal " + what + ": Vigil runs under it (an ancestor of Vigil's "
                        + "process " + self.pid() + ")");
            }
        }
        if (group != pid) {
            throw new ActionException("refusing to signal " + what + ": a thread id signals its whole process; "
                    + "give the process id " + group + " if that is what you mean");
        }
    }

    /**
     * The thread group (process id) of the task {@code id} from {@code /proc/<id>/status}; empty where
     * there is no /proc (not Linux) or the task is gone.
     */
    static OptionalLong threadGroupOf(long id) {
        Path status = Path.of("/proc", Long.toString(id), "status");
        try (BufferedReader r = Files.newBufferedReader(status, StandardCharsets.UTF_8)) {
            // Tgid is in the first lines; the bound keeps a strange file from being read whole.
            for (int i = 0; i < 64; i++) {
                String line = r.readLine();
                if (line == null) {
                    break;
                }
                if (line.startsWith("Tgid:")) {
                    return OptionalLong.of(Long.parseLong(line.substring(5).strip()));
                }
            }
        } catch (IOException | NumberFormatException | java.io.UncheckedIOException e) {
            // gone, no /proc, or unreadable: fall back to the number as given
        }
        return OptionalLong.empty();
    }
}
