package io.vigil.playbook;

import io.vigil.store.OwnerOnly;
import io.vigil.store.StoreException;
import io.vigil.text.Escaper;
import io.vigil.text.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans and runs playbooks. A plan binds and validates the parameters, renders every step and checks
 * every required tool and action before anything runs. A run starts programs with
 * {@link ProcessBuilder} from the argv list (never a shell), streams their output (stdout and stderr
 * merged) redacted, escaped and capped to a {@link RunListener}, enforces each step's timeout (a
 * built-in action runs on its own thread and is interrupted and abandoned at its deadline), kills the
 * whole process tree on timeout or cancel, and commits an audit entry when the run starts and as each step
 * ends. Output never reaches the log.
 *
 * <p>Thread-safe: each run has its own virtual thread and state.
 */
public final class Runner {

    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
    private static final int MAX_LINE_CHARS = 4096;
    private static final int MAX_EXEC_LINES = 20_000;
    /** A shown line longer than this is cut, so one huge line cannot take a step's whole output cap. */
    private static final int MAX_SHOWN_LINE_CHARS = 16 * 1024;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * Where programs are looked up; where evidence goes; output kept per step (bytes); timeout of a
     * step that names none; how long a process may take to end after SIGTERM before SIGKILL.
     */
    public record Options(ToolPath toolPath, Path evidenceRoot, int outputCapBytes, Duration defaultTimeout,
                          Duration killGrace) {
    }

    private final ActionRegistry actions;
    private final ParameterBinder binder;
    private final AuditLog audit;
    private final Redactor redactor;
    private final Clock clock;
    private final Options options;
    private final String user;
    private final String host;
    private final SecureRandom random = new SecureRandom();
    private final String dryRunOnlyReason;
    private final StepSimulator simulator;
    /** The label every simulated step and run carries, in output, audit and view. */
    public static final String SIMULATED = "SIMULATED — demo";

    public Runner(ActionRegistry actions, ParameterBinder binder, AuditLog audit, Redactor redactor, Clock clock,
                  Options options, String user, String host) {
        this(actions, binder, audit, redactor, clock, options, user, host, null);
    }

    /**
     * A runner that only ever plans and records dry runs when {@code dryRunOnlyReason} is set (a console
     * replaying a scenario must never signal a real process or start a real tool); it says why when
     * asked to run.
     */
    public Runner(ActionRegistry actions, ParameterBinder binder, AuditLog audit, Redactor redactor, Clock clock,
                  Options options, String user, String host, String dryRunOnlyReason) {
        this(actions, binder, audit, redactor, clock, options, user, host, dryRunOnlyReason, null);
    }

    /**
     * A dry-run-only runner that can also {@link #simulate} runs with {@code simulator} (a scenario
     * replay shows what each step would do; nothing runs).
     */
    public Runner(ActionRegistry actions, ParameterBinder binder, AuditLog audit, Redactor redactor, Clock clock,
                  Options options, String user, String host, String dryRunOnlyReason, StepSimulator simulator) {
        if (simulator != null && dryRunOnlyReason == null) {
            throw new IllegalArgumentException("only a dry-run-only runner simulates");
        }
        this.simulator = simulator;
        this.dryRunOnlyReason = dryRunOnlyReason;
        this.actions = actions;
        this.binder = binder;
        this.audit = audit;
        this.redactor = redactor;
        this.clock = clock;
        this.options = options;
        this.user = user;
        this.host = host;
    }

    public ParameterBinder binder() {
        return binder;
    }

    public Options options() {
        return options;
    }

    /**
     * The plan for running {@code playbook} with the user's {@code explicit} values over the
     * {@code context} (alert labels, a process row). Throws with every parameter problem.
     */
    public RunPlan plan(Playbook playbook, Map<String, String> explicit, Map<String, String> context)
            throws PlaybookException {
        Map<String, String> params = binder.bind(playbook, explicit, context);
        byte[] id = new byte[6];
        random.nextBytes(id);
        String runId = HexFormat.of().formatHex(id);
        Path evidence = options.evidenceRoot().resolve(playbook.id() + "-" + STAMP.format(clock.instant()) + "-" + runId);
        Map<String, String> values = new LinkedHashMap<>(params);
        values.put("evidence_dir", evidence.toString());
        values.put("run_id", runId);

        List<PlannedStep> steps = new ArrayList<>();
        List<String> blockers = new ArrayList<>();
        for (int i = 0; i < playbook.steps().size(); i++) {
            Step step = playbook.steps().get(i);
            String label = "Step " + (i + 1) + " '" + step.name() + "'";
            Set<String> tools = new LinkedHashSet<>(step.requires());
            List<String> argv = List.of();
            Map<String, String> args = Map.of();
            Map<String, String> env = Map.of();
            Optional<Duration> runFor = Optional.empty();
            try {
                switch (step) {
                    case CommandStep c -> {
                        argv = c.argv().stream().map(a -> Template.render(a, values)).toList();
                        env = render(c.env(), values);
                        tools.add(argv.get(0));
                        if (c.runFor().isPresent()) {
                            runFor = Optional.of(Durations.parse(Template.render(c.runFor().get(), values)));
                        }
                    }
                    case BuiltInStep b -> {
                        args = render(b.with(), values);
                        Optional<BuiltInAction> action = actions.find(b.action());
                        if (action.isEmpty()) {
                            blockers.add(label + ": " + ActionRegistry.unavailableMessage(b.action()));
                        } else {
                            tools.addAll(action.get().requiredTools());
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new PlaybookException(label + ": " + e.getMessage(), e);
            }
            List<String> missing = tools.stream().filter(t -> options.toolPath().find(t).isEmpty()).toList();
            Optional<String> skip = Optional.empty();
            if (!missing.isEmpty()) {
                String tools2 = String.join(", ", missing);
                if (step.skipIfMissing()) {
                    skip = Optional.of(tools2 + (missing.size() == 1 ? " is" : " are") + " not on the PATH");
                } else {
                    blockers.add(label + " needs " + tools2 + (missing.size() == 1 ? ", which is" : ", which are")
                            + " not on the PATH (" + options.toolPath().asPathVariable()
                            + "); install it or run this playbook on a host that has it");
                }
            }
            Duration timeout = step.timeout().orElse(options.defaultTimeout());
            if (runFor.isPresent() && timeout.compareTo(runFor.get()) <= 0) {
                timeout = runFor.get().plusSeconds(30);
            }
            steps.add(new PlannedStep(i, step, argv, args, env, timeout, runFor, skip));
        }
        return new RunPlan(runId, playbook, params, evidence, steps, blockers);
    }

    private static Map<String, String> render(Map<String, String> templates, Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        templates.forEach((k, v) -> out.put(k, Template.render(v == null ? "" : v, values)));
        return out;
    }

    /**
     * Starts {@code plan} on its own thread after committing the run's first audit entry. Refuses a
     * plan with blockers (nothing runs) and, unless {@code destructiveConfirmed}, one with
     * destructive steps.
     */
    public RunHandle start(RunPlan plan, RunListener listener, boolean destructiveConfirmed) throws PlaybookException {
        return start(plan, listener, destructiveConfirmed, Optional.empty());
    }

    /**
     * As {@link #start(RunPlan, RunListener, boolean)}; with {@code evidenceOverride} (the analyst's
     * reason, audited when the run starts and on the step it lets pass) a failed
     * {@value CaptureEvidenceAction#NAME} step does not stop the destructive steps after it.
     */
    public RunHandle start(RunPlan plan, RunListener listener, boolean destructiveConfirmed,
                           Optional<String> evidenceOverride) throws PlaybookException {
        if (evidenceOverride.isPresent() && evidenceOverride.get().isBlank()) {
            throw new PlaybookException("Nothing was run: overriding evidence-first needs a reason.");
        }
        if (dryRunOnlyReason != null) {
            throw new PlaybookException("Nothing was run: " + dryRunOnlyReason + ". Only dry runs are possible here.");
        }
        if (!plan.runnable()) {
            throw new PlaybookException("Nothing was run:\n" + String.join("\n", plan.blockers()));
        }
        if (plan.destructive() && !destructiveConfirmed) {
            throw new PlaybookException(plan.playbook().id() + " has destructive steps ("
                    + String.join(", ", plan.steps().stream().filter(s -> s.step().destructive())
                            .map(s -> s.step().name()).toList())
                    + "); nothing was run. Confirm them to run it.");
        }
        try {
            audit.runStarted(plan, user, host, evidenceOverride.map(r -> "evidence-first overridden by " + user
                    + ": " + redactor.redact(r)).orElse(null));
        } catch (StoreException e) {
            throw new PlaybookException("Nothing was run: the audit log cannot be written (" + e.getMessage() + ")", e);
        }
        LOG.info("Playbook {} run {} started by {}", plan.playbook().id(), plan.runId(), user);
        RunHandle handle = new RunHandle(plan.runId(), options.killGrace());
        Thread.ofVirtual().name("playbook-" + plan.runId()).start(() -> {
            RunResult result;
            try {
                result = execute(plan, listener, handle, evidenceOverride);
            } catch (RuntimeException | Error e) {
                LOG.error("Playbook run {} failed unexpectedly", plan.runId(), e);
                result = new RunResult(plan.runId(), plan.playbook().id(), RunStatus.FAILED, clock.instant(),
                        Duration.ZERO, List.of(), "internal error: " + e);
            }
            handle.future().complete(result);
        });
        return handle;
    }

    /** Whether {@link #simulate} is possible here (a scenario replay). */
    public boolean simulates() {
        return simulator != null;
    }

    /**
     * Simulates {@code plan} on its own thread: for each step the listener gets what it would do and
     * the simulator's plausible output, every line labelled {@value #SIMULATED}; nothing is started,
     * signalled or written outside the audit log. The run is audited as {@link RunStatus#SIMULATED}
     * in this runner's chain (a replay's own database; ADR 0851). Destructive steps still need
     * {@code destructiveConfirmed}, as a real run would.
     */
    public RunHandle simulate(RunPlan plan, RunListener listener, boolean destructiveConfirmed) throws PlaybookException {
        if (simulator == null) {
            throw new PlaybookException("Nothing was run: this console does not simulate runs.");
        }
        if (plan.destructive() && !destructiveConfirmed) {
            throw new PlaybookException(plan.playbook().id() + " has destructive steps; nothing was simulated. "
                    + "Confirm them to run the simulation.");
        }
        try {
            audit.runStarted(plan, user, host, SIMULATED + ": nothing runs on this machine (" + dryRunOnlyReason + ")");
        } catch (StoreException e) {
            throw new PlaybookException("Nothing was simulated: the audit log cannot be written (" + e.getMessage() + ")", e);
        }
        RunHandle handle = new RunHandle(plan.runId(), options.killGrace());
        Thread.ofVirtual().name("playbook-simulated-" + plan.runId()).start(() -> {
            RunResult result;
            try {
                result = simulateSteps(plan, listener, handle);
            } catch (RuntimeException | Error e) {
                LOG.error("Simulated run {} failed unexpectedly", plan.runId(), e);
                result = new RunResult(plan.runId(), plan.playbook().id(), RunStatus.FAILED, clock.instant(),
                        Duration.ZERO, List.of(), "internal error: " + e);
            }
            handle.future().complete(result);
        });
        return handle;
    }

    private RunResult simulateSteps(RunPlan plan, RunListener listener, RunHandle handle) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        List<StepResult> results = new ArrayList<>();
        RunStatus status = RunStatus.SIMULATED;
        String message = SIMULATED + ": nothing ran on this machine; " + plan.steps().size() + " steps shown";
        for (PlannedStep ps : plan.steps()) {
            if (handle.cancelled()) {
                status = RunStatus.CANCELLED;
                message = "cancelled before step " + (ps.index() + 1);
                break;
            }
            safe(() -> listener.stepStarted(ps));
            long s0 = System.nanoTime();
            StepSimulator.SimulatedStep sim = simulator.simulate(plan, ps);
            List<String> lines = new ArrayList<>();
            lines.add("[" + SIMULATED + "] nothing runs on this machine; on the scenario's host this step would "
                    + sim.action());
            sim.lines().forEach(l -> lines.add("[" + SIMULATED + "] " + l));
            StringBuilder out = new StringBuilder();
            for (String l : lines) {
                String clean = Escaper.escape(redactor.redact(l));
                out.append(clean).append('\n');
                safe(() -> listener.output(ps.index(), clean));
            }
            String text = out.toString();
            StepResult r = new StepResult(ps.index(), ps.step().name(),
                    sim.exitCode() == 0 ? StepStatus.SUCCEEDED : StepStatus.FAILED, OptionalInt.of(sim.exitCode()),
                    Duration.ofNanos(System.nanoTime() - s0), ps.argv().isEmpty() ? List.of() : List.of(ps.argv()), text,
                    PlaybookFile.sha256(text.getBytes(StandardCharsets.UTF_8)), false, SIMULATED);
            results.add(r);
            try {
                audit.stepFinished(plan, user, host, r);
            } catch (StoreException e) {
                safe(() -> listener.stepFinished(r));
                status = RunStatus.FAILED;
                message = "stopped: the audit log cannot be written (" + e.getMessage() + ")";
                break;
            }
            safe(() -> listener.stepFinished(r));
        }
        RunResult result = new RunResult(plan.runId(), plan.playbook().id(), status, started,
                Duration.ofNanos(System.nanoTime() - t0), results, message);
        try {
            audit.runFinished(plan, user, host, result);
        } catch (StoreException e) {
            LOG.error("Audit write failed at the end of simulated run {}: {}", plan.runId(), e.getMessage());
        }
        safe(() -> listener.runFinished(result));
        return result;
    }

    /** Whether this runner refuses real runs (see the constructor); empty when it runs for real. */
    public java.util.Optional<String> dryRunOnly() {
        return java.util.Optional.ofNullable(dryRunOnlyReason);
    }

    /**
     * Records in the audit log that {@code plan} was shown as a dry run, with why (e.g. suggested by
     * an alert): the command lines that would have run, nothing executed.
     */
    public void recordDryRun(RunPlan plan, String reason) throws PlaybookException {
        try {
            audit.dryRun(plan, user, host, reason);
        } catch (StoreException e) {
            throw new PlaybookException("The dry run could not be recorded: " + e.getMessage(), e);
        }
    }

    /**
     * Records in the audit log a run that was refused before anything ran, with the reason: an
     * unknown playbook or bad parameters ({@code plan} empty; the values as given, redacted), a
     * blocked plan, destructive steps not confirmed. Returns the run id it was recorded under.
     */
    public String recordRefused(Optional<RunPlan> plan, String playbookId, String playbookSha256,
                                Map<String, String> given, String reason) throws PlaybookException {
        try {
            return audit.refused(plan, playbookId, playbookSha256, given, user, host, reason);
        } catch (StoreException e) {
            throw new PlaybookException("The refused run could not be recorded: " + e.getMessage(), e);
        }
    }

    /** Runs {@code plan} and waits for it: for the command line. */
    public RunResult run(RunPlan plan, RunListener listener, boolean destructiveConfirmed) throws PlaybookException {
        return start(plan, listener, destructiveConfirmed).result().join();
    }

    private RunResult execute(RunPlan plan, RunListener listener, RunHandle handle, Optional<String> evidenceOverride) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        List<StepResult> results = new ArrayList<>();
        RunStatus status = RunStatus.SUCCEEDED;
        String message = "";
        for (PlannedStep ps : plan.steps()) {
            if (handle.cancelled()) {
                status = RunStatus.CANCELLED;
                message = "cancelled before step " + (ps.index() + 1);
                break;
            }
            safe(() -> listener.stepStarted(ps));
            StepResult ran = runStep(plan, ps, listener, handle);
            boolean overridden = evidenceOverride.isPresent() && isEvidenceCapture(ps)
                    && (ran.status() == StepStatus.FAILED || ran.status() == StepStatus.TIMED_OUT);
            // The override is audited on the very entry of the capture it lets pass.
            StepResult r = !overridden ? ran : new StepResult(ran.index(), ran.name(), ran.status(), ran.exitCode(),
                    ran.duration(), ran.commands(), ran.output(), ran.outputSha256(), ran.truncated(),
                    ran.message() + Escaper.escape("; EVIDENCE-FIRST OVERRIDDEN by " + user + ": "
                            + redactor.redact(evidenceOverride.get()) + "; the later steps run"));
            results.add(r);
            restrictEvidence(plan);
            LOG.info("Playbook run {} step {} '{}': {} exit {} in {} ms", plan.runId(), ps.index() + 1, r.name(),
                    r.status(), r.exitCode().isPresent() ? r.exitCode().getAsInt() : "-", r.duration().toMillis());
            // Commit, then show: a step the analyst saw end is in the audit log even if Vigil dies right after.
            try {
                audit.stepFinished(plan, user, host, r);
            } catch (StoreException e) {
                LOG.error("Audit write failed; stopping run {}: {}", plan.runId(), e.getMessage());
                safe(() -> listener.stepFinished(r));
                status = RunStatus.FAILED;
                message = "stopped: the audit log cannot be written (" + e.getMessage() + ")";
                break;
            }
            safe(() -> listener.stepFinished(r));
            if (r.status() == StepStatus.CANCELLED) {
                status = RunStatus.CANCELLED;
                message = "cancelled during step " + (ps.index() + 1);
                break;
            }
            if (r.status() == StepStatus.FAILED || r.status() == StepStatus.TIMED_OUT) {
                status = RunStatus.FAILED;
                if (!ps.step().continueOnError() && !overridden) {
                    message = "step " + (ps.index() + 1) + " '" + r.name() + "' " + describe(r) + "; later steps not run";
                    break;
                }
                message = "some steps failed";
            }
        }
        if (message.isEmpty()) {
            message = results.size() + " steps done";
        }
        RunResult result = new RunResult(plan.runId(), plan.playbook().id(), status, started,
                Duration.ofNanos(System.nanoTime() - t0), results, message);
        try {
            audit.runFinished(plan, user, host, result);
        } catch (StoreException e) {
            LOG.error("Audit write failed at the end of run {}: {}", plan.runId(), e.getMessage());
        }
        LOG.info("Playbook run {} ended: {} ({})", plan.runId(), status, message);
        safe(() -> listener.runFinished(result));
        return result;
    }

    /**
     * Evidence is owner-only: programs such as tcpdump and docker save create their files with their
     * own umask, so whatever a step left in the run's evidence folder is made 0600 (folders 0700).
     */
    private static void restrictEvidence(RunPlan plan) {
        if (Files.isDirectory(plan.evidenceDir())) {
            try {
                OwnerOnly.restrictTree(plan.evidenceDir());
            } catch (IOException e) {
                LOG.warn("Cannot make the evidence in {} owner-only: {}", plan.evidenceDir(), e.getMessage());
            }
        }
    }

    private static boolean isEvidenceCapture(PlannedStep ps) {
        return ps.step() instanceof BuiltInStep b && b.action().equals(CaptureEvidenceAction.NAME);
    }

    private static String describe(StepResult r) {
        return switch (r.status()) {
            case TIMED_OUT -> "timed out";
            case FAILED -> r.exitCode().isPresent() ? "failed with exit code " + r.exitCode().getAsInt() : "failed";
            default -> r.status().name().toLowerCase(Locale.ROOT);
        };
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("A run listener failed: {}", e.toString());
        }
    }

    private StepResult runStep(RunPlan plan, PlannedStep ps, RunListener listener, RunHandle handle) {
        long t0 = System.nanoTime();
        StepOutput out = new StepOutput(ps.index(), options.outputCapBytes(), redactor.stream(), listener);
        List<List<String>> commands = java.util.Collections.synchronizedList(new ArrayList<>()); // an action adds from its thread
        if (ps.skipReason().isPresent()) {
            out.line("skipped: " + ps.skipReason().get());
            return out.result(ps, StepStatus.SKIPPED, OptionalInt.empty(), t0, commands, ps.skipReason().get());
        }
        long deadline = t0 + ps.timeout().toNanos();
        return switch (ps.step()) {
            case CommandStep c -> {
                commands.add(ps.argv());
                String evidence = plan.evidenceDir().toString();
                if (ps.argv().stream().anyMatch(a -> a.contains(evidence)) || ps.env().values().stream()
                        .anyMatch(v -> v.contains(evidence))) {
                    // Programs such as tcpdump -w and docker save do not create the folder they write into.
                    try {
                        OwnerOnly.createDirectories(plan.evidenceDir());
                    } catch (IOException e) {
                        yield out.result(ps, StepStatus.FAILED, OptionalInt.empty(), t0, commands,
                                "cannot create the evidence folder " + evidence + ": " + e.getMessage());
                    }
                }
                Map<String, String> env = new LinkedHashMap<>(parameterEnvironment(plan));
                env.putAll(ps.env());
                Outcome o = exec(ps.argv(), env, deadline, ps.runFor(), out::line, handle);
                if (o.error() != null) {
                    yield out.result(ps, StepStatus.FAILED, OptionalInt.empty(), t0, commands, o.error());
                }
                StepStatus st = o.cancelled() ? StepStatus.CANCELLED : o.timedOut() ? StepStatus.TIMED_OUT
                        : o.exitCode() == 0 || o.stoppedAfterRunFor() ? StepStatus.SUCCEEDED : StepStatus.FAILED;
                String msg = switch (st) {
                    case CANCELLED -> "cancelled; process tree killed";
                    case TIMED_OUT -> "timed out after " + Durations.human(ps.timeout()) + "; process tree killed";
                    case SUCCEEDED -> o.stoppedAfterRunFor() ? "stopped after " + Durations.human(ps.runFor().get())
                            + " as planned" : "";
                    default -> "exit code " + o.exitCode();
                };
                yield out.result(ps, st, OptionalInt.of(o.exitCode()), t0, commands, msg);
            }
            case BuiltInStep b -> runAction(plan, ps, b, out, handle, t0, deadline, commands);
        };
    }

    private StepResult runAction(RunPlan plan, PlannedStep ps, BuiltInStep b, StepOutput out, RunHandle handle, long t0,
                                 long deadline, List<List<String>> commands) {
        BuiltInAction action = actions.find(b.action()).orElseThrow();
        AtomicBoolean abandoned = new AtomicBoolean();
        ActionContext ctx = new ActionContext() {
            @Override
            public void out(String line) {
                if (!abandoned.get()) {
                    out.line(line);
                }
            }

            @Override
            public Path evidenceDir() throws ActionException {
                try {
                    return OwnerOnly.createDirectories(plan.evidenceDir());
                } catch (IOException e) {
                    throw new ActionException("cannot create the evidence folder " + plan.evidenceDir() + ": " + e.getMessage());
                }
            }

            @Override
            public ParameterBinder paths() {
                return binder;
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public boolean cancelled() {
                return abandoned.get() || handle.cancelled() || System.nanoTime() > deadline;
            }

            @Override
            public Exec exec(List<String> argv) throws ActionException {
                if (abandoned.get()) {
                    throw new ActionException("the step already ended; not starting " + argv.getFirst());
                }
                commands.add(List.copyOf(argv));
                List<String> lines = new ArrayList<>();
                Redactor.Stream redacting = redactor.stream();
                Outcome o = Runner.this.exec(argv, parameterEnvironment(plan), deadline, Optional.empty(), line -> {
                    if (lines.size() < MAX_EXEC_LINES) {
                        lines.add(redacting.line(line));
                    }
                }, handle);
                if (o.error() != null) {
                    throw new ActionException(o.error());
                }
                if (o.cancelled() || o.timedOut()) {
                    throw new ActionException((o.cancelled() ? "cancelled" : "timed out") + " while running "
                            + String.join(" ", argv));
                }
                return new Exec(o.exitCode(), lines);
            }
        };
        CompletableFuture<Integer> done = new CompletableFuture<>();
        // A platform daemon thread, not a virtual one: an action stuck in a CPU loop would pin a carrier
        // thread for good, and the virtual threads of every run share one carrier per core.
        Thread worker = Thread.ofPlatform().daemon().name("playbook-action-" + plan.runId() + "-" + (ps.index() + 1))
                .start(() -> {
                    try {
                        done.complete(action.run(ps.args(), ctx));
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                });
        try {
            int code = await(done, deadline, handle);
            if (handle.cancelled()) {
                return out.result(ps, StepStatus.CANCELLED, OptionalInt.of(code), t0, commands, "cancelled");
            }
            if (System.nanoTime() > deadline) {
                return out.result(ps, StepStatus.TIMED_OUT, OptionalInt.of(code), t0, commands,
                        "timed out after " + Durations.human(ps.timeout()));
            }
            return out.result(ps, code == 0 ? StepStatus.SUCCEEDED : StepStatus.FAILED, OptionalInt.of(code), t0, commands,
                    code == 0 ? "" : "exit code " + code);
        } catch (TimeoutException e) {
            // Interrupt, then abandon: the action may ignore the interrupt, and nothing it does later counts.
            abandoned.set(true);
            worker.interrupt();
            boolean cancelled = handle.cancelled();
            LOG.warn("Built-in action {} of run {} {}; its thread was interrupted and abandoned", b.action(),
                    plan.runId(), cancelled ? "was cancelled" : "timed out");
            return out.result(ps, cancelled ? StepStatus.CANCELLED : StepStatus.TIMED_OUT, OptionalInt.empty(), t0,
                    commands, cancelled ? "cancelled; the action was stopped"
                            : "timed out after " + Durations.human(ps.timeout()) + "; the action was stopped");
        } catch (ActionException e) {
            String msg = redactor.redact(e.getMessage());
            out.line("error: " + msg);
            StepStatus st = handle.cancelled() ? StepStatus.CANCELLED
                    : System.nanoTime() > deadline ? StepStatus.TIMED_OUT : StepStatus.FAILED;
            return out.result(ps, st, OptionalInt.empty(), t0, commands, msg);
        } catch (RuntimeException e) {
            LOG.error("Built-in action {} failed", b.action(), e);
            out.line("error: " + e);
            return out.result(ps, StepStatus.FAILED, OptionalInt.empty(), t0, commands, "internal error: " + e);
        }
    }

    /**
     * The action's exit code once it returns; {@link TimeoutException} at the step's deadline or when the
     * run is cancelled (checked every 100 ms); the action's own {@link ActionException} or
     * {@link RuntimeException} as thrown.
     */
    private static int await(CompletableFuture<Integer> done, long deadline, RunHandle handle)
            throws ActionException, TimeoutException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || handle.cancelled()) {
                if (done.isDone() && !done.isCompletedExceptionally()) {
                    return done.join();
                }
                throw new TimeoutException();
            }
            try {
                return done.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // not yet: check the deadline and cancel again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException();
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case ActionException a -> throw a;
                    case RuntimeException r -> throw r;
                    case Error err -> throw err;
                    default -> throw new IllegalStateException(e.getCause());
                }
            }
        }
    }

    /** Parameters reach programs (and scripts) as VIGIL_PARAM_NAME variables, never as shell text. */
    private static Map<String, String> parameterEnvironment(RunPlan plan) {
        Map<String, String> env = new LinkedHashMap<>();
        plan.parameters().forEach((k, v) -> env.put("VIGIL_PARAM_" + k.toUpperCase(Locale.ROOT), v));
        env.put("VIGIL_EVIDENCE_DIR", plan.evidenceDir().toString());
        env.put("VIGIL_RUN_ID", plan.runId());
        return env;
    }

    private record Outcome(int exitCode, boolean timedOut, boolean cancelled, boolean stoppedAfterRunFor, String error) {
    }

    private Outcome exec(List<String> argv, Map<String, String> env, long deadlineNanos, Optional<Duration> runFor,
                         java.util.function.Consumer<String> lines, RunHandle handle) {
        Optional<Path> program = options.toolPath().find(argv.get(0));
        if (program.isEmpty()) {
            return new Outcome(-1, false, false, false, argv.get(0) + " is not on the PATH ("
                    + options.toolPath().asPathVariable() + ")");
        }
        List<String> command = new ArrayList<>(argv);
        command.set(0, program.get().toString());
        // Its own session, so that a double-forked grandchild is still found (and killed) through the
        // session id once no parent link leads to it. The argv recorded in the audit log stays the step's.
        ProcessTree.sessionLauncher().ifPresent(setsid -> command.addFirst(setsid.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("PATH", options.toolPath().asPathVariable());
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return new Outcome(-1, false, false, false, "cannot start " + argv.get(0) + ": " + e.getMessage());
        }
        Thread reader = Thread.ofVirtual().name("playbook-output").start(() -> pump(process.getInputStream(), lines));
        try {
            if (!handle.track(process)) {
                process.waitFor(options.killGrace().toMillis() + 1000, TimeUnit.MILLISECONDS);
                return new Outcome(exitOf(process), false, true, false, null);
            }
            boolean timedOut = false;
            boolean stopped = false;
            long waitUntil = runFor.map(d -> Math.min(System.nanoTime() + d.toNanos(), deadlineNanos)).orElse(deadlineNanos);
            if (!process.waitFor(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                if (runFor.isPresent() && waitUntil < deadlineNanos && !handle.cancelled()) {
                    // A capture that runs for a set time: SIGTERM lets it flush its file and exit cleanly.
                    // Through the handle: Process.destroy() would also close our end of its output pipe.
                    stopped = true;
                    process.toHandle().destroy();
                    if (!process.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        timedOut = true;
                    }
                } else {
                    timedOut = !handle.cancelled();
                }
                if (timedOut || process.isAlive()) {
                    ProcessTree.kill(process.toHandle(), options.killGrace());
                }
            }
            process.waitFor();
            // A step's processes do not outlive it: daemons it left behind in its session are stopped.
            int left = ProcessTree.killLeftovers(process.toHandle(), options.killGrace());
            // Do not wait forever for output: a process outside the session may still hold the pipe open.
            reader.join(Duration.ofSeconds(2));
            if (left > 0) {
                lines.accept("[vigil] stopped " + left + (left == 1 ? " process" : " processes")
                        + " the step left running");
            }
            return new Outcome(process.exitValue(), timedOut, handle.cancelled(), stopped && !timedOut, null);
        } catch (InterruptedException e) {
            ProcessTree.kill(process.toHandle(), options.killGrace());
            Thread.currentThread().interrupt();
            return new Outcome(exitOf(process), false, true, false, null);
        } finally {
            handle.untrack();
        }
    }

    private static int exitOf(Process p) {
        try {
            return p.exitValue();
        } catch (IllegalThreadStateException e) {
            return -1;
        }
    }

    /** Splits output into lines (long lines are cut into pieces), decoding UTF-8 leniently. */
    private static void pump(InputStream in, java.util.function.Consumer<String> lines) {
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[8192];
            StringBuilder line = new StringBuilder();
            int n;
            while ((n = r.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    char ch = buf[i];
                    if (ch == '\n') {
                        lines.accept(stripCr(line));
                        line.setLength(0);
                    } else if (line.length() >= MAX_LINE_CHARS) {
                        lines.accept(line.toString());
                        line.setLength(0);
                        line.append(ch);
                    } else {
                        line.append(ch);
                    }
                }
            }
            if (!line.isEmpty()) {
                lines.accept(stripCr(line));
            }
        } catch (IOException e) {
            // The stream closes when the process is killed: nothing more to read.
        }
    }

    private static String stripCr(StringBuilder line) {
        int len = line.length();
        return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
    }

    /** A step's output: redacted, capped, forwarded to the listener and kept for the audit log. */
    private static final class StepOutput {
        private final int index;
        private final int capBytes;
        private final Redactor.Stream redactor;
        private final RunListener listener;
        private final StringBuilder text = new StringBuilder();
        private long bytes;
        private boolean truncated;
        private boolean closed;

        StepOutput(int index, int capBytes, Redactor.Stream redactor, RunListener listener) {
            this.index = index;
            this.capBytes = capBytes;
            this.redactor = redactor;
            this.listener = listener;
        }

        /**
         * One line of output: redacted (a private key block may span lines), escaped so that what a process
         * wrote cannot pass for a line of Vigil's own or steer a terminal, cut when very long, capped.
         */
        synchronized void line(String raw) {
            if (truncated || closed) {
                return;
            }
            String clean = Escaper.escape(redactor.line(raw));
            if (clean.length() > MAX_SHOWN_LINE_CHARS) {
                // Keep the end too: it says whether the source had cut the text already.
                int tail = 512;
                clean = clean.substring(0, MAX_SHOWN_LINE_CHARS - tail) + " … (line cut: "
                        + (clean.length() - MAX_SHOWN_LINE_CHARS) + " characters left out) … "
                        + clean.substring(clean.length() - tail);
            }
            int n = clean.getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes + n > capBytes) {
                truncated = true;
                clean = "[output truncated: the step wrote more than " + capBytes / 1024 + " KiB]";
            } else {
                bytes += n;
            }
            text.append(clean).append('\n');
            String shown = clean;
            safe(() -> listener.output(index, shown));
        }

        /** The step's result; later output (from an abandoned action) is dropped. */
        synchronized StepResult result(PlannedStep ps, StepStatus status, OptionalInt exit, long t0,
                                       List<List<String>> commands, String message) {
            closed = true;
            String output = text.toString();
            return new StepResult(ps.index(), ps.step().name(), status, exit, Duration.ofNanos(System.nanoTime() - t0),
                    List.copyOf(commands), output, PlaybookFile.sha256(output.getBytes(StandardCharsets.UTF_8)), truncated,
                    Escaper.escape(message));
        }
    }
}
