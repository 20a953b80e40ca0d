package io.vigil.app;

import io.vigil.playbook.BuiltInStep;
import io.vigil.playbook.CommandStep;
import io.vigil.playbook.Durations;
import io.vigil.playbook.Parameter;
import io.vigil.playbook.ParameterBinder;
import io.vigil.playbook.PlannedStep;
import io.vigil.playbook.Playbook;
import io.vigil.playbook.PlaybookException;
import io.vigil.playbook.PlaybookService;
import io.vigil.playbook.RunHandle;
import io.vigil.playbook.RunListener;
import io.vigil.playbook.RunPlan;
import io.vigil.playbook.RunResult;
import io.vigil.playbook.RunStatus;
import io.vigil.playbook.Step;
import io.vigil.playbook.StepResult;
import io.vigil.text.Escaper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vigil playbook list|show|run}. Exit codes of {@code run}: 0 every step succeeded, 1 a step
 * failed or timed out, 2 bad parameters or unknown playbook, 3 blocked (a required tool or action is
 * missing; nothing ran), 4 destructive steps not confirmed (nothing ran), 5 audit log unavailable,
 * 130 cancelled.
 */
@Command(name = "playbook", mixinStandardHelpOptions = true, description = "List, show and run playbooks.",
        subcommands = {PlaybookCommand.ListCommand.class, PlaybookCommand.ShowCommand.class,
                PlaybookCommand.RunCommand.class})
final class PlaybookCommand implements Callable<Integer> {

    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int BLOCKED = 3;
    static final int NOT_CONFIRMED = 4;
    static final int UNAVAILABLE = 5;
    static final int CANCELLED = 130;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return BAD_INPUT;
    }

    /** Opens the wiring for a command, or prints why playbooks are unavailable. */
    static int withService(CommandSpec spec, ServiceWork work) throws Exception {
        AppPaths paths = AppPaths.fromSystem();
        try (Wiring wiring = Wiring.forCommandLine(paths, Clock.systemUTC())) {
            if (wiring.playbooks().isEmpty()) {
                // Each problem once, on its own line, without repeating the headline it may already carry.
                spec.commandLine().getErr().println("Playbooks are unavailable:");
                for (String p : wiring.problems()) {
                    spec.commandLine().getErr().println("  " + p.replaceFirst("^Playbooks are unavailable: ", ""));
                }
                return UNAVAILABLE;
            }
            for (String p : wiring.problems()) {
                if (p.startsWith(paths.settingsFile().toString())) {
                    spec.commandLine().getErr().println("warning: " + p);
                }
            }
            PlaybookService service = wiring.playbooks().get();
            for (String p : wiring.problems()) {
                if (p.startsWith("Permissions: ")) {
                    spec.commandLine().getErr().println("warning: " + p);
                }
            }
            for (String p : service.catalog().problems()) {
                spec.commandLine().getErr().println("warning: " + p);
            }
            return work.run(service);
        }
    }

    @FunctionalInterface
    interface ServiceWork {
        int run(PlaybookService service) throws Exception;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the playbooks (built-in and your own).")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return withService(spec, service -> {
                PrintWriter out = spec.commandLine().getOut();
                for (Playbook p : service.catalog().all()) {
                    out.printf("%-30s %-10s %-12s %s%n", p.id(), p.builtIn() ? "built-in" : "own",
                            p.hasDestructiveSteps() ? "destructive" : "read-only", p.name());
                }
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a playbook's parameters and steps.")
    static final class ShowCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The playbook id (see 'vigil playbook list').")
        String name;

        @Override
        public Integer call() throws Exception {
            return withService(spec, service -> {
                PrintWriter out = spec.commandLine().getOut();
                var found = service.catalog().find(name);
                if (found.isEmpty()) {
                    spec.commandLine().getErr().println("No playbook '" + name + "'; see 'vigil playbook list'.");
                    return BAD_INPUT;
                }
                Playbook p = found.get();
                out.println(p.name() + "  (" + p.id() + ")");
                out.println(p.description());
                out.println("source: " + p.source() + "  sha256: " + p.sha256());
                out.println(p.isAutoRunnable() ? "read-only: a rule may run it automatically"
                        : "has destructive steps: never run automatically");
                out.println("parameters:");
                for (Parameter param : p.parameters()) {
                    out.printf("  %-14s %-9s %s%s%s%n", param.name(), param.type().yamlName(), param.description(),
                            param.defaultValue().map(d -> " [default " + d + "]").orElse(""),
                            param.required() ? "" : " (optional)");
                    out.printf("  %-14s           accepts %s%n", "", ParameterBinder.describe(param));
                }
                out.println("steps:");
                int i = 1;
                for (Step s : p.steps()) {
                    String what = switch (s) {
                        case CommandStep c -> String.join(" ", c.argv());
                        case BuiltInStep b -> "[built-in] " + b.action() + " " + b.with();
                    };
                    out.printf("  %d. %s%s%n     %s%n", i++, s.destructive() ? "[destructive] " : "", s.name(), what);
                }
                out.flush();
                return 0;
            });
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a playbook (after showing its command lines).")
    static final class RunCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The playbook id.")
        String name;

        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A parameter value (repeatable).")
        Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--dry-run", description = "Print the exact command lines and run nothing.")
        boolean dryRun;

        @Option(names = "--yes", description = "Confirm destructive steps (required when not interactive).")
        boolean yes;

        @Option(names = "--override-evidence", paramLabel = "REASON", description = "Run the destructive steps even "
                + "if capturing evidence before them fails; the reason is written to the audit log.")
        String overrideEvidence;

        @Override
        public Integer call() throws Exception {
            return withService(spec, service -> {
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                var found = service.catalog().find(name);
                if (found.isEmpty()) {
                    err.println("No playbook '" + name + "'; see 'vigil playbook list'.");
                    refused(service, err, Optional.empty(), name, "", "unknown playbook");
                    return BAD_INPUT;
                }
                RunPlan plan;
                try {
                    plan = service.runner().plan(found.get(), params, Map.of());
                } catch (PlaybookException e) {
                    err.println("Cannot run " + name + ":\n" + e.getMessage());
                    refused(service, err, Optional.empty(), found.get().id(), found.get().sha256(),
                            "bad parameters: " + e.getMessage());
                    return BAD_INPUT;
                }
                String header = plan.playbook().name() + " (" + plan.playbook().id() + ", run " + plan.runId() + "):";
                if (!plan.runnable()) {
                    err.println("Nothing was run: " + header);
                    plan.commandLines().forEach(l -> err.println("  " + l));
                    plan.blockers().forEach(b -> err.println("  " + b));
                    refused(service, err, Optional.of(plan), plan.playbook().id(), plan.playbook().sha256(),
                            "blocked: " + String.join("; ", plan.blockers()));
                    return BLOCKED;
                }
                if (dryRun) {
                    out.println("Would run " + header);
                    plan.commandLines().forEach(l -> out.println("  " + l));
                    out.flush();
                    return 0;
                }
                boolean confirmed = yes;
                boolean shown = false;
                if (plan.destructive() && !confirmed) {
                    // Since JDK 22 System.console() exists even when redirected: ask only a real terminal.
                    java.io.Console console = System.console();
                    if (console == null || !console.isTerminal()) {
                        // Nothing runs, so nothing says "Running": the refusal and what would have run, on stderr.
                        err.println("This playbook has destructive steps; nothing was run. Add --yes to confirm them.");
                        err.println("It would have run " + header);
                        plan.commandLines().forEach(l -> err.println("  " + l));
                        refused(service, err, Optional.of(plan), plan.playbook().id(), plan.playbook().sha256(),
                                "destructive steps not confirmed (no --yes, no terminal to ask)");
                        return NOT_CONFIRMED;
                    }
                    out.println("Would run " + header);
                    plan.commandLines().forEach(l -> out.println("  " + l));
                    out.print("This playbook has destructive steps. Type 'yes' to run them: ");
                    out.flush();
                    String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                    if (!"yes".equals(answer == null ? "" : answer.strip())) {
                        err.println("Not confirmed; nothing was run.");
                        refused(service, err, Optional.of(plan), plan.playbook().id(), plan.playbook().sha256(),
                                "destructive steps not confirmed at the prompt");
                        return NOT_CONFIRMED;
                    }
                    confirmed = true;
                    shown = true;
                }
                out.println("Running " + header);
                if (!shown) {
                    plan.commandLines().forEach(l -> out.println("  " + l));
                }
                out.flush();
                RunHandle handle;
                try {
                    handle = service.runner().start(plan, printer(out), confirmed, Optional.ofNullable(overrideEvidence));
                } catch (PlaybookException e) {
                    err.println(e.getMessage());
                    return UNAVAILABLE;
                }
                // Ctrl-C cancels the run and waits for its audit entries before the JVM exits.
                Thread hook = new Thread(() -> {
                    handle.cancel();
                    try {
                        handle.result().get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // exiting anyway
                    }
                });
                Runtime.getRuntime().addShutdownHook(hook);
                RunResult result = handle.result().join();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
                out.println("Run " + result.runId() + " " + result.status() + " in " + Durations.human(result.duration())
                        + ": " + result.message());
                out.flush();
                return result.status() == RunStatus.SUCCEEDED ? 0 : result.status() == RunStatus.CANCELLED ? CANCELLED
                        : FAILED;
            });
        }

        /** Audits a run refused before anything ran; a failure to record it is reported, not fatal. */
        private void refused(PlaybookService service, PrintWriter err, Optional<RunPlan> plan, String playbookId,
                             String sha256, String reason) {
            try {
                String runId = service.runner().recordRefused(plan, playbookId, sha256, params, reason);
                err.println("(recorded in the audit log as refused run " + runId + ")");
            } catch (PlaybookException e) {
                err.println("warning: " + e.getMessage());
            }
            err.flush();
        }

        private static RunListener printer(PrintWriter out) {
            return new RunListener() {
                @Override
                public void stepStarted(PlannedStep step) {
                    out.println("== step " + (step.index() + 1) + ": " + step.step().name());
                    out.flush();
                }

                @Override
                public void output(int stepIndex, String line) {
                    out.println("   " + Escaper.escape(line)); // escaped by the runner already; idempotent
                    out.flush();
                }

                @Override
                public void stepFinished(StepResult r) {
                    out.println("-> " + r.status() + (r.exitCode().isPresent() ? " exit " + r.exitCode().getAsInt() : "")
                            + " in " + Durations.human(r.duration()) + (r.message().isEmpty() ? "" : ": "
                            + Escaper.escape(r.message())));
                    out.flush();
                }
            };
        }
    }
}
