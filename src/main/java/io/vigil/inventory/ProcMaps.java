package io.vigil.inventory;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads which shared libraries a process has mapped, from Linux's {@code /proc/<pid>/maps} (the
 * path column of each line ending in {@code .so} or containing {@code .so.}). Another user's process
 * is unreadable without privileges; that is reported as an empty set, since the command line can
 * still classify it. The proc root is injectable so tests can supply recorded maps files.
 * Thread-safe.
 */
public final class ProcMaps {

    private final Path procRoot;

    public ProcMaps(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** No maps at all (a scenario replay's processes are not on this machine): classify by command line. */
    public static ProcMaps none() {
        return new ProcMaps(null);
    }

    /** The system's {@code /proc}. */
    public static ProcMaps system() {
        return new ProcMaps(Path.of("/proc"));
    }

    /** Distinct paths of mapped shared libraries of {@code pid}; empty when unreadable or not Linux. */
    public Set<String> libraries(int pid) {
        if (procRoot == null) {
            return Set.of();
        }
        Path maps = procRoot.resolve(Integer.toString(pid)).resolve("maps");
        Set<String> out = new LinkedHashSet<>();
        try (BufferedReader r = Files.newBufferedReader(maps, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash);
                if (path.endsWith(".so") || path.contains(".so.")) {
                    out.add(path);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not ours to read (or gone): classification falls back to the command line.
            return Set.of();
        }
        return out;
    }
}
