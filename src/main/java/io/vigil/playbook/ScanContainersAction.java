package io.vigil.playbook;

import io.vigil.rules.Signatures;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code scan_containers}: lists running containers with {@code docker ps}, then runs
 * {@code docker exec <id> ps aux} in each and matches the processes against the miner signatures.
 * Container ids come from docker itself and each is one argv element. Thread-safe.
 */
public final class ScanContainersAction implements BuiltInAction {

    private final MinerSignatures signatures;

    /** {@code signatures}: the one miner-signature list, the same instance the rules use. */
    public ScanContainersAction(Signatures signatures) {
        this.signatures = new MinerSignatures(signatures);
    }

    @Override
    public String name() {
        return "scan_containers";
    }

    @Override
    public Set<String> requiredTools() {
        return Set.of("docker");
    }

    @Override
    public int run(Map<String, String> args, ActionContext ctx) throws ActionException {
        ActionContext.Exec ps = ctx.exec(List.of("docker", "ps", "--format", "{{.ID}} {{.Names}} {{.Image}}"));
        if (ps.exitCode() != 0) {
            ps.lines().forEach(ctx::out);
            throw new ActionException("docker ps failed with exit code " + ps.exitCode());
        }
        int containers = 0;
        int suspicious = 0;
        for (String line : ps.lines()) {
            String[] f = line.strip().split("\\s+", 3);
            if (f.length < 1 || f[0].isEmpty()) {
                continue;
            }
            if (!ParameterBinder.CONTAINER.matcher(f[0]).matches()) {
                ctx.out("skipping an unexpected docker ps line: " + line);
                continue;
            }
            if (ctx.cancelled()) {
                throw new ActionException("stopped after " + containers + " containers");
            }
            containers++;
            String label = f[0] + (f.length > 1 ? " (" + f[1] + (f.length > 2 ? ", " + f[2] : "") + ")" : "");
            ActionContext.Exec top = ctx.exec(List.of("docker", "exec", f[0], "ps", "aux"));
            if (top.exitCode() != 0) {
                ctx.out(label + ": cannot list processes (docker exec exit " + top.exitCode() + ")");
                continue;
            }
            int hits = 0;
            for (String p : top.lines()) {
                List<String> m = signatures.matches(p);
                if (!m.isEmpty()) {
                    ctx.out("MINER SIGNATURE " + m + " in " + label + ": " + p.strip());
                    hits++;
                }
            }
            ctx.out(label + ": " + Math.max(0, top.lines().size() - 1) + " processes, "
                    + (hits == 0 ? "no miner signatures" : hits + " suspicious"));
            suspicious += hits == 0 ? 0 : 1;
        }
        ctx.out(containers + " containers checked; " + suspicious + " with miner signatures");
        return 0;
    }
}
