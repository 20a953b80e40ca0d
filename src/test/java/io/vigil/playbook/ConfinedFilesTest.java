package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File-reading actions never leave the allowed roots through a symlink, checked when they run, and
 * never read credentials (~/.ssh, ~/.aws, key files) even inside a root.
 */
class ConfinedFilesTest {

    @TempDir
    Path dir;
    Rig rig;
    Path outside;
    Path secret;

    @BeforeEach
    void setUp() throws Exception {
        rig = new Rig(dir);
        outside = Files.createDirectories(dir.resolve("outside"));
        secret = Files.writeString(outside.resolve("shadow"), "root:$6$secret-hash:19000:0:99999:7:::\n");
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private Playbook hashing() throws PlaybookException {
        return rig.playbook("hash", """
                name: Hash
                parameters:
                  - {name: path, type: path}
                steps:
                  - {name: hash, action: hash_files, with: {path: "{{path}}"}}
                """);
    }

    @Test
    void hashFilesDoesNotFollowAFileSymlinkOutOfTheRoot() throws Exception {
        Path models = Files.createDirectories(rig.roots.resolve("models"));
        Files.writeString(models.resolve("model.bin"), "weights");
        Files.createSymbolicLink(models.resolve("shadow-link"), secret);
        RecordingListener l = new RecordingListener(null);
        RunPlan plan = rig.runner.plan(hashing(), Map.of("path", models.toString()), Map.of());
        RunResult r = rig.runner.run(plan, l, false);
        assertEquals(RunStatus.SUCCEEDED, r.status(), r.message());
        String manifest = Files.readString(plan.evidenceDir().resolve("manifest.sha256"));
        assertEquals(HashFilesAction.sha256(models.resolve("model.bin")) + "  model.bin\n", manifest);
        String out = String.join("\n", l.lines);
        assertFalse(out.contains(HashFilesAction.sha256(secret)), out);
        assertTrue(out.contains("shadow-link") && out.contains("not followed"), out);
    }

    @Test
    void aFolderSwappedForASymlinkAfterPlanningIsRefusedWhenTheStepRuns() throws Exception {
        Path models = Files.createDirectories(rig.roots.resolve("models"));
        Files.writeString(models.resolve("model.bin"), "weights");
        RunPlan plan = rig.runner.plan(hashing(), Map.of("path", models.toString()), Map.of());
        Files.delete(models.resolve("model.bin"));
        Files.delete(models);
        Files.createSymbolicLink(models, outside);
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(plan, l, false);
        assertEquals(StepStatus.FAILED, r.steps().getFirst().status());
        assertTrue(r.steps().getFirst().message().contains("outside the allowed roots"), r.steps().getFirst().message());
        assertFalse(String.join("\n", l.lines).contains(HashFilesAction.sha256(secret)));
    }

    @Test
    void aFileIsOpenedOnlyWhenNoPartOfItsPathIsALink() throws Exception {
        Path real = Files.createDirectories(rig.roots.resolve("real"));
        Files.writeString(real.resolve("f.txt"), "data");
        Path linkDir = Files.createSymbolicLink(rig.roots.resolve("swapped"), outside);
        Path linkFile = Files.createSymbolicLink(real.resolve("link.txt"), secret);
        try (var ch = ConfinedFiles.open(real.toRealPath().resolve("f.txt"))) {
            assertEquals(4, ch.size());
        }
        // What a folder swapped for a link after the check looks like at the moment of the read.
        assertThrows(java.io.IOException.class, () -> ConfinedFiles.open(linkDir.resolve("shadow")).close());
        assertThrows(java.io.IOException.class, () -> ConfinedFiles.open(linkFile).close());
    }

    @Test
    void verifyHashesDoesNotReadThroughASymlinkEither() throws Exception {
        Path models = Files.createDirectories(rig.roots.resolve("models"));
        Files.writeString(models.resolve("model.bin"), "weights");
        Path manifest = Files.writeString(rig.roots.resolve("manifest.sha256"),
                HashFilesAction.sha256(models.resolve("model.bin")) + "  model.bin\n"
                        + HashFilesAction.sha256(secret) + "  shadow-link\n");
        Files.createSymbolicLink(models.resolve("shadow-link"), secret);
        Playbook p = rig.playbook("verify", """
                name: Verify
                parameters:
                  - {name: path, type: path}
                  - {name: manifest, type: path}
                steps:
                  - {name: verify, action: verify_hashes, with: {path: "{{path}}", manifest: "{{manifest}}"}}
                """);
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(rig.runner.plan(p, Map.of("path", models.toString(),
                "manifest", manifest.toString()), Map.of()), l, false);
        String out = String.join("\n", l.lines);
        // Had the link been followed, the secret would match its hash and the run would report no drift.
        assertEquals(RunStatus.FAILED, r.status(), out);
        assertTrue(out.contains("MISSING  shadow-link"), out);
    }

    @Test
    void credentialsAreNeverReadableEvenInsideARoot() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));
        Path key = Files.writeString(home.resolve(".ssh/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), "aws_secret_access_key=x\n");
        Path models = Files.createDirectories(home.resolve("models"));
        Path pem = Files.writeString(models.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n");
        Files.writeString(models.resolve("model.bin"), "weights");
        ParameterBinder binder = new ParameterBinder(List.of(home), SensitivePaths.forHome(home));
        for (Path p : List.of(key, home.resolve(".aws/credentials"), home.resolve(".ssh"), pem,
                home.resolve(".gnupg/pubring.kbx"), home.resolve(".config/vigil/settings.yaml"))) {
            String e = assertThrows(IllegalArgumentException.class, () -> binder.checkPath(p.toString()),
                    p.toString()).getMessage();
            assertTrue(e.contains("credentials") || e.contains("key"), e);
        }
        assertEquals(models.resolve("model.bin").toRealPath(), binder.checkPath(models.resolve("model.bin").toString()));

        // A folder holding them is hashed without them.
        Path realHome = home.toRealPath();
        HashFilesAction.Listing listing = HashFilesAction.listFiles(realHome, binder);
        List<String> names = listing.files().stream().map(f -> realHome.relativize(f).toString()).toList();
        assertEquals(List.of("models/model.bin"), names);
        assertTrue(listing.skipped() >= 3, "skipped: " + listing.skipped());
    }
}
