package io.vigil.bench;

import io.vigil.inventory.FileHasher;
import io.vigil.inventory.RateLimiter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Hashing throughput of the baseline hasher ({@link FileHasher}, unlimited rate) against coreutils
 * {@code sha256sum} on the same file, in one run: both read the file from the page cache after a
 * warm-up, so the figure is SHA-256 speed plus read overhead. Both wall-clock and CPU-time rates
 * are printed: on a shared, overloaded machine the wall clock mostly measures waiting for a core,
 * while CPU time (the hashing thread's, and {@code sha256sum}'s user+sys from the shell's
 * {@code times}) compares the work itself. Run as a plain main:
 * {@code java -cp target/classes:target/test-classes:DEPS io.vigil.bench.HashThroughputBench [MiB]}.
 */
public final class HashThroughputBench {

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int rounds = 5;
        Path file = Files.createTempFile("vigil-hash-bench", ".safetensors");
        try {
            write(file, mib);
            long bytes = Files.size(file);
            FileHasher hasher = new FileHasher(RateLimiter.unlimited());
            String javaSum = hasher.sha256(file, n -> { });
            String toolSum = sha256sum(file);
            if (!javaSum.equals(toolSum)) {
                throw new IllegalStateException("digests differ: " + javaSum + " vs " + toolSum);
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            double bestJava = 0;
            double bestTool = 0;
            double bestJavaCpu = 0;
            double bestToolCpu = 0;
            for (int i = 0; i < rounds; i++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                hasher.sha256(file, n -> { });
                long t1 = System.nanoTime();
                long c1 = threads.getCurrentThreadCpuTime();
                double toolCpuSeconds = sha256sumCpuSeconds(file);
                long t2 = System.nanoTime();
                double mb = bytes / 1e6;
                double java = mb / ((t1 - t0) / 1e9);
                double tool = mb / ((t2 - t1) / 1e9);
                double javaCpu = mb / ((c1 - c0) / 1e9);
                double toolCpu = mb / toolCpuSeconds;
                bestJava = Math.max(bestJava, java);
                bestTool = Math.max(bestTool, tool);
                bestJavaCpu = Math.max(bestJavaCpu, javaCpu);
                bestToolCpu = Math.max(bestToolCpu, toolCpu);
                System.out.printf(Locale.ROOT, "round %d: wall FileHasher %.0f MB/s, sha256sum %.0f MB/s; "
                        + "CPU FileHasher %.0f MB/s, sha256sum %.0f MB/s%n", i + 1, java, tool, javaCpu, toolCpu);
            }
            System.out.printf(Locale.ROOT, "file %d MiB; best of %d: wall FileHasher %.0f MB/s, sha256sum %.0f MB/s, ratio %.2f; "
                    + "CPU FileHasher %.0f MB/s, sha256sum %.0f MB/s, ratio %.2f%n", mib, rounds, bestJava, bestTool,
                    bestJava / bestTool, bestJavaCpu, bestToolCpu, bestJavaCpu / bestToolCpu);
            System.out.println("java " + System.getProperty("java.vm.version") + " on " + System.getProperty("os.arch")
                    + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void write(Path file, int mib) throws IOException {
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(42);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    /** user+sys CPU seconds of one {@code sha256sum} run, from the shell's {@code times} (file passed as $1). */
    private static double sha256sumCpuSeconds(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "sha256sum -- \"$1\" >/dev/null && times", "bench", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (p.waitFor() != 0) {
            throw new IOException("sha256sum failed: " + output);
        }
        // times prints the shell's own "0m0.001s 0m0.002s", then the children's "0m0.812s 0m0.061s".
        String[] children = output.strip().lines().reduce((a, b) -> b).orElseThrow().split("\\s+");
        return seconds(children[0]) + seconds(children[1]);
    }

    private static double seconds(String mAndS) {
        int m = mAndS.indexOf('m');
        return Integer.parseInt(mAndS.substring(0, m)) * 60 + Double.parseDouble(mAndS.substring(m + 1, mAndS.length() - 1));
    }

    private static String sha256sum(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (p.waitFor() != 0) {
            throw new IOException("sha256sum failed: " + output);
        }
        return output.substring(0, 64);
    }

    private HashThroughputBench() {
    }
}
