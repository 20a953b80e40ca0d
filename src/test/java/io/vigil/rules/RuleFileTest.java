package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules files: the shipped defaults, and every kind of bad input giving a clear message. */
class RuleFileTest {

    @TempDir
    Path dir;

    final RuleFile parser = new RuleFile();

    static final String GOOD = """
            rules:
              - id: cpu-busy
                metric: host.cpu.percent
                warning: 90
            """;

    RuleProblem only(String text) {
        RuleFileException e = assertThrows(RuleFileException.class, () -> parser.parse("rules.yaml", text));
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().getFirst();
    }

    /** How many rules the shipped defaults hold. */
    static int shippedCount() throws Exception {
        return new RuleFile().parse("default-rules.yaml", RuleRepository.defaultText()).size();
    }

    @Test
    void theShippedDefaultsParseWithEveryIssueRule() throws Exception {
        List<Rule> rules = parser.parse("default-rules.yaml", RuleRepository.defaultText());
        List<String> ids = rules.stream().map(Rule::id).toList();
        assertEquals(List.of("unexplained-gpu-load", "miner-signature", "gpu-temperature-critical",
                "gpu-ecc-uncorrected-rising", "gpu-lost", "host-egress-high", "exfiltration.suspected", "spend-above-budget-pace",
                "aws-cost-anomaly", "cloudwatch-billing-alarm", "source-down", "integrity-drift",
                "fleet-gpu-ecc-uncorrected-rising", "gpu-xid", "unexplained-gpu-cost"), ids);
        assertTrue(rules.stream().allMatch(r -> r.noData() == DataBehaviour.NORMAL), "no-data never alerts by default");
        Rule egress = rules.get(5);
        assertEquals(Duration.ofMinutes(2), egress.forDuration());
        assertEquals("host.net.tx_bytes_per_s", egress.selector().toString());
    }

    @Test
    void wrongTypeSaysWhereAndWhatWasExpected() {
        RuleProblem p = only(GOOD.replace("warning: 90", "warning: high"));
        assertEquals(4, p.line());
        assertEquals(14, p.column());
        assertTrue(p.message().contains("expected a number for 'warning', got 'high'"), p.message());
        assertTrue(p.toString().startsWith("rules.yaml:4:14: "), p.toString());
    }

    @Test
    void unknownKeyListsTheKnownOnes() {
        RuleProblem p = only(GOOD.replace("warning: 90", "warning: 90\n    threshhold: 5"));
        assertEquals(5, p.line());
        assertTrue(p.message().contains("unknown key 'threshhold' in rule 'cpu-busy'"), p.message());
        assertTrue(p.message().contains("known keys: id, description, enabled"), p.message());
    }

    @Test
    void badDurationShowsTheExpectedForm() {
        RuleProblem p = only(GOOD.replace("warning: 90", "warning: 90\n    for: 5 minutes"));
        assertEquals(5, p.line());
        assertTrue(p.message().contains("expected a duration for 'for' like 30s, 5m, 2h or 1d, got '5 minutes'"),
                p.message());
    }

    @Test
    void brokenYamlGivesLineAndColumn() {
        RuleProblem p = only("rules:\n  - id: x\n    metric: [unclosed\n");
        assertTrue(p.line() >= 3, p.toString());
        assertTrue(p.message().startsWith("not valid YAML"), p.message());
    }

    @Test
    void anAliasBombIsRefusedQuickly() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            bomb.append("]\n");
            prev = c;
        }
        bomb.append("rules: []\n");
        RuleFileException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(RuleFileException.class, () -> parser.parse("bomb.yaml", bomb.toString())));
        String m = e.getMessage();
        assertTrue(m.contains("bomb.yaml"), m);
        assertTrue(m.contains("aliases (*a) are not supported"), m);
        assertTrue(m.startsWith("bomb.yaml:2:"), "points at the first alias: " + m);
    }

    @Test
    void aFiftyMegabyteFileIsRefusedBeforeReading() throws Exception {
        Path big = dir.resolve("rules.yaml");
        byte[] line = "# padding padding padding padding padding padding padding padding padding\n"
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write("rules:\n".getBytes(StandardCharsets.UTF_8));
            for (long written = 0; written < 50L * 1024 * 1024; written += line.length) {
                out.write(line);
            }
        }
        RuleFileException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(RuleFileException.class, () -> parser.read(big)));
        assertTrue(e.getMessage().contains("the file is 50.0 MB; a rules file may be at most 2 MB"), e.getMessage());
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "rules:\n  - id: x\n    labels: " + "[".repeat(200) + "]".repeat(200) + "\n";
        RuleFileException e = assertThrows(RuleFileException.class, () -> parser.parse("deep.yaml", deep));
        assertTrue(e.getMessage().contains("deep.yaml"), e.getMessage());
    }

    @Test
    void aBrokenFileKeepsTheLastGoodRulesActive() throws Exception {
        Path file = dir.resolve("rules.yaml");
        RuleRepository repo = new RuleRepository(file);
        List<List<Rule>> applied = new java.util.ArrayList<>();
        repo.addListener(applied::add);
        repo.load();
        assertTrue(Files.exists(file), "defaults written on first run");
        assertEquals(RuleFileTest.shippedCount(), repo.rules().size());
        assertTrue(repo.problems().isEmpty());

        Files.writeString(file, GOOD.replace("warning: 90", "warning: [90"));
        repo.load();
        assertEquals(shippedCount(), repo.rules().size(), "last good rules stay");
        assertEquals(1, repo.problems().size());
        assertEquals(1, applied.size(), "the broken file was not applied");

        RuleFileException e = assertThrows(RuleFileException.class, () -> repo.save("rules:\n  - id: x\n"));
        assertTrue(e.getMessage().contains("needs 'metric:'"), e.getMessage());
        assertTrue(Files.readString(file).contains("warning: [90"), "an invalid save does not touch the file");

        repo.save(GOOD);
        assertEquals(List.of("cpu-busy"), repo.rules().stream().map(Rule::id).toList());
        assertTrue(repo.problems().isEmpty());
        assertEquals(GOOD, Files.readString(file));
    }

    @Test
    void editsMadeInATextEditorArePickedUp() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, GOOD);
        RuleRepository repo = new RuleRepository(file);
        repo.load();
        repo.reloadIfChanged();
        assertEquals(List.of("cpu-busy"), repo.rules().stream().map(Rule::id).toList());
        Files.writeString(file, GOOD.replace("cpu-busy", "cpu-hot"));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(
                Files.getLastModifiedTime(file).toInstant().plusSeconds(5)));
        repo.reloadIfChanged();
        assertEquals(List.of("cpu-hot"), repo.rules().stream().map(Rule::id).toList());
    }

    @Test
    void selectorsMatchLabelsWithWildcards() {
        Selector s = Selector.parse("gpu.utilization{gpu=\"*\"}");
        assertTrue(s.matches(io.vigil.telemetry.MetricId.of("gpu.utilization", "gpu", "3")));
        assertTrue(!s.matches(io.vigil.telemetry.MetricId.of("gpu.utilization")), "a named label must be present");
        Selector names = Selector.parse("gpu.*.used_bytes{gpu=\"1*\"}");
        assertTrue(names.matches(io.vigil.telemetry.MetricId.of("gpu.memory.used_bytes", "gpu", "12")));
        assertTrue(!names.matches(io.vigil.telemetry.MetricId.of("gpu.memory.used_bytes", "gpu", "2")));
        assertTrue(!names.matches(io.vigil.telemetry.MetricId.of("gpu.memory.total_bytes", "gpu", "1")));
        assertThrows(IllegalArgumentException.class, () -> Selector.parse("gpu util{gpu=\"1\"}"));
    }

    @Test
    void durationsParseAndPrint() {
        assertEquals(Duration.ofSeconds(90), RuleFile.parseDuration("1m30s"));
        assertEquals("1m30s", RuleFile.formatDuration(Duration.ofSeconds(90)));
        assertEquals(Duration.ofDays(7), RuleFile.parseDuration("7d"));
        assertEquals(null, RuleFile.parseDuration("5 minutes"));
        assertEquals(null, RuleFile.parseDuration("m"));
    }
}
