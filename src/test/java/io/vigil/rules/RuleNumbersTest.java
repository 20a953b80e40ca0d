package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers in rules files as YAML writes them, and a broken file across a restart: nothing in a rules
 * file may stop the console from starting, and the last good rules really stay active.
 */
class RuleNumbersTest {

    @TempDir
    Path dir;

    final RuleFile parser = new RuleFile();

    static String rule(String warning) {
        return """
                rules:
                  - id: cpu-busy
                    metric: host.cpu.percent
                    warning: %s
                """.formatted(warning);
    }

    double warning(String value) throws RuleFileException {
        return parser.parse("rules.yaml", rule(value)).getFirst().warning().orElseThrow();
    }

    RuleProblem refused(String value) {
        RuleFileException e = assertThrows(RuleFileException.class, () -> parser.parse("rules.yaml", rule(value)),
                value + " must be refused");
        assertEquals(1, e.problems().size(), e.getMessage());
        RuleProblem p = e.problems().getFirst();
        assertEquals(4, p.line(), p.toString());
        assertEquals(14, p.column(), p.toString());
        assertTrue(p.message().contains("'warning'"), p.message());
        return p;
    }

    @Test
    void yamlIntegersWithUnderscoresHexAndBinaryAreNumbers() throws Exception {
        assertEquals(1000, warning("1_000"));
        assertEquals(16, warning("0x10"));
        assertEquals(5, warning("0b101"));
        assertEquals(1000.5, warning("1_000.5"));
        assertEquals(-3, warning("-3"));
        assertEquals(1500, warning("1.5e3"));
    }

    @Test
    void infinityNanOverflowAndNullAreRefusedWithWhereAndWhat() {
        assertTrue(refused(".nan").message().contains("finite number"), refused(".nan").message());
        assertTrue(refused(".inf").message().contains("finite number"));
        assertTrue(refused("-.Inf").message().contains("finite number"));
        assertTrue(refused("1e400").message().contains("too large"), refused("1e400").message());
        assertTrue(refused("null").message().contains("got nothing"), refused("null").message());
        assertTrue(refused("~").message().contains("got nothing"));
        assertTrue(refused("017").message().contains("leading 0"), refused("017").message());
    }

    @Test
    void anEmptyThresholdIsRefusedNotTreatedAsAbsent() {
        RuleFileException e = assertThrows(RuleFileException.class, () -> parser.parse("rules.yaml", """
                rules:
                  - id: cpu-busy
                    metric: host.cpu.percent
                    warning:
                """));
        assertTrue(e.getMessage().contains("expected a number for 'warning', got nothing"), e.getMessage());
    }

    @Test
    void hugeDurationsAreAProblemNotAnException() {
        RuleFileException e = assertThrows(RuleFileException.class, () -> parser.parse("rules.yaml",
                rule("90").replace("warning: 90", "warning: 90\n    window: 99999999999999999999999s")));
        assertTrue(e.getMessage().contains("rules.yaml:5:13"), e.getMessage());
        assertTrue(e.getMessage().contains("expected a duration"), e.getMessage());
    }

    @Test
    void aNanThresholdInRulesYamlDoesNotStopLoading() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, rule(".nan"));
        RuleRepository repo = new RuleRepository(file);
        repo.load();
        assertEquals(1, repo.problems().size(), repo.problems().toString());
        assertTrue(repo.problems().getFirst().toString().startsWith(file + ":4:14: "), repo.problems().toString());
    }

    @Test
    void afterARestartWithABrokenFileTheLastGoodRulesAreLoadedFromDisk() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, rule("90"));
        RuleRepository first = new RuleRepository(file);
        first.load();
        assertEquals(List.of("cpu-busy"), first.rules().stream().map(Rule::id).toList());
        Path lastGood = dir.resolve("rules.yaml.last-good");
        assertTrue(Files.exists(lastGood), "a clean load keeps a copy");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(lastGood));
        assertTrue(first.lastGoodInUse().isEmpty(), "rules.yaml itself is in force");

        Files.writeString(file, rule("[90"));
        // The console restarts: a new repository over the same files.
        RuleRepository restarted = new RuleRepository(file);
        restarted.load();
        assertEquals(List.of("cpu-busy"), restarted.rules().stream().map(Rule::id).toList(),
                "the last good rules are active after the restart");
        assertEquals(90, restarted.rules().getFirst().warning().orElseThrow());
        assertEquals(1, restarted.problems().size());
        assertEquals(lastGood, restarted.lastGoodInUse().orElseThrow());
        assertTrue(Files.readString(file).contains("[90"), "the broken file is left for the analyst to fix");

        // Fixing the file brings it back in force; the copy follows the new good file.
        restarted.save(rule("95"));
        assertTrue(restarted.lastGoodInUse().isEmpty());
        assertTrue(Files.readString(lastGood).contains("warning: 95"));
    }

    @Test
    void aBrokenLastGoodCopyGivesNoRulesAndSaysSo() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, rule("[90"));
        Files.writeString(dir.resolve("rules.yaml.last-good"), "rules: [oops");
        RuleRepository repo = new RuleRepository(file);
        repo.load();
        assertTrue(repo.rules().isEmpty());
        assertTrue(repo.lastGoodInUse().isEmpty());
        assertEquals(1, repo.problems().size(), "only rules.yaml's own problem is shown");
    }
}
