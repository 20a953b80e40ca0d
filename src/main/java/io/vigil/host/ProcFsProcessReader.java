package io.vigil.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The process table read straight from Linux's {@code /proc}: per process one read of
 * {@code stat}, one of {@code cmdline} and one {@code stat(2)} of the directory for the owner.
 * That is about a twentieth of the CPU of OSHI's full {@code OSProcess} reads (which open six files
 * per process), and it is what keeps process sampling under the 1 % budget (see
 * docs/decisions/0004-read-processes-from-procfs.md).
 *
 * <p>The command line is re-read at every poll on purpose: a miner can rewrite its argv after start.
 * It is read up to {@link ProcFields#MAX_FIELD_BYTES} and marked when cut: a miner can pad its argv
 * to megabytes, and everything downstream (redaction, views, the audit log) should not pay for that.
 * Not thread-safe.
 */
public final class ProcFsProcessReader implements ProcessTableReader {

    /** USER_HZ: fixed at 100 by the kernel ABI for every architecture Vigil runs on. */
    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private final Path proc;
    private final long pageSize;
    private final long bootEpochMillis;
    private final UserNames users;
    private Map<Integer, long[]> previousTicks = new HashMap<>();
    /** The kernel's flag for its own threads in {@code stat}'s flags field (include/linux/sched.h); set by the kernel only. */
    static final long PF_KTHREAD = 0x00200000;

    /** Reused for every {@code stat} and {@code cmdline} read of a walk (see {@link #readInto}). */
    private byte[] buffer = new byte[4096];
    private long previousNanos;

    public ProcFsProcessReader() throws IOException {
        this(Path.of("/proc"), Path.of("/etc/passwd"));
    }

    ProcFsProcessReader(Path proc, Path passwd) throws IOException {
        this.proc = proc;
        this.users = new UserNames(passwd);
        this.bootEpochMillis = readBootTime(proc);
        this.pageSize = detectPageSize(proc);
    }

    /** True when this machine has a readable {@code /proc} with the layout this reader expects. */
    public static boolean isSupported() {
        return Files.isReadable(Path.of("/proc/self/stat")) && Files.isReadable(Path.of("/proc/stat"));
    }

    @Override
    public List<ProcessInfo> read() throws IOException {
        long nanos = System.nanoTime();
        double elapsedSeconds = previousNanos == 0 ? 0 : (nanos - previousNanos) / 1e9;
        Map<Integer, long[]> ticks = new HashMap<>(previousTicks.size() + 16);
        List<ProcessInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                try {
                    ProcessInfo info = readOne(Integer.parseInt(name), dir, elapsedSeconds, ticks);
                    if (info != null) {
                        out.add(info);
                    }
                } catch (NoSuchFileException | NumberFormatException e) {
                    // The process exited while we read it.
                } catch (IOException e) {
                    // Unreadable (another user's process under hidepid): skip it, the rest still count.
                }
            }
        }
        previousTicks = ticks;
        previousNanos = nanos;
        return out;
    }

    private ProcessInfo readOne(int pid, Path dir, double elapsedSeconds, Map<Integer, long[]> ticks) throws IOException {
        // stat is short (comm is at most 15 bytes), but a cap costs nothing and bounds a hostile /proc.
        int statBytes = readInto(dir.resolve("stat"), 4096);
        String stat = new String(buffer, 0, Math.min(statBytes, 4096), StandardCharsets.UTF_8);
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String comm = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 2).split(" ");
        // Fields after "(comm) ": 0 state, 1 ppid, 6 flags, 11 utime, 12 stime, 19 starttime, 21 rss (pages).
        int ppid = Integer.parseInt(f[1]);
        boolean kernelThread = (Long.parseLong(f[6]) & PF_KTHREAD) != 0;
        long cpuTicks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        long startTicks = Long.parseLong(f[19]);
        long rssBytes = Long.parseLong(f[21]) * pageSize;
        ticks.put(pid, new long[] {cpuTicks, startTicks});

        double cpuPercent = 0;
        long[] before = previousTicks.get(pid);
        if (before != null && before[1] == startTicks && elapsedSeconds > 0) {
            cpuPercent = Math.max(0, (cpuTicks - before[0]) / CLOCK_TICKS_PER_SECOND / elapsedSeconds * 100.0);
        }
        int cmdlineBytes = readInto(dir.resolve("cmdline"), ProcFields.MAX_FIELD_BYTES);
        boolean truncated = cmdlineBytes > ProcFields.MAX_FIELD_BYTES;
        List<String> argv = argvOf(buffer, Math.min(cmdlineBytes, ProcFields.MAX_FIELD_BYTES));
        // A process chooses its own argv: past the cap it is cut, and the cut is said.
        String commandLine = String.join(" ", argv)
                + (truncated ? ProcFields.truncationNote(ProcFields.MAX_FIELD_BYTES) : "");
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        long start = bootEpochMillis + (long) (startTicks * 1000 / CLOCK_TICKS_PER_SECOND);
        // A kernel thread has no executable: asking costs two exceptions each, for most of a server's PIDs.
        return new ProcessInfo(pid, ppid, comm, users.name(uid), commandLine, cpuPercent, rssBytes, start, argv,
                kernelThread ? "" : readExe(dir));
    }

    /**
     * Reads up to {@code max + 1} bytes of {@code file} into {@link #buffer} (grown as needed, never
     * past {@code max + 1}) and returns how many it read: more than {@code max} means the file was
     * longer. One buffer for the whole walk instead of two fresh 8 KiB buffers per process; what is
     * read is still read afresh at every walk.
     */
    private int readInto(Path file, int max) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            int n = 0;
            while (n <= max) {
                if (n == buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, max + 1));
                }
                int r = in.read(buffer, n, Math.min(buffer.length, max + 1) - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return n;
        }
    }

    /** The argument vector, split at the NULs the kernel keeps between elements (so "a b" stays one). */
    private static List<String> argvOf(byte[] raw, int length) {
        int end = length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        List<String> argv = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= end; i++) {
            if (i == end || raw[i] == 0) {
                argv.add(new String(raw, from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        return end == 0 ? List.of() : argv;
    }

    /**
     * The executable the kernel runs for the process: unlike argv[0], the process cannot rewrite it.
     * "" when it cannot be read (another user's process without privileges, a kernel thread).
     */
    private static String readExe(Path dir) {
        try {
            return Files.readSymbolicLink(dir.resolve("exe")).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }

    private static long readBootTime(Path proc) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("stat"))) {
            if (line.startsWith("btime ")) {
                return Long.parseLong(line.substring(6).trim()) * 1000;
            }
        }
        throw new IOException(proc.resolve("stat") + " has no btime line");
    }

    /**
     * Java cannot ask sysconf(_SC_PAGESIZE) without native code, so compare the resident size
     * that {@code status} gives in kB with the page count that {@code stat} gives for ourselves.
     */
    private static long detectPageSize(Path proc) {
        try {
            long rssKb = -1;
            for (String line : Files.readAllLines(proc.resolve("self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            String stat = Files.readString(proc.resolve("self/stat"));
            long pages = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[21]);
            if (rssKb > 0 && pages > 0) {
                long estimate = rssKb * 1024 / pages;
                for (long size : new long[] {4096, 16384, 65536}) {
                    if (Math.abs(estimate - size) < size / 4) {
                        return size;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the common default
        }
        return 4096;
    }

    /** uid → user name from the passwd file, re-read at most once a minute when a uid is unknown. */
    static final class UserNames {
        private final Path passwd;
        private Map<Integer, String> names = Map.of();
        private long loadedNanos;

        UserNames(Path passwd) {
            this.passwd = passwd;
            load();
        }

        String name(int uid) {
            String n = names.get(uid);
            if (n == null && System.nanoTime() - loadedNanos > 60_000_000_000L) {
                load();
                n = names.get(uid);
            }
            return n != null ? n : String.valueOf(uid);
        }

        private void load() {
            Map<Integer, String> m = new HashMap<>();
            try {
                for (String line : Files.readAllLines(passwd)) {
                    String[] f = line.split(":");
                    if (f.length > 2) {
                        try {
                            m.put(Integer.parseInt(f[2]), f[0]);
                        } catch (NumberFormatException ignored) {
                            // a malformed line names nobody
                        }
                    }
                }
            } catch (IOException e) {
                // No passwd (some containers): show numeric uids.
            }
            names = m;
            loadedNanos = System.nanoTime();
        }
    }
}
