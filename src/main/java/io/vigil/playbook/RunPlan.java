package io.vigil.playbook;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a run will do, computed before anything runs: the bound parameters, the evidence folder of
 * this run, every step rendered, and the blockers (missing tools, unavailable actions) that stop the
 * run from starting. A dry run is this plan printed. Immutable.
 */
public record RunPlan(String runId, Playbook playbook, Map<String, String> parameters, Path evidenceDir,
                      List<PlannedStep> steps, List<String> blockers) {

    public RunPlan {
        parameters = Map.copyOf(parameters);
        steps = List.copyOf(steps);
        blockers = List.copyOf(blockers);
    }

    /** The exact command lines, one per step, numbered like the steps. */
    public List<String> commandLines() {
        return steps.stream().map(s -> (s.index() + 1) + ". " + (s.step().destructive() ? "[destructive] " : "")
                + s.commandLine() + s.skipReason().map(r -> "   (skipped: " + r + ")").orElse("")).toList();
    }

    public boolean destructive() {
        return steps.stream().anyMatch(s -> s.step().destructive() && s.skipReason().isEmpty());
    }

    public boolean runnable() {
        return blockers.isEmpty();
    }
}
