package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files Vigil creates are owner-only whatever the umask (this JVM's umask is typically 022, which
 * would give 0644/0755), and loose permissions on the files Vigil trusts are warned about at start.
 * The checks read the permissions back; none depends on the umask the test runs under.
 */
class OwnerOnlyFilesTest {

    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void paths() throws Exception {
        System.setProperty("vigil.config.dir", dir.resolve("config").toString());
        System.setProperty("vigil.data.dir", dir.resolve("data").toString());
        System.setProperty("vigil.playbooks.toolPath", "/usr/bin:/bin");
    }

    @AfterEach
    void clear() {
        for (String p : List.of("vigil.config.dir", "vigil.data.dir", "vigil.playbooks.toolPath")) {
            System.clearProperty(p);
        }
    }

    private int vigil(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void everythingVigilCreatesIsOwnerOnly() throws Exception {
        Path own = Files.createDirectories(dir.resolve("config/playbooks"));
        // A program that writes evidence with its own modes: cp keeps the source's 0755/0644 (less the umask).
        Path source = Files.createDirectories(dir.resolve("collected/sub"));
        Files.writeString(source.resolve("out.txt"), "x");
        Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(source.resolve("out.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(own.resolve("evidence.yaml"), """
                name: Evidence
                steps:
                  - {name: copy, run: [cp, -rp, '%s', '{{evidence_dir}}']}
                """.formatted(source));
        Files.setPosixFilePermissions(own.resolve("evidence.yaml"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
        assertEquals(0, vigil("playbook", "run", "evidence"), out + "\n" + err);
        Path export = dir.resolve("export.jsonl");
        assertEquals(0, vigil("audit", "export", "--output", export.toString()));

        assertEquals("rwx------", mode(dir.resolve("config")));
        assertEquals("rwx------", mode(dir.resolve("data")));
        List<Path> created = new ArrayList<>(List.of(dir.resolve("config/settings.yaml"), dir.resolve("config/rules.yaml"),
                dir.resolve("data/vigil.db"), dir.resolve("data/audit.key"), dir.resolve("data/audit-anchors.txt"), export));
        try (Stream<Path> s = Files.walk(dir.resolve("data/evidence"))) {
            s.forEach(created::add);
        }
        assertTrue(created.stream().anyMatch(p -> p.getFileName().toString().equals("out.txt")), created.toString());
        for (Path p : created) {
            assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode(p), p.toString());
        }
        assertFalse(err.toString().contains("Permissions"), "nothing loose to warn about: " + err);
    }

    @Test
    void theDatabaseAndItsWalAreOwnerOnlyWhileOpen() throws Exception {
        try (io.vigil.store.Database db = io.vigil.store.Database.open(dir.resolve("data/vigil.db"))) {
            db.inTransaction(c -> c.createStatement().executeUpdate("CREATE TABLE t(x)"));
            for (String f : List.of("vigil.db", "vigil.db-wal", "vigil.db-shm")) {
                assertEquals("rw-------", mode(dir.resolve("data").resolve(f)), f);
            }
        }
    }

    @Test
    void looseTrustedFilesAreWarnedAboutAndLooseFoldersTightened() throws Exception {
        assertEquals(0, vigil("playbook", "list"));
        Path config = dir.resolve("config");
        Path own = Files.createDirectories(config.resolve("playbooks"));
        Files.writeString(own.resolve("mine.yaml"), "name: Mine\nsteps:\n  - {name: a, run: [echo, hi]}\n");
        Files.setPosixFilePermissions(config.resolve("settings.yaml"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(own.resolve("mine.yaml"), PosixFilePermissions.fromString("rw-rw-r--"));
        Files.setPosixFilePermissions(config.resolve("rules.yaml"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertEquals(0, vigil("playbook", "list"));
        String e = err.toString();
        assertTrue(e.contains("warning: Permissions: " + config.resolve("settings.yaml")
                + " can be changed by its group and every other user (rw-rw-rw-)"), e);
        assertTrue(e.contains("chmod 600 " + config.resolve("settings.yaml")), e);
        assertTrue(e.contains(own.resolve("mine.yaml") + " can be changed by its group (rw-rw-r--)"), e);
        assertFalse(e.contains("rules.yaml"), "readable by others is not a trust problem: " + e);
        assertTrue(e.contains(config + " could be written by other users (rwxrwxrwx); made owner-only now"), e);
        assertEquals("rwx------", mode(config));
        assertEquals("rw-rw-rw-", mode(config.resolve("settings.yaml")), "the analyst's file is warned about, not changed");

        try (Wiring w = Wiring.forCommandLine(AppPaths.fromSystem(), java.time.Clock.systemUTC())) {
            assertTrue(w.problems().stream().anyMatch(p -> p.startsWith("Permissions: ") && p.contains("settings.yaml")),
                    "the console's problems banner shows it: " + w.problems());
        }
    }
}
