package io.vigil.ui.inventory;

import io.vigil.inventory.HashProgress;
import io.vigil.inventory.InventorySnapshot;
import io.vigil.inventory.Workload;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the Inventory view shows and the commands it offers, without JavaFX controls: the latest
 * inventory snapshot, hashing progress, GPU memory per workload (from the GPU source's
 * {@code gpu.process.memory_bytes{gpu,pid}} series when present) and the baseline commands, which
 * run in the background and leave a message for the next refresh.
 */
final class InventoryViewModel {

    static final String GPU_PROCESS_MEMORY = "gpu.process.memory_bytes";

    private final Supplier<InventorySnapshot> snapshot;
    private final Supplier<HashProgress.Progress> progress;
    private final SeriesStore series;
    private final Clock clock;
    private final Function<Path, CompletableFuture<?>> addBaseline;
    private final Supplier<CompletableFuture<?>> verifyNow;
    private volatile String message = "";
    private volatile boolean busy;

    InventoryViewModel(Supplier<InventorySnapshot> snapshot, Supplier<HashProgress.Progress> progress, SeriesStore series,
                       Clock clock, Function<Path, CompletableFuture<?>> addBaseline,
                       Supplier<CompletableFuture<?>> verifyNow) {
        this.snapshot = snapshot;
        this.progress = progress;
        this.series = series;
        this.clock = clock;
        this.addBaseline = addBaseline;
        this.verifyNow = verifyNow;
    }

    InventorySnapshot snapshot() {
        return snapshot.get();
    }

    /** The hashing under way, or null. */
    HashProgress.Progress progress() {
        return progress.get();
    }

    long now() {
        return clock.millis();
    }

    /** Bytes of GPU memory the workload's process holds over all GPUs, when the GPU source reports it. */
    OptionalDouble gpuMemoryBytes(Workload w) {
        double total = 0;
        boolean any = false;
        String pid = Integer.toString(w.pid());
        for (MetricId id : series.idsNamed(GPU_PROCESS_MEMORY)) {
            if (pid.equals(id.label("pid"))) {
                double v = series.latest(id);
                if (!Double.isNaN(v)) {
                    total += v;
                    any = true;
                }
            }
        }
        return any ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    boolean busy() {
        return busy;
    }

    String message() {
        return message;
    }

    void addBaseline(Path root) {
        run("Hashing " + root + " …", "Baseline of " + root + " recorded.", () -> addBaseline.apply(root));
    }

    void verifyNow() {
        run("Verifying baselines …", "Verify finished.", verifyNow);
    }

    private void run(String start, String done, Supplier<CompletableFuture<?>> work) {
        busy = true;
        message = start;
        CompletableFuture<?> f;
        try {
            f = work.get();
        } catch (RuntimeException e) {
            busy = false;
            message = e.getMessage();
            return;
        }
        f.whenComplete((r, e) -> {
            busy = false;
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            message = cause == null ? done : "Failed: " + cause.getMessage();
        });
    }
}
