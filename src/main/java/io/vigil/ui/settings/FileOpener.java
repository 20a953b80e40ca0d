package io.vigil.ui.settings;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Opens a file in the desktop's editor by running the platform's opener ({@code xdg-open} on Linux,
 * {@code open} on macOS) with the file's path as one argument: never through a shell, so no
 * character in the path can run anything. (The module does not use {@code java.desktop}.)
 *
 * <p>{@link #open(Path)} starts a process and waits for it: call it off the FX thread. Thread-safe.
 */
public final class FileOpener {

    /** How long the opener may take to hand the file over before we stop waiting for its verdict. */
    static final long WAIT_SECONDS = 10;

    private final List<String> command;

    /** {@code command}: the opener and its fixed arguments; empty when this desktop has none. */
    public FileOpener(List<String> command) {
        this.command = List.copyOf(command);
    }

    /** The opener of this desktop, found on the PATH; one with an empty command when there is none. */
    public static FileOpener forThisDesktop() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String name = os.contains("mac") ? "open" : os.contains("win") ? null : "xdg-open";
        if (name == null) {
            // explorer.exe opens a file with the program registered for its type.
            return new FileOpener(List.of("explorer.exe"));
        }
        return new FileOpener(onPath(name, System.getenv("PATH")).map(p -> List.of(p.toString())).orElse(List.of()));
    }

    /** {@code name} as an executable file in one of {@code path}'s folders. */
    static Optional<Path> onPath(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether there is an opener at all. */
    public boolean available() {
        return !command.isEmpty();
    }

    /**
     * Opens {@code file}; returns what happened in a sentence for the user. Blocks up to
     * {@value #WAIT_SECONDS} s: never on the FX thread.
     */
    public String open(Path file) {
        Path absolute = file.toAbsolutePath();
        if (!available()) {
            return "No program to open files was found (xdg-open, from the xdg-utils package, on Linux). "
                    + "Open " + absolute + " in an editor yourself, then press Reload.";
        }
        List<String> argv = new ArrayList<>(command);
        argv.add(absolute.toString()); // one argument, whatever characters the path holds
        String opener = Path.of(command.getFirst()).getFileName().toString();
        try {
            Process p = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice())))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                return "Asked " + opener + " to open " + absolute + ". Press Reload after saving it.";
            }
            int exit = p.exitValue();
            if (exit != 0) {
                return opener + " could not open " + absolute + " (exit status " + exit + ": no editor may be set "
                        + "for YAML files). Open it in an editor yourself, then press Reload.";
            }
            return "Opened " + absolute + " with " + opener + ". Press Reload after saving it.";
        } catch (IOException e) {
            return "Could not run " + opener + " (" + e.getMessage() + "). Open " + absolute
                    + " in an editor yourself, then press Reload.";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Stopped waiting for " + opener + ".";
        }
    }

    private static String nullDevice() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win") ? "NUL" : "/dev/null";
    }
}
