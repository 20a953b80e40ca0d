package io.vigil.inventory;

import io.vigil.store.StoreException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes and verifies hash baselines of model and data files. All work happens off the caller's
 * thread (every method returns at once with a future); at most {@code concurrency} files are hashed
 * at a time, and all reads share one {@link RateLimiter}. Verify re-hashes every file rather than
 * trusting size and mtime, because both are trivially forged ({@code touch -d}); a content change
 * that keeps them is still found.
 *
 * <p>Unreadable files and symlink loops never abort a run: they are reported as problems (and a
 * file that became unreadable since the baseline as drift, since it can no longer be vouched for).
 * Thread-safe; {@link #verifyAll} coalesces with a verify already running.
 */
public final class BaselineManager implements AutoCloseable {

    private final BaselineStore store;
    private final FileHasher hasher;
    private final Semaphore hashing;
    private final Clock clock;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("baseline-", 0).factory());
    private CompletableFuture<List<VerifyReport>> runningVerify;

    public BaselineManager(BaselineStore store, FileHasher hasher, int concurrency, Clock clock) {
        this.store = store;
        this.hasher = hasher;
        this.hashing = new Semaphore(Math.max(1, concurrency));
        this.clock = clock;
    }

    /** Hashes everything under {@code root} and records it as the baseline (replacing an older one). */
    public CompletableFuture<Baseline> add(Path root, HashProgress progress) {
        Path absolute = root.toAbsolutePath().normalize();
        return CompletableFuture.supplyAsync(() -> {
            try {
                FileScan scan = FileScan.of(absolute);
                List<String> problems = new ArrayList<>(scan.problems());
                Tracker tracker = new Tracker(absolute.toString(), scan.files(), progress);
                List<Hashed> hashed = hashAll(scan.files(), tracker);
                List<ManifestEntry> entries = new ArrayList<>();
                for (Hashed h : hashed) {
                    entries.add(new ManifestEntry(h.item.relative(), h.item.sizeBytes(), h.item.mtimeMillis(),
                            Optional.ofNullable(h.sha256)));
                    if (h.problem != null) {
                        problems.add(h.problem);
                    }
                }
                store.save(absolute, clock.millis(), entries, problems);
                return store.baselines().stream().filter(b -> b.root().equals(absolute)).findFirst()
                        .orElseThrow(() -> new IllegalStateException("baseline of " + absolute + " vanished"));
            } catch (IOException | StoreException e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    /** Verifies the baseline of {@code root} against the files now, and records the outcome. */
    public CompletableFuture<VerifyReport> verify(Path root, HashProgress progress) {
        Path absolute = root.toAbsolutePath().normalize();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return verifyNow(absolute, progress);
            } catch (StoreException e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    /** Verifies every baseline, one after another; joins a run already under way. */
    public synchronized CompletableFuture<List<VerifyReport>> verifyAll(HashProgress progress) {
        if (runningVerify != null && !runningVerify.isDone()) {
            return runningVerify;
        }
        runningVerify = CompletableFuture.supplyAsync(() -> {
            try {
                List<VerifyReport> out = new ArrayList<>();
                for (Baseline b : store.baselines()) {
                    out.add(verifyNow(b.root(), progress));
                }
                return out;
            } catch (StoreException e) {
                throw new CompletionException(e);
            }
        }, executor);
        return runningVerify;
    }

    public List<Baseline> baselines() throws StoreException {
        return store.baselines();
    }

    public boolean remove(Path root) throws StoreException {
        return store.remove(root.toAbsolutePath().normalize());
    }

    private VerifyReport verifyNow(Path root, HashProgress progress) throws StoreException {
        Map<String, ManifestEntry> manifest = store.manifest(root)
                .orElseThrow(() -> new StoreException("no baseline of " + root, null));
        List<DriftEntry> drift = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        FileScan scan;
        try {
            scan = FileScan.of(root);
        } catch (IOException e) {
            // The whole root is gone or unreadable: every file of the manifest counts as removed.
            for (ManifestEntry m : manifest.values()) {
                drift.add(new DriftEntry(m.path(), DriftEntry.Kind.REMOVED, "missing (" + e.getMessage() + ")"));
            }
            VerifyReport r = new VerifyReport(root, clock.millis(), 0, 0, drift, List.of(e.getMessage()));
            store.recordVerify(r);
            return r;
        }
        problems.addAll(scan.problems());
        Set<String> seen = new HashSet<>();
        List<FileScan.Item> toHash = new ArrayList<>();
        for (FileScan.Item item : scan.files()) {
            seen.add(item.relative());
            if (manifest.containsKey(item.relative())) {
                toHash.add(item);
            } else {
                drift.add(new DriftEntry(item.relative(), DriftEntry.Kind.ADDED, "new file, " + item.sizeBytes() + " bytes"));
            }
        }
        for (ManifestEntry m : manifest.values()) {
            if (!seen.contains(m.path())) {
                drift.add(new DriftEntry(m.path(), DriftEntry.Kind.REMOVED, "no longer present"));
            }
        }
        Tracker tracker = new Tracker(root.toString(), toHash, progress);
        long bytes = 0;
        for (Hashed h : hashAll(toHash, tracker)) {
            ManifestEntry before = manifest.get(h.item.relative());
            bytes += h.item.sizeBytes();
            if (h.sha256 == null) {
                if (before.sha256().isPresent()) {
                    drift.add(new DriftEntry(before.path(), DriftEntry.Kind.UNREADABLE,
                            "cannot be read any more, so it cannot be verified (" + h.problem + ")"));
                } else {
                    problems.add(h.problem + " (also unreadable when the baseline was taken)");
                }
            } else if (before.sha256().isEmpty()) {
                drift.add(new DriftEntry(before.path(), DriftEntry.Kind.CHANGED,
                        "readable now but was unreadable when the baseline was taken"));
            } else if (!before.sha256().get().equals(h.sha256)) {
                String how = before.sizeBytes() != h.item.sizeBytes()
                        ? "size " + before.sizeBytes() + " → " + h.item.sizeBytes() + " bytes"
                        : before.mtimeMillis() == h.item.mtimeMillis()
                                ? "content changed with the same size and modification time"
                                : "content changed, same size";
                drift.add(new DriftEntry(before.path(), DriftEntry.Kind.CHANGED, how + "; SHA-256 "
                        + before.sha256().get().substring(0, 12) + "… → " + h.sha256.substring(0, 12) + "…"));
            }
        }
        drift.sort(java.util.Comparator.comparing(DriftEntry::path));
        VerifyReport report = new VerifyReport(root, clock.millis(), toHash.size(), bytes, drift, problems);
        store.recordVerify(report);
        return report;
    }

    private record Hashed(FileScan.Item item, String sha256, String problem) {
    }

    /** Hashes {@code items} with at most the permitted concurrency; results in input order. */
    private List<Hashed> hashAll(List<FileScan.Item> items, Tracker tracker) {
        List<Future<Hashed>> futures = new ArrayList<>(items.size());
        for (FileScan.Item item : items) {
            futures.add(executor.submit(() -> hashOne(item, tracker)));
        }
        List<Hashed> out = new ArrayList<>(items.size());
        try {
            for (Future<Hashed> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw new CompletionException(e.getCause());
        }
        return out;
    }

    private Hashed hashOne(FileScan.Item item, Tracker tracker) throws InterruptedException {
        hashing.acquire();
        try {
            String sha = hasher.sha256(item.absolute(), tracker::addBytes);
            return new Hashed(item, sha, null);
        } catch (AccessDeniedException e) {
            tracker.skip(item);
            return new Hashed(item, null, item.absolute() + ": permission denied");
        } catch (NoSuchFileException e) {
            tracker.skip(item);
            return new Hashed(item, null, item.absolute() + ": disappeared while being hashed");
        } catch (IOException e) {
            tracker.skip(item);
            return new Hashed(item, null, item.absolute() + ": cannot be read (" + e.getMessage() + ")");
        } finally {
            hashing.release();
            tracker.fileDone(item);
        }
    }

    /** Progress across the files of one run; shared by the hashing threads. */
    private static final class Tracker {
        private final String root;
        private final long totalBytes;
        private final int totalFiles;
        private final HashProgress listener;
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong skippedBytes = new AtomicLong();
        private final AtomicInteger files = new AtomicInteger();

        Tracker(String root, List<FileScan.Item> items, HashProgress listener) {
            this.root = root;
            this.totalBytes = items.stream().mapToLong(FileScan.Item::sizeBytes).sum();
            this.totalFiles = items.size();
            this.listener = listener;
            listener.onProgress(new HashProgress.Progress(root, 0, totalBytes, 0, totalFiles));
        }

        void addBytes(long n) {
            long done = bytes.addAndGet(n);
            listener.onProgress(new HashProgress.Progress(root, done + skippedBytes.get(), totalBytes, files.get(), totalFiles));
        }

        /** A file that failed counts as done for the progress bar. */
        void skip(FileScan.Item item) {
            skippedBytes.addAndGet(item.sizeBytes());
        }

        void fileDone(FileScan.Item item) {
            int done = files.incrementAndGet();
            listener.onProgress(new HashProgress.Progress(root, Math.min(totalBytes, bytes.get() + skippedBytes.get()),
                    totalBytes, done, totalFiles));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
