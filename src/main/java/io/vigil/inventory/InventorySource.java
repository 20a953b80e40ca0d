package io.vigil.inventory;

import io.vigil.host.HostSnapshot;
import io.vigil.host.ListeningPort;
import io.vigil.store.StoreException;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The {@code inventory} telemetry source: on each poll it classifies the latest process snapshot,
 * maps listening ports to AI services and probes them on loopback, reads docker, lists recently
 * modified model files, and reads the baselines; it starts a re-verify of the baselines when one is
 * older than the verify period (hashing runs in the background, never inside the poll). It publishes
 * {@link InventoryMetrics} samples for the rules engine and keeps the typed {@link #latest()}
 * snapshot for the view and the command line.
 *
 * <p>Thread-safe: {@link #poll} runs on the scheduler's thread, {@link #latest()} and the baseline
 * commands may be called from any thread.
 */
public final class InventorySource implements Source {

    private final Supplier<HostSnapshot> host;
    private final WorkloadClassifier classifier;
    private final WorkloadCatalog catalog;
    private final ServiceProbe prober;
    private final ContainerReader docker;
    private final Optional<BaselineManager> baselines;
    private final String baselinesUnavailable;
    private final RecentModelFiles modelFiles;
    private final List<Path> watchedRoots;
    private final InventorySettings settings;
    private final Clock clock;
    private final ExecutorService probes = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("inventory-probe-", 0).factory());
    private volatile InventorySnapshot latest = InventorySnapshot.EMPTY;
    private volatile boolean sawProcesses;
    private volatile HashProgress.Progress verifyProgress;
    private volatile CompletableFuture<List<VerifyReport>> verifying;

    /**
     * @param baselines            the baseline manager, or empty when there is no database
     * @param baselinesUnavailable why there is none (shown in the Integrity section)
     */
    public InventorySource(Supplier<HostSnapshot> host, WorkloadCatalog catalog, WorkloadClassifier classifier,
                           ServiceProbe prober, ContainerReader docker, Optional<BaselineManager> baselines,
                           String baselinesUnavailable, RecentModelFiles modelFiles, List<Path> watchedRoots,
                           InventorySettings settings, Clock clock) {
        this.host = host;
        this.catalog = catalog;
        this.classifier = classifier;
        this.prober = prober;
        this.docker = docker;
        this.baselines = baselines;
        this.baselinesUnavailable = baselinesUnavailable;
        this.modelFiles = modelFiles;
        this.watchedRoots = List.copyOf(watchedRoots);
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public String id() {
        return "inventory";
    }

    @Override
    public String displayName() {
        return "Inventory";
    }

    /** How soon to poll again while the process list has not been read yet (both start together). */
    static final Duration WAITING_FOR_PROCESSES = Duration.ofSeconds(2);

    /**
     * The configured period, or {@link #WAITING_FOR_PROCESSES} until a poll has seen the first
     * process list, so the view does not stay empty for a whole period after start-up. The
     * scheduler asks for the period each time it plans the next poll.
     */
    @Override
    public Duration period() {
        return sawProcesses ? settings.period() : WAITING_FOR_PROCESSES;
    }

    @Override
    public Duration pollTimeout() {
        // Probes, docker and the model-file walk are bounded; allow for them even on the short period.
        return settings.period().multipliedBy(3);
    }

    /** The latest reading; {@link InventorySnapshot#EMPTY} before the first poll. */
    public InventorySnapshot latest() {
        return latest;
    }

    /** Progress of the baseline add or verify under way, or null when none is. */
    public HashProgress.Progress hashProgress() {
        return verifyProgress;
    }

    public Optional<BaselineManager> baselineManager() {
        return baselines;
    }

    @Override
    public PollResult poll(Instant now) {
        long t = now.toEpochMilli();
        List<String> problems = new ArrayList<>(catalog.problems());
        HostSnapshot snapshot = host.get();
        sawProcesses |= snapshot.epochMillis() != 0;
        List<Workload> workloads = classifier.classify(snapshot);
        List<ExposedService> services = services(snapshot, workloads);
        DockerReport containers = docker.read();

        List<Baseline> current = List.of();
        Optional<String> integrityUnavailable = Optional.empty();
        if (baselines.isEmpty()) {
            integrityUnavailable = Optional.of(baselinesUnavailable);
        } else {
            try {
                current = baselines.get().baselines();
                if (verifyDue(current, t)) {
                    verifyNow();
                }
            } catch (StoreException e) {
                integrityUnavailable = Optional.of(e.getMessage());
                problems.add(e.getMessage());
            }
        }
        List<Path> roots = new ArrayList<>(watchedRoots);
        for (Baseline b : current) {
            if (Files.isDirectory(b.root()) && !roots.contains(b.root())) {
                roots.add(b.root());
            }
        }
        ModelFileScanner.Result recent = modelFiles.recentlyModified(roots, settings.recentModelWindow(), now);
        problems.addAll(recent.problems());
        if (recent.truncated()) {
            problems.add("model-file scan stopped at its entry limit; some recent changes may be missing");
        }
        latest = new InventorySnapshot(t, workloads, services, containers, current, integrityUnavailable,
                recent.files(), problems);
        return new PollResult(samples(latest, t), problems.isEmpty() ? SourceHealth.ok()
                : SourceHealth.degraded(problems.getFirst()));
    }

    /** Samples for the rules engine, one per service, container and verified baseline. */
    static List<Sample> samples(InventorySnapshot s, long t) {
        List<Sample> out = new ArrayList<>();
        Set<MetricId> seen = new HashSet<>();
        for (ExposedService e : s.services()) {
            MetricId id = MetricId.of(InventoryMetrics.UNAUTHENTICATED_SERVICE, "port", Integer.toString(e.port()),
                    "service", e.service(), "bind", e.bind().label());
            // An IPv4 and an IPv6 socket on one port make one series: open if either is.
            if (seen.add(id)) {
                boolean open = s.services().stream().anyMatch(o -> o.port() == e.port()
                        && o.bind() == e.bind() && o.probe().unauthenticated());
                out.add(Sample.of(id, t, open ? 1 : 0));
            }
        }
        for (ContainerInfo c : s.docker().containers()) {
            out.add(Sample.of(MetricId.of(InventoryMetrics.RISKY_CONTAINER, "container", c.name()), t, c.risks().size()));
        }
        for (Baseline b : s.baselines()) {
            if (b.verified()) {
                out.add(Sample.of(MetricId.of(InventoryMetrics.INTEGRITY_DRIFT, "path", b.root().toString()), t,
                        b.drift().size()));
            }
        }
        return out;
    }

    private boolean verifyDue(List<Baseline> current, long nowMillis) {
        long period = settings.verifyPeriod().toMillis();
        return current.stream().anyMatch(b -> b.lastVerifyMillis().orElse(b.createdMillis()) + period <= nowMillis);
    }

    /** Starts verifying every baseline now (or joins the run under way); the snapshot updates when done. */
    public CompletableFuture<List<VerifyReport>> verifyNow() {
        BaselineManager manager = baselines.orElseThrow(() -> new IllegalStateException(baselinesUnavailable));
        CompletableFuture<List<VerifyReport>> running = verifying;
        if (running != null && !running.isDone()) {
            return running;
        }
        CompletableFuture<List<VerifyReport>> run = manager.verifyAll(p -> verifyProgress = p);
        verifying = run;
        run.whenComplete((r, e) -> {
            verifyProgress = null;
            refreshBaselines();
        });
        return run;
    }

    /** Takes a baseline of {@code root} in the background; the snapshot updates when done. */
    public CompletableFuture<Baseline> addBaseline(Path root) {
        BaselineManager manager = baselines.orElseThrow(() -> new IllegalStateException(baselinesUnavailable));
        return manager.add(root, p -> verifyProgress = p).whenComplete((b, e) -> {
            verifyProgress = null;
            refreshBaselines();
        });
    }

    private void refreshBaselines() {
        try {
            latest = latest.withBaselines(baselines.orElseThrow().baselines());
        } catch (StoreException e) {
            // The next poll reports it; the old list stays on screen meanwhile.
        }
    }

    private List<ExposedService> services(HostSnapshot snapshot, List<Workload> workloads) {
        Map<Integer, Workload> byPid = new HashMap<>();
        for (Workload w : workloads) {
            byPid.put(w.pid(), w);
        }
        Map<String, Future<ExposedService>> pending = new LinkedHashMap<>();
        for (ListeningPort p : snapshot.listeningPorts()) {
            Workload owner = byPid.get(p.pid());
            Optional<ServiceDefinition> def = owner != null && owner.service().isPresent()
                    ? catalog.serviceNamed(owner.service().get(), p.port())
                    : Optional.empty();
            if (def.isEmpty()) {
                def = catalog.serviceForPort(p.port());
            }
            if (def.isEmpty()) {
                continue;
            }
            ServiceDefinition d = def.get();
            String key = p.address() + "|" + p.port();
            if (!pending.containsKey(key)) {
                pending.put(key, probes.submit(() -> {
                    ProbeResult r = prober.probe(d.probe(), p.address(), p.port());
                    BindScope bind = BindScope.of(p.address());
                    return new ExposedService(p.port(), d.service(), p.address(), bind, p.pid(), r,
                            severity(d, bind, r));
                }));
            }
        }
        List<ExposedService> out = new ArrayList<>();
        for (Future<ExposedService> f : pending.values()) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                // A probe that throws is a bug, but it must not cost the rest of the inventory.
                continue;
            }
        }
        return out;
    }

    /** How bad a service's exposure is: open + reachable from the network + runs code = critical. */
    static Severity severity(ServiceDefinition d, BindScope bind, ProbeResult r) {
        boolean network = bind != BindScope.LOOPBACK;
        return switch (r.outcome()) {
            case OPEN -> network ? (d.executesCode() ? Severity.CRITICAL : Severity.WARNING)
                    : (d.executesCode() ? Severity.WARNING : Severity.INFO);
            case AUTH_REQUIRED -> network ? Severity.INFO : Severity.OK;
            case TIMEOUT, UNKNOWN, NOT_PROBED -> network ? Severity.WARNING : Severity.INFO;
            case UNREACHABLE -> Severity.INFO;
        };
    }

    @Override
    public Map<String, Object> statusDetails() {
        InventorySnapshot s = latest;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("workloads", s.workloads().size());
        d.put("services", s.services().size());
        d.put("docker", s.docker().available() ? "available" : "not available: " + s.docker().reason());
        d.put("baselines", s.baselines().size());
        d.put("drift", s.driftCount());
        return d;
    }

    @Override
    public void close() {
        probes.shutdownNow();
        prober.close();
        baselines.ifPresent(BaselineManager::close);
    }
}
