package io.vigil.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files a process has open, read from the symlinks in {@code <procRoot>/PID/fd}, kept when they
 * lie under one of the given roots. At most {@code maxFds} descriptors are looked at per process (a
 * process can hold a million), sockets, pipes and anonymous inodes are skipped, and a process whose
 * {@code fd} folder cannot be read (another user's, or gone) yields no files rather than an error.
 * Every path comes from the process (it chose the file names): callers show them through
 * {@link io.vigil.text.SafeText}. Thread-safe: stateless apart from its settings.
 */
public final class OpenFilesReader {

    /** Descriptors read per process by default. */
    public static final int DEFAULT_MAX_FDS = 4096;
    private static final String DELETED = " (deleted)";

    private final Path procRoot;
    private final int maxFds;

    /** Reads {@code procRoot} (normally {@code /proc}), at most {@code maxFds} descriptors per process. */
    public OpenFilesReader(Path procRoot, int maxFds) {
        if (maxFds < 1) {
            throw new IllegalArgumentException("maxFds must be at least 1, got " + maxFds);
        }
        this.procRoot = procRoot;
        this.maxFds = maxFds;
    }

    /** This machine's {@code /proc}, {@link #DEFAULT_MAX_FDS} per process. */
    public static OpenFilesReader forThisMachine() {
        return new OpenFilesReader(Path.of("/proc"), DEFAULT_MAX_FDS);
    }

    /**
     * The distinct open files of {@code pid} under any of {@code roots} (absolute, resolved paths), in
     * descriptor order; empty when none, when the roots are empty or when the process cannot be read.
     */
    public List<Path> openUnder(int pid, List<Path> roots) {
        if (roots.isEmpty() || pid <= 0) {
            return List.of();
        }
        Set<Path> found = new LinkedHashSet<>();
        int seen = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(procRoot.resolve(Integer.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                if (++seen > maxFds) {
                    break;
                }
                Path target = target(fd);
                if (target != null && roots.stream().anyMatch(target::startsWith)) {
                    found.add(target);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Another user's process (EACCES), or one that exited: nothing to say about it.
            return List.copyOf(found);
        }
        return List.copyOf(found);
    }

    /** The file an fd link names, or null for a socket, pipe, anonymous inode or unreadable link. */
    private static Path target(Path fd) {
        try {
            String t = Files.readSymbolicLink(fd).toString();
            if (!t.startsWith("/")) {
                return null; // socket:[…], pipe:[…], anon_inode:[…]
            }
            if (t.endsWith(DELETED)) {
                t = t.substring(0, t.length() - DELETED.length());
            }
            return Path.of(t).normalize();
        } catch (IOException | RuntimeException e) {
            return null; // closed meanwhile, or a name Path cannot hold
        }
    }

    /** {@code roots} made absolute and resolved (links followed) where they exist, so fd targets match. */
    public static List<Path> resolveRoots(List<Path> roots) {
        List<Path> out = new ArrayList<>();
        for (Path r : roots) {
            Path abs = r.toAbsolutePath().normalize();
            try {
                out.add(abs.toRealPath());
            } catch (IOException e) {
                out.add(abs);
            }
        }
        return List.copyOf(out);
    }
}
