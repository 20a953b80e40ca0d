package io.vigil.ui.rules;

import io.vigil.alerts.AlertEngine;
import io.vigil.rules.Backtest;
import io.vigil.rules.MetricReader;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleFile;
import io.vigil.rules.RuleFileException;
import io.vigil.rules.RuleProblem;
import io.vigil.rules.RuleRepository;
import io.vigil.rules.RuleStatus;
import io.vigil.store.RollupStore;
import io.vigil.telemetry.SeriesStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * What the Rules view shows and does: the rules in force with their last status, checking text,
 * saving the file and running backtests. Slow work (file writes, history reads, replays) runs on the
 * background executor; its results are picked up by the view's refresh through volatile fields.
 */
public final class RulesViewModel {

    private final RuleRepository repository;
    private final Optional<AlertEngine> engine;
    private final Optional<RollupStore> rollups;
    private final SeriesStore live;
    private final Clock clock;
    private final ExecutorService background;
    private final RuleFile parser = new RuleFile();

    /** The outcome of a save or a backtest, for the view to show; replaced as a whole. */
    record Outcome(long serial, String message, boolean ok, Backtest.Result backtest) {
    }

    private volatile Outcome saveOutcome = new Outcome(0, "", true, null);
    private volatile Outcome backtestOutcome = new Outcome(0, "", true, null);
    private final java.util.concurrent.atomic.AtomicLong serial = new java.util.concurrent.atomic.AtomicLong();

    public RulesViewModel(RuleRepository repository, Optional<AlertEngine> engine, Optional<RollupStore> rollups,
                   SeriesStore live, Clock clock, ExecutorService background) {
        this.repository = repository;
        this.engine = engine;
        this.rollups = rollups;
        this.live = live;
        this.clock = clock;
        this.background = background;
    }

    Instant now() {
        return clock.instant();
    }

    List<Rule> rules() {
        return repository.rules();
    }

    Map<String, RuleStatus> statuses() {
        return engine.map(AlertEngine::statuses).orElse(Map.of());
    }

    List<RuleProblem> fileProblems() {
        return repository.problems();
    }

    /** What the file banner says about the rules in force while rules.yaml has problems. */
    String brokenFileHeadline() {
        return repository.lastGoodInUse()
                .map(copy -> "rules.yaml has problems; running the last good rules, kept in " + copy.getFileName() + ":")
                .orElse(repository.rules().isEmpty()
                        ? "rules.yaml has problems and no good copy was kept; no rules are active until it is fixed:"
                        : "rules.yaml has problems; the last good rules stay active:");
    }

    /** Reads the rules file on the background executor, never the FX thread. */
    java.util.concurrent.CompletableFuture<String> fileText() {
        return java.util.concurrent.CompletableFuture.supplyAsync(repository::text, background);
    }

    String filePath() {
        return repository.file().toString();
    }

    List<RuleProblem> check(String text) {
        return repository.check(text);
    }

    /** Parses one rule given as a YAML rules document; throws with the problems. */
    Rule parseRule(String yaml) throws RuleFileException {
        List<Rule> rules = parser.parse("rule form", yaml);
        if (rules.isEmpty()) {
            throw new RuleFileException(List.of(new RuleProblem("rule form", 0, 0, "no rule")));
        }
        return rules.getFirst();
    }

    void save(String text) {
        background.execute(() -> {
            try {
                repository.save(text);
                saveOutcome = new Outcome(serial.incrementAndGet(), "Saved " + repository.file() + " (" + repository.rules().size()
                        + " rules) and reloaded", true, null);
            } catch (RuleFileException e) {
                saveOutcome = new Outcome(serial.incrementAndGet(), "Not saved: " + e.getMessage(), false, null);
            }
        });
    }

    void backtest(Rule rule, Duration range) {
        backtestOutcome = new Outcome(serial.incrementAndGet(), "Backtesting " + rule.id() + " over the last " + label(range) + "…",
                true, null);
        background.execute(() -> {
            try {
                Instant to = clock.instant();
                Instant from = to.minus(range);
                MetricReader reader = rollups.isPresent()
                        ? Backtest.history(rule, rollups.get(), live, from, to)
                        : MetricReader.of(live);
                Backtest.Result r = Backtest.run(rule, reader, from, to, Backtest.stepFor(range));
                String msg = !r.note().isEmpty() ? r.note()
                        : r.firings().size() + (r.firings().size() == 1 ? " firing" : " firings") + " over the last "
                        + label(range) + " (" + r.ticks() + " evaluations)";
                backtestOutcome = new Outcome(serial.incrementAndGet(), msg, r.note().isEmpty(), r);
            } catch (Exception e) {
                backtestOutcome = new Outcome(serial.incrementAndGet(), "Backtest failed: " + e.getMessage(), false, null);
            }
        });
    }

    private static String label(Duration range) {
        return range.toHours() % 24 == 0 && range.toHours() > 24 ? range.toDays() + " d" : range.toHours() + " h";
    }

    Outcome saveOutcome() {
        return saveOutcome;
    }

    Outcome backtestOutcome() {
        return backtestOutcome;
    }
}
