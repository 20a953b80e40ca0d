package io.vigil.ui.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The opener runs as a real process with the path as one argument, whatever the path holds. */
class FileOpenerTest {

    @TempDir
    Path dir;

    /** A stand-in for xdg-open: writes each argument it got on its own line, then exits with {@code status}. */
    private Path fakeOpener(int status) throws Exception {
        Path script = dir.resolve("bin").resolve("xdg-open");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"" + dir.resolve("argv")
                + "\"\nexit " + status + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void passesThePathAsOneArgumentNeverThroughAShell() throws Exception {
        Path opener = fakeOpener(0);
        Path odd = dir.resolve("my config; touch pwned $(touch pwned2) `touch pwned3`").resolve("settings.yaml");
        Files.createDirectories(odd.getParent());
        Files.writeString(odd, "ui: {}\n");
        String said = new FileOpener(List.of(opener.toString())).open(odd);
        assertEquals(List.of(odd.toAbsolutePath().toString()), Files.readAllLines(dir.resolve("argv")));
        assertTrue(said.startsWith("Opened " + odd.toAbsolutePath() + " with xdg-open"), said);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("pwned")), "nothing ran from the name");
        }
    }

    @Test
    void saysSoWhenTheOpenerFailsOrIsMissing() throws Exception {
        Path opener = fakeOpener(3);
        Path file = dir.resolve("settings.yaml");
        String failed = new FileOpener(List.of(opener.toString())).open(file);
        assertTrue(failed.contains("xdg-open could not open " + file.toAbsolutePath() + " (exit status 3"), failed);

        FileOpener none = new FileOpener(List.of());
        assertFalse(none.available());
        String missing = none.open(file);
        assertTrue(missing.startsWith("No program to open files was found (xdg-open"), missing);
        assertTrue(missing.contains(file.toAbsolutePath().toString()), "says where the file is: " + missing);
    }

    @Test
    void findsTheOpenerOnThePath() throws Exception {
        Path opener = fakeOpener(0);
        String path = dir.resolve("nowhere") + java.io.File.pathSeparator + opener.getParent();
        assertEquals(opener, FileOpener.onPath("xdg-open", path).orElseThrow());
        assertTrue(FileOpener.onPath("xdg-open", dir.resolve("nowhere").toString()).isEmpty());
    }
}
