package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSettings;
import io.vigil.playbook.PlaybookSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad value in settings.yaml: the message names file, line, column and key once, and only the
 * section holding it falls back to its defaults; playbooks stay available.
 */
class SettingsSectionFallbackTest {

    @TempDir
    Path dir;

    static final String FILE = """
            host:
              periodSeconds: 3
            playbooks:
              allowedRoots: ["/srv/models"]
              outputCapKiB: 0
            """;

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void anOutOfRangeValueNamesFileLineColumnAndKeyAndOnlyItsSectionFallsBack() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, FILE);
        Settings s = Settings.load(file, Map.of(), Map.of());
        List<String> problems = new ArrayList<>();
        PlaybookSettings ps = s.section("playbooks", PlaybookSettings.class, problems::add);
        assertEquals(512, ps.outputCapKiB(), "the playbooks section uses its defaults");
        assertEquals(List.of(), ps.allowedRoots(), "the default: no roots until the analyst adds them");
        assertEquals(3.0, s.section("host", HostSettings.class, problems::add).periodSeconds(), "host is untouched");
        assertEquals(1, problems.size(), problems.toString());
        String p = problems.getFirst();
        assertTrue(p.startsWith(file + ":5:17: playbooks.outputCapKiB: "), p);
        assertTrue(p.contains("between 1 and 65536, was 0"), p);
        assertEquals(1, count(p, "playbooks.outputCapKiB"), "the key is named once: " + p);
        assertEquals(1, count(p, file.toString()), p);
        assertTrue(p.endsWith("the 'playbooks' section uses its built-in defaults until it is fixed"), p);
    }

    @Test
    void aValueOfTheWrongTypeSaysWhatWasExpected() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, FILE.replace("outputCapKiB: 0", "outputCapKiB: lots"));
        List<String> problems = new ArrayList<>();
        Settings.load(file, Map.of(), Map.of()).section("playbooks", PlaybookSettings.class, problems::add);
        String p = problems.getFirst();
        assertTrue(p.startsWith(file + ":5:17: playbooks.outputCapKiB: expected a whole number, got 'lots'"), p);
    }

    @Test
    void aBadValueFromASystemPropertySaysSo() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "host:\n  periodSeconds: 3\n");
        List<String> problems = new ArrayList<>();
        HostSettings h = Settings.load(file, Map.of(), Map.of("vigil.host.periodSeconds", "0.1"))
                .section("host", HostSettings.class, problems::add);
        assertEquals(2.0, h.periodSeconds());
        assertTrue(problems.getFirst().startsWith("system property -Dvigil.host.periodSeconds: host.periodSeconds: "
                + "must be at least 0.5, was 0.1"), problems.getFirst());
    }

    @Test
    void theConsoleKeepsItsPlaybooksAndShowsWhere() throws Exception {
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        Files.createDirectories(paths.configDir());
        Files.writeString(paths.settingsFile(), FILE);
        try (Wiring wiring = Wiring.forCommandLine(paths, Clock.systemUTC())) {
            assertTrue(wiring.playbooks().isPresent(), "playbooks stay available: " + wiring.problems());
            assertTrue(wiring.problems().stream().anyMatch(p -> p.startsWith(paths.settingsFile() + ":5:17: "
                    + "playbooks.outputCapKiB: ")), wiring.problems().toString());
            assertTrue(wiring.problems().stream().noneMatch(p -> p.contains("unavailable")), wiring.problems().toString());
        }
    }
}
