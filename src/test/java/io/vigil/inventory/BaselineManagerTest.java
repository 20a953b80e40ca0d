package io.vigil.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineManagerTest {

    /** SHA-256 of 1 GiB of zero bytes, as printed by {@code head -c 1073741824 /dev/zero | sha256sum}. */
    static final String SHA256_OF_1GIB_ZEROS = "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14";

    @TempDir
    Path dir;

    private Database database;
    private BaselineManager manager;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-22T03:00:00Z"));
    private Path models;

    @BeforeEach
    void setUp() throws Exception {
        database = Database.open(dir.resolve("vigil.db"));
        manager = new BaselineManager(new BaselineStore(database), new FileHasher(RateLimiter.unlimited()), 2, clock);
        models = Files.createDirectories(dir.resolve("models"));
        Files.writeString(models.resolve("config.json"), "{\"hidden_size\": 4096}");
        Files.createDirectories(models.resolve("shards"));
        Files.write(models.resolve("shards/model-00001.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Files.write(models.resolve("shards/model-00002.safetensors"), new byte[] {9, 10, 11, 12});
    }

    @AfterEach
    void tearDown() {
        manager.close();
        database.close();
    }

    private VerifyReport verify() {
        clock.advance(java.time.Duration.ofMinutes(1));
        return manager.verify(models, HashProgress.NONE).join();
    }

    @Test
    void recordsManifestAndVerifiesClean() throws Exception {
        Baseline b = manager.add(models, HashProgress.NONE).join();
        assertEquals(models.toAbsolutePath(), b.root());
        assertEquals(3, b.fileCount());
        assertEquals(21 + 8 + 4, b.totalBytes());
        assertFalse(b.verified());

        VerifyReport r = verify();
        assertTrue(r.clean(), r.drift().toString());
        assertEquals(3, r.filesChecked());
        Baseline after = manager.baselines().getFirst();
        assertEquals(clock.millis(), after.lastVerifyMillis().orElseThrow());
        assertEquals(List.of(), after.drift());
    }

    @Test
    void detectsAByteModifiedAFileAddedAndAFileDeleted() throws Exception {
        manager.add(models, HashProgress.NONE).join();
        Files.write(models.resolve("shards/model-00001.safetensors"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 0});
        Files.writeString(models.resolve("backdoor.pt"), "pickle");
        Files.delete(models.resolve("config.json"));

        VerifyReport r = verify();
        assertEquals(List.of(
                "ADDED backdoor.pt", "REMOVED config.json", "CHANGED shards/model-00001.safetensors"),
                r.drift().stream().map(d -> d.kind() + " " + d.path()).toList());
        assertTrue(r.drift().get(2).detail().startsWith("size 8 → 9 bytes"), r.drift().get(2).detail());
        assertEquals(3, manager.baselines().getFirst().drift().size(), "the drift is stored for the view and CLI");
    }

    @Test
    void detectsContentReplacedWithSameSizeAndMtime() throws Exception {
        Path shard = models.resolve("shards/model-00002.safetensors");
        FileTime mtime = Files.getLastModifiedTime(shard);
        manager.add(models, HashProgress.NONE).join();

        Files.write(shard, new byte[] {9, 10, 11, 13});
        Files.setLastModifiedTime(shard, mtime);
        assertEquals(4, Files.size(shard));

        VerifyReport r = verify();
        assertEquals(1, r.drift().size());
        DriftEntry d = r.drift().getFirst();
        assertEquals(DriftEntry.Kind.CHANGED, d.kind());
        assertEquals("shards/model-00002.safetensors", d.path());
        assertTrue(d.detail().contains("same size and modification time"), d.detail());
    }

    @Test
    void hashesAOneGigabyteSparseFileOffTheCallersThreadWithProgress() throws Exception {
        Path big = Files.createDirectories(dir.resolve("big"));
        try (RandomAccessFile f = new RandomAccessFile(big.resolve("weights.gguf").toFile(), "rw")) {
            f.setLength(1L << 30); // sparse: no disk blocks, reads as zeros
        }
        List<HashProgress.Progress> seen = new CopyOnWriteArrayList<>();
        CountDownLatch firstBytes = new CountDownLatch(1);
        CountDownLatch callerMayGo = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        List<Thread> progressThreads = new CopyOnWriteArrayList<>();
        CompletableFuture<Baseline> future = manager.add(big, p -> {
            seen.add(p);
            progressThreads.add(Thread.currentThread());
            if (p.bytesDone() > 0) {
                firstBytes.countDown();
                try {
                    // Hold the hashing until the caller has shown that it was not blocked.
                    callerMayGo.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertFalse(future.isDone(), "add() returned while hashing was still under way");
        assertTrue(firstBytes.await(30, TimeUnit.SECONDS), "hashing started in the background");
        callerMayGo.countDown();

        Baseline b = future.get(120, TimeUnit.SECONDS);
        assertEquals(1L << 30, b.totalBytes());
        assertFalse(progressThreads.contains(caller), "no progress was reported from the caller's thread");
        HashProgress.Progress last = seen.getLast();
        assertEquals(1L << 30, last.bytesTotal());
        assertEquals(1L << 30, last.bytesDone());
        assertEquals(1.0, last.fraction());
        assertTrue(seen.size() > 100, "progress in many steps, not just start and end: " + seen.size());
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).bytesDone() >= seen.get(i - 1).bytesDone(), "bytes done never go backwards");
        }

        var manifest = new BaselineStore(database).manifest(big.toAbsolutePath()).orElseThrow();
        assertEquals(SHA256_OF_1GIB_ZEROS, manifest.get("weights.gguf").sha256().orElseThrow());
    }

    @Test
    void symlinkLoopIsReportedNotFollowedForever() throws Exception {
        Files.createSymbolicLink(models.resolve("shards/loop"), models);
        Files.createSymbolicLink(models.resolve("self"), models.resolve("self"));
        Baseline b = manager.add(models, HashProgress.NONE).join();
        assertEquals(3, b.fileCount(), "the real files are still recorded");
        assertTrue(b.problems().stream().anyMatch(p -> p.contains("loop") && p.contains("shards/loop")), b.problems().toString());
        assertTrue(b.problems().stream().anyMatch(p -> p.contains("self") && p.contains("cannot be followed")),
                b.problems().toString());
        assertTrue(verify().clean(), "the loop is a problem, not drift");
    }

    @Test
    void unreadableFileIsReportedWithAMessage() throws Exception {
        Path secret = models.resolve("secret.bin");
        Files.writeString(secret, "weights");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        if (Files.isReadable(secret)) {
            // Running as root, where mode 000 does not stop reads: use a file even root cannot read, a
            // write-only sysfs attribute, reached through a symlink inside the baseline.
            Files.delete(secret);
            Files.createSymbolicLink(secret, unreadableEvenByRoot());
        }
        Baseline b = manager.add(models, HashProgress.NONE).join();
        assertEquals(4, b.fileCount(), "the unreadable file is in the manifest, without a hash");
        assertTrue(b.problems().stream().anyMatch(p -> p.contains("secret.bin") && (p.contains("permission denied")
                || p.contains("cannot be read"))), b.problems().toString());

        VerifyReport r = verify();
        assertTrue(r.clean(), "still unreadable: a problem, not drift: " + r.drift());
        assertTrue(r.problems().stream().anyMatch(p -> p.contains("secret.bin")), r.problems().toString());
    }

    @Test
    void fileThatBecomesUnreadableIsDrift() throws Exception {
        Path shard = models.resolve("shards/model-00002.safetensors");
        manager.add(models, HashProgress.NONE).join();
        Files.setPosixFilePermissions(shard, PosixFilePermissions.fromString("---------"));
        if (canRead(shard)) {
            // Root reads through mode 000; swap in a link to a file even root cannot read (see above).
            Path writeOnly = unreadableEvenByRoot();
            Files.delete(shard);
            Files.createSymbolicLink(shard, writeOnly);
        }
        VerifyReport r = verify();
        assertEquals(1, r.drift().size(), r.drift().toString());
        assertEquals(DriftEntry.Kind.UNREADABLE, r.drift().getFirst().kind());
        assertTrue(r.drift().getFirst().detail().contains("cannot be read any more"), r.drift().getFirst().detail());
    }

    @Test
    void removedRootCountsEveryFileAsRemoved() throws Exception {
        manager.add(models, HashProgress.NONE).join();
        try (var walk = Files.walk(models)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        VerifyReport r = verify();
        assertEquals(3, r.drift().size());
        assertTrue(r.drift().stream().allMatch(d -> d.kind() == DriftEntry.Kind.REMOVED));
    }

    @Test
    void rateLimiterSpacesReadsToTheConfiguredRate() throws Exception {
        long[] now = {0};
        List<Long> sleeps = new CopyOnWriteArrayList<>();
        RateLimiter limiter = new RateLimiter(4, () -> now[0], nanos -> sleeps.add(nanos));
        for (int i = 0; i < 4; i++) {
            limiter.acquire(1_000_000);
        }
        // 1 MB at 4 MB/s is 250 ms each; with the clock standing still the waits pile up.
        assertEquals(List.of(250_000_000L, 500_000_000L, 750_000_000L), sleeps);
        now[0] = 2_000_000_000L;
        limiter.acquire(1_000_000);
        assertEquals(3, sleeps.size(), "after an idle pause the next read goes at once");
        RateLimiter.unlimited().acquire(Long.MAX_VALUE);
    }

    /**
     * A file that exists and that even root cannot read: a write-only sysfs attribute, or this
     * process's own memory file, whose first page is unmapped (reading it fails with EIO).
     */
    private static Path unreadableEvenByRoot() {
        for (Path p : List.of(Path.of("/sys/bus/pci/rescan"), Path.of("/proc/self/mem"))) {
            if (Files.exists(p) && !canRead(p)) {
                return p;
            }
        }
        throw new AssertionError("no file that root cannot read on this machine (/sys/bus/pci/rescan, /proc/self/mem)");
    }

    private static boolean canRead(Path p) {
        try (var in = Files.newInputStream(p)) {
            in.read();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
