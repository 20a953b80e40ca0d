package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaybookFileTest {

    @TempDir
    Path dir;
    final PlaybookFile reader = new PlaybookFile();

    private String error(String yaml) {
        return assertThrows(PlaybookException.class,
                () -> reader.parse("t", yaml.getBytes(StandardCharsets.UTF_8), "t.yaml", false)).getMessage();
    }

    @Test
    void everyBuiltInLoads() throws Exception {
        PlaybookCatalog c = PlaybookCatalog.load(reader, dir.resolve("none"));
        assertEquals(java.util.List.of(), c.problems());
        assertEquals(PlaybookFile.BUILT_IN_IDS.size(), c.all().size());
        assertTrue(c.find("gpu-miner-triage").orElseThrow().isAutoRunnable());
        assertFalse(c.find("kill-process").orElseThrow().isAutoRunnable());
        assertFalse(c.find("isolate-k8s-workload").orElseThrow().isAutoRunnable());
    }

    @Test
    void preservingContainerEvidencePausesTheContainerSoItNeedsConfirmation() throws Exception {
        Playbook p = reader.readBuiltIn("preserve-container-evidence");
        assertFalse(p.isAutoRunnable(), "docker commit --pause=true freezes the workload: never auto-run");
        for (Step s : p.steps()) {
            if (s instanceof CommandStep c && c.argv().contains("commit")) {
                assertTrue(c.destructive(), "the commit step is labelled destructive");
                assertTrue(c.argv().contains("--pause=true"), "it still pauses, for a consistent image: " + c.argv());
            }
        }
        assertTrue(p.description().contains("paus"), p.description());
    }

    @Test
    void errorsNameLineColumnAndWhatWasExpected() {
        String unknown = error("""
                name: X
                steps:
                  - name: s
                    rnu: [echo]
                """);
        assertTrue(unknown.matches("t\\.yaml:\\d+:\\d+: .*"), unknown);
        assertTrue(unknown.contains("unknown key 'rnu'; expected one of:") && unknown.contains("run"), unknown);
        String type = error("""
                name: X
                parameters:
                  - {name: p, type: pidd}
                steps:
                  - {name: s, run: [echo]}
                """);
        assertTrue(type.matches("t\\.yaml:3:\\d+: parameter 'p': unknown type 'pidd'; expected one of: pid, .*"), type);
        assertTrue(error("name: X\nsteps:\n  - {name: s, run: [echo, '{{nope}}']}\n")
                .contains("uses {{nope}}, which is not a parameter"));
        assertTrue(error("name: X\nparameters:\n  - {name: s, type: string}\nsteps:\n  - {name: s, run: [echo]}\n")
                .contains("needs a pattern"));
        assertTrue(error("name: X\nsteps:\n  - {name: s, action: format_disk}\n").contains("unknown action 'format_disk'"));
        assertTrue(error("name: X\nsteps: [\n").startsWith("t.yaml:"));
    }

    @Test
    void aShellScriptStepCannotTakeTemplates() {
        String e = error("""
                name: X
                parameters:
                  - {name: pid, type: pid}
                steps:
                  - {name: s, run: [sh, -c, 'kill {{pid}}']}
                """);
        assertTrue(e.contains("parameters must reach it as environment variables"), e);
    }

    @Test
    void aYamlAliasIsRefusedWithLineAndColumnNotReadAsTheAnchorsName() {
        String e = error("""
                name: X
                parameters:
                  - {name: pid, type: pid, description: &d The process}
                steps:
                  - {name: s, run: [echo, *d]}
                """);
        assertTrue(e.startsWith("t.yaml:5:27: "), e);
        assertTrue(e.contains("alias"), e);
    }

    @Test
    void aliasBombsAndHugeFilesAreRefused() throws Exception {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'p'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append("]\n");
        }
        bomb.append("name: X\nsteps:\n  - {name: s, run: [echo]}\n");
        assertThrows(PlaybookException.class, () -> reader.parse("t", bomb.toString().getBytes(StandardCharsets.UTF_8),
                "t.yaml", false));
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[PlaybookFile.MAX_BYTES + 1]);
        assertTrue(assertThrows(PlaybookException.class, () -> reader.read(big)).getMessage().contains("larger than"));
    }

    @Test
    void ownPlaybooksLoadBesideBuiltInsAndBrokenOnesAreReported() throws Exception {
        Path own = Files.createDirectories(dir.resolve("playbooks"));
        Files.writeString(own.resolve("my-check.yaml"), "name: Mine\nsteps:\n  - {name: s, run: [echo, hi]}\n");
        Files.writeString(own.resolve("broken.yaml"), "name: Broken\nsteps:\n  - {name: s}\n");
        Files.writeString(own.resolve("kill-process.yaml"), "name: Fake\nsteps:\n  - {name: s, run: [echo]}\n");
        PlaybookCatalog c = PlaybookCatalog.load(reader, own);
        assertTrue(c.find("my-check").isPresent());
        assertTrue(c.find("kill-process").orElseThrow().builtIn(), "a built-in cannot be shadowed");
        assertEquals(2, c.problems().size(), c.problems().toString());
        assertTrue(c.problems().stream().anyMatch(p -> p.contains("broken.yaml:3:") && p.contains("exactly one of run:")),
                c.problems().toString());
    }
}
