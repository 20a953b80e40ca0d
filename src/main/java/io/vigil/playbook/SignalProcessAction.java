package io.vigil.playbook;

import io.vigil.host.ProcFields;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code signal_process}: sends TERM, KILL, STOP or CONT to a process with the {@code kill} program
 * (Java itself can only send TERM and KILL). Refuses pid 1 and Vigil's own pid. Thread-safe.
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
        if (pid == 1) {
            throw new ActionException("refusing to signal pid 1 (init): that would take the whole host down");
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new ActionException("refusing to signal pid " + pid + ": that is Vigil itself");
        }
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
}
