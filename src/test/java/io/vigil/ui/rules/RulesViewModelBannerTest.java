package io.vigil.ui.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.rules.RuleRepository;
import io.vigil.telemetry.SeriesStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Rules view's banner tells which rules are in force while rules.yaml is broken. */
class RulesViewModelBannerTest {

    @TempDir
    Path dir;

    static final String GOOD = "rules:\n  - id: cpu-busy\n    metric: host.cpu.percent\n    warning: 90\n";

    String headline(RuleRepository repo) {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            return new RulesViewModel(repo, Optional.empty(), Optional.empty(), new SeriesStore(10), Clock.systemUTC(),
                    background).brokenFileHeadline();
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void saysWhetherTheLastGoodCopyOrNothingIsInForce() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, GOOD);
        RuleRepository running = new RuleRepository(file);
        running.load();
        Files.writeString(file, GOOD.replace("90", "[90"));
        running.load();
        assertEquals("rules.yaml has problems; the last good rules stay active:", headline(running));

        RuleRepository restarted = new RuleRepository(file);
        restarted.load();
        assertEquals("rules.yaml has problems; running the last good rules, kept in rules.yaml.last-good:",
                headline(restarted));

        Files.delete(dir.resolve("rules.yaml.last-good"));
        RuleRepository noCopy = new RuleRepository(file);
        noCopy.load();
        assertEquals("rules.yaml has problems and no good copy was kept; no rules are active until it is fixed:",
                headline(noCopy));
    }
}
