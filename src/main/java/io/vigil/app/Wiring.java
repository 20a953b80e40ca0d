package io.vigil.app;

import io.vigil.cloud.CloudServices;
import io.vigil.cloud.CloudSettings;
import io.vigil.cloud.RequestBudget;
import io.vigil.host.HostSettings;
import io.vigil.host.OshiHostSource;
import io.vigil.host.OshiProcessSource;
import io.vigil.store.Database;
import io.vigil.store.RollupStore;
import io.vigil.store.StoreException;
import io.vigil.telemetry.SeriesStore;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    static final Duration TICK = Duration.ofMillis(100);
    static final Duration FLUSH_EVERY = Duration.ofSeconds(10);

    private final Clock clock;
    private final AppPaths paths;
    private final Settings settings;
    private final SeriesStore series;
    private final SourceScheduler scheduler;
    private final OshiProcessSource processes;
    private final Database database;
    private final RollupStore rollups;
    private final List<String> problems = new ArrayList<>();
    private final ScheduledExecutorService background;
    private CloudServices cloud;
    private Database cloudBudgetDatabase;

    private Wiring(Clock clock, AppPaths paths, Settings settings, boolean persistent) {
        this.clock = clock;
        this.paths = paths;
        this.settings = settings;
        this.problems.addAll(settings.problems());
        this.series = new SeriesStore();
        this.scheduler = SourceScheduler.withVirtualThreads(clock);
        scheduler.addListener(series);

        SystemInfo systemInfo = new SystemInfo();
        HostSettings host = settings.section("host", HostSettings.class);
        this.processes = new OshiProcessSource(systemInfo, host.processPeriod());
        for (Source source : List.of(new OshiHostSource(systemInfo, host.period()), processes)) {
            scheduler.register(source);
        }

        Database db = null;
        RollupStore roll = null;
        if (persistent) {
            try {
                db = Database.open(paths.databaseFile());
                roll = new RollupStore(db, clock);
                scheduler.addListener(roll);
            } catch (StoreException e) {
                // History is a comfort, not a requirement: keep watching live without it.
                LOG.error("Running without history: {}", e.getMessage(), e);
                problems.add(e.getMessage());
                if (db != null) {
                    db.close();
                    db = null;
                }
            }
        }
        this.database = db;
        this.rollups = roll;
        registerCloud(settings, paths, clock);
        this.background = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("background").factory());
    }

    /**
     * AWS cost sources. Their request budget lives in the database; without the app's database
     * ({@code vigil status}) the file is opened just for the budget, so every run counts requests.
     */
    private void registerCloud(Settings settings, AppPaths paths, Clock clock) {
        try {
            CloudSettings cloudSettings = settings.section("cloud", CloudSettings.class);
            Database budgetDb = database;
            if (budgetDb == null) {
                cloudBudgetDatabase = Database.open(paths.databaseFile());
                budgetDb = cloudBudgetDatabase;
            }
            cloud = CloudServices.create(cloudSettings,
                    new RequestBudget(budgetDb, clock, cloudSettings.costExplorer().dailyRequestBudget()));
            scheduler.register(cloud.cost());
            scheduler.register(cloud.cloudWatch());
        } catch (StoreException | IllegalArgumentException e) {
            LOG.error("AWS cost sources disabled: {}", e.getMessage());
            problems.add("AWS cost sources disabled: " + e.getMessage());
        }
    }

    /** The full graph for the desktop console. */
    public static Wiring forDesktop(AppPaths paths, Clock clock) {
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

    /** Starts polling, and the periodic roll-up writes. */
    public void start() {
        scheduler.start(TICK);
        if (rollups != null) {
            background.scheduleWithFixedDelay(this::flushRollups, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            background.scheduleWithFixedDelay(this::pruneRollups, 1, 60, TimeUnit.MINUTES);
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

    public OshiProcessSource processes() {
        return processes;
    }

    public Optional<RollupStore> rollups() {
        return Optional.ofNullable(rollups);
    }

    public Optional<Database> database() {
        return Optional.ofNullable(database);
    }

    /** The AWS cost services; empty when their settings or budget store could not be used. */
    public Optional<CloudServices> cloud() {
        return Optional.ofNullable(cloud);
    }

    /** Start-up problems a user should see (broken settings file, database unavailable). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        scheduler.close();
        background.shutdownNow();
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
}
