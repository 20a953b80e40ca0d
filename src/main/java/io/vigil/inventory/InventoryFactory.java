package io.vigil.inventory;

import io.vigil.host.HostSnapshot;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/** Builds the inventory's object graph from its settings, for the composition root. */
public final class InventoryFactory {

    /** Entries visited at most by one scan for recently modified model files. */
    static final int MODEL_SCAN_LIMIT = 200_000;

    private InventoryFactory() {
    }

    /**
     * @param database  the app's database, or empty (then integrity checking is unavailable)
     * @param configDir where a user's {@code workloads.yaml} extends the built-in catalogue
     */
    public static InventorySource create(Supplier<HostSnapshot> host, Optional<Database> database, Path configDir,
                                         Path home, InventorySettings settings, Clock clock) {
        WorkloadCatalog catalog = WorkloadCatalog.load(Optional.of(configDir.resolve("workloads.yaml")));
        Optional<BaselineManager> manager = Optional.empty();
        String unavailable = "the database is not open, so hash baselines are unavailable";
        if (database.isPresent()) {
            try {
                manager = Optional.of(new BaselineManager(new BaselineStore(database.get()),
                        new FileHasher(new RateLimiter(settings.hashRateLimitMBps())), settings.hashConcurrency(), clock));
            } catch (StoreException e) {
                unavailable = e.getMessage();
            }
        }
        return new InventorySource(host, catalog, new WorkloadClassifier(catalog, ProcMaps.system()),
                new ServiceProber(settings.probeTimeout()), new DockerReader(settings.dockerPath(), settings.probeTimeout()
                .multipliedBy(4)), manager, unavailable, new ModelFileScanner(MODEL_SCAN_LIMIT),
                settings.watchedRootPaths(home), settings, clock);
    }
}
