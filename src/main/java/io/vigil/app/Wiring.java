package io.vigil.app;

import io.vigil.gpu.GpuSettings;
import io.vigil.gpu.GpuSource;
import io.vigil.gpu.NvidiaSmiGpuReader;
import io.vigil.gpu.nvml.NvmlGpuReader;
import io.vigil.cloud.CloudServices;
import io.vigil.cloud.CloudSettings;
import io.vigil.cloud.RequestBudget;
import io.vigil.host.HostSettings;
import io.vigil.host.HostSource;
import io.vigil.host.HostProcessSource;
import io.vigil.alerts.AlertEngine;
import io.vigil.alerts.AlertManager;
import io.vigil.alerts.AlertSettings;
import io.vigil.alerts.NotificationDispatcher;
import io.vigil.alerts.WebhookNotifier;
import io.vigil.alerts.WebhookTarget;
import io.vigil.rules.DetectorInputs;
import io.vigil.rules.Evaluator;
import io.vigil.rules.MetricReader;
import io.vigil.rules.RuleRepository;
import io.vigil.rules.Signatures;
import io.vigil.host.HostSnapshot;
import io.vigil.playbook.PlaybookService;
import io.vigil.scenario.Scenario;
import io.vigil.scenario.ScenarioClock;
import io.vigil.scenario.ScenarioGpuReader;
import io.vigil.scenario.ScenarioHostReader;
import io.vigil.scenario.ScenarioNetworkReader;
import io.vigil.scenario.ScenarioProcessReader;
import io.vigil.inventory.InventoryFactory;
import io.vigil.inventory.InventorySettings;
import io.vigil.inventory.InventorySource;
import io.vigil.store.Database;
import io.vigil.store.RollupStore;
import io.vigil.store.StoreException;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceScheduler;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;

/**
 * The composition root: the one place that knows every implementation and builds the object graph
 * (clock, settings, database, series store, sources, scheduler). The UI and the command line get
 * their services from here; nothing else constructs them.
 */
public final class Wiring implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);
    static final Duration TICK = Duration.ofSeconds(1); // longest sleep of the scheduler thread; it wakes when a poll is due
    static final Duration FLUSH_EVERY = Duration.ofSeconds(10);

    private final Clock clock;
    private final AppPaths paths;
    private final Settings settings;
    private final SeriesStore series;
    private final SourceScheduler scheduler;
    private final HostProcessSource processes;
    private final GpuSource gpu;
    private final Database database;
    private final RollupStore rollups;
    private final List<String> problems = new ArrayList<>();
    private final ScheduledExecutorService background;
    private final RuleRepository ruleRepository;
    private final AlertSettings alertSettings;
    private final NotificationDispatcher notifications;
    private final AlertEngine alertEngine;
    private final PlaybookService playbooks;

    private final Scenario scenario;
    private final InventorySource inventory;
    private final io.vigil.cost.LiveCostSource liveCost;
    private CloudServices cloud;
    /** What the Cloud view reads: the AWS sources, or the scenario's in a replay; null when neither. */
    private io.vigil.cloud.CloudReadings cloudReadings;
    private boolean cloudOff;
    private Database cloudBudgetDatabase;
    // --- fleet (Prometheus when configured, or the demo's fleet in a scenario replay; else null) ---
    private io.vigil.fleet.FleetSource fleet;
    private io.vigil.fleet.PromQlQuery fleetQuery;

    // ---- Executors this wiring owns; close() drains them (bounded) before the database closes ----
    /** Suggested playbooks' dry runs (audit writes). */
    private final ExecutorService dryRuns = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("dry-run-", 0).factory());
    /** Webhook deliveries (PagerDuty, Slack): a resolve sent at exit still goes out. */
    private final ExecutorService webhookSends = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("webhook-", 0).factory());
    /** The roll-up prune: a long DELETE must not delay the alert tick or the flush. */
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("rollup-prune").factory());
    /** How long close() waits for in-flight work (polls, ticks, dry runs, webhooks) at each stage. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    private final Object lifecycle = new Object();
    private boolean started;
    private boolean closed;

    private Wiring(Clock clock, AppPaths paths, Settings settings, boolean persistent) {
        this(clock, paths, settings, persistent, null, java.util.function.UnaryOperator.identity());
    }

    /**
     * {@code scenario} null: this machine; otherwise the scenario's readers stand in for it.
     * {@code dryRunGate} wraps each suggested dry run (identity in the app; tests hold one back).
     */
    private Wiring(Clock clock, AppPaths paths, Settings settings, boolean persistent, Scenario scenario,
                   java.util.function.UnaryOperator<Runnable> dryRunGate) {
        this.scenario = scenario;
        this.clock = clock;
        this.paths = paths;
        this.settings = settings;
        this.problems.addAll(settings.problems());
        // Owner-only folders, and a warning for trusted files others may write (issue 15).
        this.problems.addAll(TrustedFiles.secureAtStart(paths));
        this.series = new SeriesStore(SeriesStore.DAY_OF_SECONDS, fleetWindow(settings).pointsPerSeries(),
                fleetWindow(settings).window());
        this.scheduler = SourceScheduler.withVirtualThreads(clock);
        scheduler.addListener(series);

        SystemInfo systemInfo = new SystemInfo();
        HostSettings host = settings.section("host", HostSettings.class, problems::add);
        this.processes = scenario == null
                ? HostProcessSource.forThisMachine(systemInfo, host.processPeriod())
                : new HostProcessSource(new ScenarioProcessReader(scenario, clock), new ScenarioNetworkReader(scenario, clock),
                        host.processPeriod());
        HostSource hostSource = scenario == null ? HostSource.forThisMachine(systemInfo, host.period())
                : new HostSource(new ScenarioHostReader(scenario), host.period());
        for (Source source : List.of(hostSource, processes)) {
            scheduler.register(source);
        }
        // GPUs: NVML through FFM first, nvidia-smi when NVML cannot load; DOWN with the reason otherwise.
        GpuSettings gpuSettings = settings.section("gpu", GpuSettings.class, problems::add);
        String nvmlLibrary = gpuSettings.nvmlLibraryOrDefault();
        java.nio.file.Path nvidiaSmi = gpuSettings.nvidiaSmi().isEmpty() ? null : java.nio.file.Path.of(gpuSettings.nvidiaSmi());
        this.gpu = scenario == null
                ? new GpuSource(List.of(() -> NvmlGpuReader.open(nvmlLibrary), () -> NvidiaSmiGpuReader.open(nvidiaSmi)),
                        gpuSettings.period())
                : new GpuSource(List.of(() -> new ScenarioGpuReader(scenario)), gpuSettings.period());
        scheduler.register(gpu);
        // --- live cost: each GPU's share of the instance price plus its energy (docs/live-cost.md) ---
        this.liveCost = liveCostSource(settings, paths, scenario, gpu, gpuSettings.period(), problems);
        scheduler.register(liveCost);

        Database db = null;
        RollupStore roll = null;
        if (persistent) {
            try {
                db = Database.open(paths.databaseFile());
                roll = new RollupStore(db, clock);
                scheduler.addListener(roll);
            } catch (StoreException e) {
                // History is a comfort, not a requirement: keep watching live without it.
                LOG.error("Running without history: {}", e.getMessage()); // the message says it all: no stack trace on a CLI
                problems.add(e.getMessage());
                if (db != null) {
                    db.close();
                    db = null;
                }
            }
        }
        this.database = db;
        this.rollups = roll;
        // One miner-signature and allow-list, loaded once: the rules and the playbook actions share it,
        // so triage never contradicts an alert. (Only a persistent console writes the editable copies.)
        Signatures signatures = persistent ? Signatures.load(paths.configDir()) : Signatures.builtIn();
        this.playbooks = db == null ? null : PlaybookWiring.build(paths, settings, db, clock, this::hostSnapshot,
                signatures, problems,
                scenario == null ? null : "this console is replaying the scenario '" + scenario.name() + "'",
                scenario == null ? null : new io.vigil.scenario.ScenarioStepSimulator(scenario, clock));
        // A scenario replay takes the scenario's inventory: probes, docker and model files from the
        // recording, never this machine's (ADR 0850).
        this.inventory = scenario != null
                ? io.vigil.scenario.ScenarioInventory.create(scenario, clock, processes::latest,
                        inventorySettings(settings, problems))
                : InventoryFactory.create(processes::latest, Optional.ofNullable(db),
                paths.configDir(), AppPaths.home(System.getenv(), Map.of("user.home", System.getProperty("user.home", "."))),
                inventorySettings(settings, problems), clock);
        if (inventory != null) {
            scheduler.register(inventory);
        }
        if (scenario == null) {
            registerCloud(settings, paths, clock);
            if (cloud != null && playbooks != null) {
                playbooks.actions().register(new AwsGuardrailAction(cloud.guardrails()));
            }
        } else {
            // A replay never calls AWS: the scenario's cost and billing stand in for both sources,
            // behind the same readings the Cloud view takes from AWS (ADR 0850).
            var costs = new io.vigil.scenario.ScenarioCostSource(scenario, Duration.ofMinutes(5),
                    settings.section("cloud", CloudSettings.class, p -> { }).costExplorer().dailyRequestBudget());
            var billing = new io.vigil.scenario.ScenarioBillingSource(scenario, Duration.ofMinutes(5));
            scheduler.register(costs);
            scheduler.register(billing);
            cloudReadings = new io.vigil.cloud.CloudReadings(costs, billing);
        }
        // --- fleet: a scenario replay has its own fleet, so the Fleet view is never empty in the demo ---
        if (scenario != null) {
            fleet = new io.vigil.fleet.FleetSource(new io.vigil.scenario.ScenarioFleetReader(scenario),
                    Duration.ofSeconds(15));
            scheduler.register(fleet);
        } else {
            // Prometheus only when an endpoint is configured; local NVML stays the default.
            registerFleet(settings, clock);
        }
        this.background = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("background").factory());

        // Rules and alerts: the rules file always loads (for the editor); alerts need the database.
        this.ruleRepository = new RuleRepository(paths.configDir().resolve("rules.yaml"));
        AlertSettings alertCfg = settings.section("alerts", AlertSettings.class, problems::add);
        this.alertSettings = alertCfg;
        this.notifications = notificationDispatcher(database, clock, alertCfg, problems);
        AlertEngine engine = null;
        if (persistent) {
            ruleRepository.load();
            ruleRepository.problems().forEach(p -> problems.add("Rules: " + p));
            if (database != null) {
                try {
                    Evaluator evaluator = new Evaluator(clock, MetricReader.of(series), fleetRuleInputs(new DetectorInputs(
                            processes::latest, this::gpuProcesses, scheduler::statuses, signatures))
                            .withExfiltration(exfiltrationDetector(settings, scenario != null)));
                    AlertManager alertManager = new AlertManager(database, clock, ruleRepository::rule);
                    alertManager.addListener(notifications);
                    if (playbooks != null) {
                        alertManager.addListener(new SuggestedPlaybookDryRuns(playbooks,
                                task -> dryRuns.execute(dryRunGate.apply(task))));
                    }
                    engine = new AlertEngine(ruleRepository, evaluator, alertManager, notifications);
                    addWebhooks(alertCfg);
                } catch (StoreException e) {
                    LOG.error("Alerts are off: {}", e.getMessage(), e);
                    problems.add("Alerts are off: " + e.getMessage());
                }
            }
        }
        this.alertEngine = engine;
    }

    // --- fleet rules: detectors see the fleet snapshot; promql: rules are evaluated against Prometheus ---
    private io.vigil.rules.PromQlRuleSource promQlRules;

    /**
     * {@code local} plus the fleet's snapshot for the detectors (empty without a fleet) and, when the
     * fleet is read from Prometheus, the poller that evaluates the {@code promql:} rules on the fleet
     * period.
     */
    private DetectorInputs fleetRuleInputs(DetectorInputs local) {
        if (fleet == null) {
            return local;
        }
        io.vigil.fleet.FleetSource source = fleet;
        DetectorInputs inputs = local.withFleet(source::latest);
        if (fleetQuery != null) {
            promQlRules = new io.vigil.rules.PromQlRuleSource(fleetQuery, ruleRepository::rules, source.period());
            scheduler.register(promQlRules);
            inputs = inputs.withPromQl(promQlRules);
        }
        return inputs;
    }

    /** The poller of the {@code promql:} rules; empty unless the fleet is read from Prometheus. */
    public Optional<io.vigil.rules.PromQlRuleSource> promQlRules() {
        return Optional.ofNullable(promQlRules);
    }

    /** Notification state kept in the database when there is one, so a restart still resolves what paged. */
    private static NotificationDispatcher notificationDispatcher(Database db, Clock clock, AlertSettings cfg,
                                                                 List<String> problems) {
        if (db != null) {
            try {
                return new NotificationDispatcher(clock, cfg.repeatInterval(), new io.vigil.alerts.NotificationLog(db));
            } catch (StoreException e) {
                problems.add("Notification state is kept in memory only: " + e.getMessage());
            }
        }
        return new NotificationDispatcher(clock, cfg.repeatInterval());
    }

    private void addWebhooks(AlertSettings cfg) {
        if (cfg.webhooks().isEmpty()) {
            return;
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).build();
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "vigil";
        }
        for (WebhookTarget target : cfg.webhooks()) {
            notifications.addNotifier(new WebhookNotifier(target, http,
                    webhookSends, System.getenv(), 4, Duration.ofSeconds(2), host));
            LOG.info("Alerts go to webhook {} ({}, {})", target.name(), target.type(), target.redactedUrl());
        }
    }

    /**
     * AWS cost sources. Their request budget lives in the database; without the app's database
     * ({@code vigil status}) the file is opened just for the budget, so every run counts requests.
     */
    private void registerCloud(Settings settings, AppPaths paths, Clock clock) {
        try {
            CloudSettings cloudSettings = settings.section("cloud", CloudSettings.class);
            if (!cloudSettings.enabled()) {
                // cloud.enabled: false means no AWS call at all: no source, no SDK client is built.
                cloudOff = true;
                LOG.info("AWS cost sources are off (cloud.enabled: false)");
                return;
            }
            Database budgetDb = database;
            if (budgetDb == null) {
                cloudBudgetDatabase = Database.open(paths.databaseFile());
                budgetDb = cloudBudgetDatabase;
            }
            cloud = CloudServices.create(cloudSettings,
                    new RequestBudget(budgetDb, clock, cloudSettings.costExplorer().dailyRequestBudget()));
            scheduler.register(cloud.cost());
            scheduler.register(cloud.cloudWatch());
            cloudReadings = new io.vigil.cloud.CloudReadings(cloud.cost(), cloud.cloudWatch());
        } catch (StoreException | IllegalArgumentException e) {
            LOG.error("AWS cost sources disabled: {}", e.getMessage());
            problems.add("AWS cost sources disabled: " + e.getMessage());
        }
    }

    /** The fleet settings for the series store's short fleet window; the defaults when the section is broken. */
    private static io.vigil.fleet.FleetSettings fleetWindow(Settings settings) {
        try {
            return settings.section("fleet", io.vigil.fleet.FleetSettings.class);
        } catch (IllegalArgumentException e) {
            return new io.vigil.fleet.FleetSettings(List.of(), "", 0, 0); // registerFleet reports the problem
        }
    }

    /** The fleet source when {@code fleet:} names an endpoint (or VIGIL_PROMETHEUS_URL is set). */
    private void registerFleet(Settings settings, Clock clock) {
        try {
            io.vigil.fleet.FleetSettings fs = settings.section("fleet", io.vigil.fleet.FleetSettings.class);
            if (!fs.configured()) {
                return;
            }
            var connection = io.vigil.fleet.prometheus.PrometheusEndpoints.connect(fs, System.getenv(), clock);
            fleet = new io.vigil.fleet.FleetSource(connection.reader(), fs.period());
            fleetQuery = connection.query();
            scheduler.register(fleet);
        } catch (IllegalArgumentException e) {
            LOG.error("Fleet disabled: {}", e.getMessage());
            problems.add("Fleet disabled: " + e.getMessage());
        }
    }

    /** The full graph for the desktop console. */
    public static Wiring forDesktop(AppPaths paths, Clock clock) {
        return new Wiring(clock, paths, loadSettings(paths), true);
    }

    /**
     * The full graph driven by a recorded scenario instead of this machine: the scenario's readers and
     * an accelerated clock, everything downstream unchanged. It keeps its own config and data folders
     * ({@code demo/} inside the usual ones), starts from an empty database each time, and its
     * playbooks only dry-run or simulate (ADR 0851).
     */
    public static Wiring forScenario(AppPaths paths, Scenario scenario, double speed) {
        AppPaths demo = new AppPaths(paths.configDir().resolve("demo"), paths.dataDir().resolve("demo"));
        try {
            // The audit key and anchors belong to that database: a fresh database with old anchors would not verify.
            for (String f : List.of("vigil.db", "vigil.db-wal", "vigil.db-shm", io.vigil.playbook.AuditLog.KEY_FILE,
                    io.vigil.playbook.AuditLog.ANCHOR_FILE)) {
                java.nio.file.Files.deleteIfExists(demo.dataDir().resolve(f));
            }
        } catch (java.io.IOException e) {
            LOG.warn("Could not clear the demo database: {}", e.getMessage());
        }
        ScenarioClock clock = new ScenarioClock(scenario.start(), speed, java.time.ZoneId.systemDefault());
        return forScenario(demo, scenario, clock);
    }

    /** A scenario replay in {@code paths} on {@code clock} (tests drive a manual clock). */
    static Wiring forScenario(AppPaths paths, Scenario scenario, Clock clock) {
        return forScenario(paths, scenario, clock, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #forScenario(AppPaths, Scenario, Clock)}, each suggested dry run wrapped by {@code dryRunGate}. */
    static Wiring forScenario(AppPaths paths, Scenario scenario, Clock clock,
                              java.util.function.UnaryOperator<Runnable> dryRunGate) {
        return new Wiring(clock, paths, loadSettings(paths), true, scenario, dryRunGate);
    }

    /** The scenario being replayed, if any. */
    public Optional<Scenario> scenario() {
        return Optional.ofNullable(scenario);
    }

    /** Sources and database, not started: for {@code vigil playbook} and {@code vigil audit}. */
    public static Wiring forCommandLine(AppPaths paths, Clock clock) {
        return new Wiring(clock, paths, loadSettings(paths), true);
    }

    /** Sources only, no database: for {@code vigil status}. */
    public static Wiring forStatus(AppPaths paths, Clock clock) {
        return new Wiring(clock, paths, loadSettings(paths), false);
    }

    static Settings loadSettings(AppPaths paths) {
        Map<String, String> props = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return Settings.load(paths.settingsFile(), System.getenv(), props);
    }

    /** Starts polling, and the periodic roll-up writes. Once; nothing after {@link #close()}. */
    public void start() {
        synchronized (lifecycle) {
            if (started || closed) {
                return;
            }
            started = true;
        }
        scheduler.start(TICK);
        if (rollups != null) {
            background.scheduleWithFixedDelay(this::flushRollups, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            maintenance.scheduleWithFixedDelay(this::pruneRollups, 1, 60, TimeUnit.MINUTES);
        }
        if (alertEngine != null) {
            background.scheduleAtFixedRate(alertEngine::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    private void flushRollups() {
        try {
            rollups.flush();
        } catch (StoreException e) {
            LOG.warn("Writing roll-ups failed; they stay in memory and are retried: {}", e.getMessage());
        }
    }

    private void pruneRollups() {
        try {
            rollups.prune();
        } catch (StoreException e) {
            LOG.warn("Pruning roll-ups failed: {}", e.getMessage());
        }
    }

    public Clock clock() {
        return clock;
    }

    public AppPaths paths() {
        return paths;
    }

    public Settings settings() {
        return settings;
    }

    public SeriesStore series() {
        return series;
    }

    public SourceScheduler scheduler() {
        return scheduler;
    }

    public HostProcessSource processes() {
        return processes;
    }

    /** The GPU source: its latest snapshot (GPUs and their processes) for views and detectors. */
    public GpuSource gpu() {
        return gpu;
    }

    // --- live cost ---
    /**
     * The live cost source on {@code gpu}'s readings: a scenario's instance type, else the settings'
     * (set by hand, or the EC2 instance metadata asked on a poll thread, never here).
     */
    private static io.vigil.cost.LiveCostSource liveCostSource(Settings settings, AppPaths paths, Scenario scenario,
                                                               GpuSource gpu, Duration period, List<String> problems) {
        io.vigil.cost.LiveCostSettings cfg = settings.section("liveCost", io.vigil.cost.LiveCostSettings.class, problems::add);
        io.vigil.cost.GpuPricing pricing = io.vigil.cost.GpuPricing.load(paths.configDir());
        pricing.problem().ifPresent(p -> problems.add("GPU prices: " + p));
        if (scenario != null) {
            Optional<String> type = scenario.instanceType().isEmpty() ? Optional.empty() : Optional.of(scenario.instanceType());
            return new io.vigil.cost.LiveCostSource(gpu::latest, pricing, type, "the scenario's recorded machine",
                    Optional.empty(), cfg.electricityUsdPerKwh(), period);
        }
        return io.vigil.cost.LiveCostSource.create(gpu::latest, pricing, cfg, System.getenv(), period);
    }

    /** The live cost estimate (GPU-hours and energy priced). */
    public io.vigil.cost.LiveCostSource liveCost() {
        return liveCost;
    }

    /** The inventory source: this machine's, or the scenario's in a replay. */
    public InventorySource inventory() {
        return inventory;
    }

    // --- exfiltration detector: open files under the inventory's watched roots (none in a scenario replay) ---
    private static io.vigil.rules.ExfiltrationDetector exfiltrationDetector(Settings settings, boolean replay) {
        if (replay) {
            return null;
        }
        // Problems with the section are reported once, by the inventory.
        List<java.nio.file.Path> roots = settings.section("inventory", InventorySettings.class, p -> { }).watchedRootPaths(
                AppPaths.home(System.getenv(), Map.of("user.home", System.getProperty("user.home", "."))));
        return new io.vigil.rules.ExfiltrationDetector(io.vigil.host.OpenFilesReader.forThisMachine(), () -> roots);
    }

    private static InventorySettings inventorySettings(Settings settings, List<String> problems) {
        return settings.section("inventory", InventorySettings.class, problems::add);
    }

    public Optional<RollupStore> rollups() {
        return Optional.ofNullable(rollups);
    }

    public Optional<Database> database() {
        return Optional.ofNullable(database);
    }

    /** The rules file and the rules in force. */
    public RuleRepository ruleRepository() {
        return ruleRepository;
    }

    /** Rule evaluation and alerts; empty without a database. */
    public Optional<AlertEngine> alertEngine() {
        return Optional.ofNullable(alertEngine);
    }

    /** Where notifiers (desktop, sound) are added by the UI. */
    public NotificationDispatcher notifications() {
        return notifications;
    }

    public AlertSettings alertSettings() {
        return alertSettings;
    }

    /** Playbooks, their runner and audit log; empty without a database (runs must be audited). */
    public Optional<PlaybookService> playbooks() {
        return Optional.ofNullable(playbooks);
    }

    /** The process source's latest snapshot, taken now when it has none yet (command line, first seconds). */
    HostSnapshot hostSnapshot() {
        HostSnapshot s = processes.latest();
        if (s.epochMillis() == 0) {
            try {
                processes.poll(clock.instant());
            } catch (Exception e) {
                LOG.warn("Process snapshot failed: {}", e.getMessage());
            }
            s = processes.latest();
        }
        return s;
    }

    /** Every process the GPU source last saw, for the unexplained-GPU-load detector. */
    private List<io.vigil.rules.GpuProcessObservation> gpuProcesses() {
        List<io.vigil.rules.GpuProcessObservation> out = new ArrayList<>();
        for (io.vigil.gpu.GpuReading g : gpu.latest().gpus()) {
            for (io.vigil.gpu.GpuProcess p : g.processes()) {
                out.add(new io.vigil.rules.GpuProcessObservation(g.index(), p.pid(), p.smUtilPercent(), g.uuid()));
            }
        }
        return out;
    }

    /** The AWS cost services; empty when their settings or budget store could not be used. */
    /** True when settings turn AWS off ({@code cloud.enabled: false}): no AWS call is made. */
    public boolean cloudOff() {
        return cloudOff;
    }

    public Optional<CloudServices> cloud() {
        return Optional.ofNullable(cloud);
    }

    /** The cost and billing readings for the Cloud view: AWS's, or the scenario's in a replay; empty when off. */
    public Optional<io.vigil.cloud.CloudReadings> cloudReadings() {
        return Optional.ofNullable(cloudReadings);
    }

    /** The fleet source (Prometheus, or the demo's fleet in a scenario replay); empty when none is configured. */
    public Optional<io.vigil.fleet.FleetSource> fleet() {
        return Optional.ofNullable(fleet);
    }

    /** PromQL over the configured Prometheus endpoints, for rules; empty without a Prometheus fleet. */
    public Optional<io.vigil.fleet.PromQlQuery> fleetQuery() {
        return Optional.ofNullable(fleetQuery);
    }

    /** Start-up problems a user should see (broken settings file, database unavailable). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Stops everything in order, each stage waiting (bounded by {@link #CLOSE_GRACE}) for work in
     * flight: polls (then sources and their AWS clients close), the alert tick, flush and prune, the
     * suggested dry runs and webhook deliveries; then the final roll-up write and the database. So
     * nothing meets a closed database or client. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.close(CLOSE_GRACE);
        drain("background", background);
        drain("roll-up prune", maintenance);
        drain("dry runs", dryRuns);
        drain("webhooks", webhookSends);
        if (rollups != null) {
            try {
                rollups.flushAll();
            } catch (StoreException e) {
                LOG.warn("Final roll-up write failed: {}", e.getMessage());
            }
        }
        if (database != null) {
            database.close();
        }
        if (cloudBudgetDatabase != null) {
            cloudBudgetDatabase.close();
        }
    }

    /** Lets submitted work finish (bounded), then interrupts what is left. */
    private static void drain(String what, ExecutorService executor) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Closing: {} still running after {} s; interrupting", what, CLOSE_GRACE.toSeconds());
                executor.shutdownNow();
                executor.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
