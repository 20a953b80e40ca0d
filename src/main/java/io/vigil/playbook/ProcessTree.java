package io.vigil.playbook;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a step's processes: the step's process, everything it started, and on Linux every process
 * of its session. Steps are started in a session of their own ({@link #sessionLauncher()}, util-linux
 * {@code setsid}), and a double-forked grandchild ({@code (sleep 300 &)}) keeps that session id
 * after it is re-parented away from the step, so it is found through {@code /proc/<pid>/stat} even
 * though no parent links lead to it any more. The descendants are listed before anything is
 * signalled. Each gets SIGTERM, then SIGKILL after {@code grace}. A process that starts a session of
 * its own ({@code setsid} inside the step) leaves the step's session and is out of reach; cgroups
 * would be needed for that. See docs/decisions/0420-run-each-step-in-its-own-session.md.
 *
 * <p>Stateless and thread-safe.
 */
final class ProcessTree {

    private static final Optional<Path> SETSID = findSetsid();

    private ProcessTree() {
    }

    /**
     * The program that runs a step as the leader of a new session ({@code /usr/bin/setsid}), or
     * empty where there is none (macOS, Windows): those steps fall back to the parent links alone.
     */
    static Optional<Path> sessionLauncher() {
        return SETSID;
    }

    private static Optional<Path> findSetsid() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.empty();
        }
        // A fixed system location, not the playbook PATH: this is Vigil's own mechanism, not a playbook tool.
        return java.util.stream.Stream.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"))
                .filter(Files::isExecutable).findFirst();
    }

    /** Ends {@code root}, its descendants and the members of the session it leads. */
    static void kill(ProcessHandle root, Duration grace) {
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        collect(root, all);
        signal(all, grace);
    }

    /**
     * Ends what is left of the session {@code root} led after {@code root} itself exited: daemons a
     * step started and left behind. Returns how many processes were stopped.
     */
    static int killLeftovers(ProcessHandle root, Duration grace) {
        Map<Long, ProcessHandle> left = new LinkedHashMap<>();
        for (ProcessHandle h : sessionMembers(root.pid())) {
            left.put(h.pid(), h);
        }
        if (!left.isEmpty()) {
            signal(left, grace);
        }
        return left.size();
    }

    private static void collect(ProcessHandle root, Map<Long, ProcessHandle> into) {
        root.descendants().forEach(h -> into.putIfAbsent(h.pid(), h));
        for (ProcessHandle h : sessionMembers(root.pid())) {
            into.putIfAbsent(h.pid(), h);
            h.descendants().forEach(d -> into.putIfAbsent(d.pid(), d));
        }
        into.putIfAbsent(root.pid(), root);
    }

    private static void signal(Map<Long, ProcessHandle> tree, Duration grace) {
        for (ProcessHandle h : tree.values()) {
            h.destroy();
        }
        try {
            CompletableFuture.allOf(tree.values().stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Someone ignored SIGTERM: SIGKILL below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Children forked during the grace period are found again through the still-listed handles
        // and the session.
        for (ProcessHandle h : List.copyOf(tree.values())) {
            collect(h, tree);
        }
        for (ProcessHandle h : tree.values()) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }

    /**
     * The live processes whose session id is {@code sid} (field 6 of {@code /proc/<pid>/stat}); empty
     * without /proc. A session id cannot be reused while a member is alive, so this never reaches
     * another session.
     */
    static List<ProcessHandle> sessionMembers(long sid) {
        List<ProcessHandle> members = new ArrayList<>();
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return members;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isNumber(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (sessionOf(dir) == sid) {
                    // Handles capture the start time, so a pid reused later is never signalled by mistake.
                    ProcessHandle.of(pid).ifPresent(members::add);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // /proc unreadable: the parent links still apply
        }
        return members.stream().filter(h -> h.pid() != ProcessHandle.current().pid()).toList();
    }

    private static long sessionOf(Path procDir) {
        try {
            String stat = Files.readString(procDir.resolve("stat"));
            // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 6);
            return f.length > 4 ? Long.parseLong(f[3]) : -1;
        } catch (IOException | RuntimeException e) {
            return -1; // exited while we looked
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
