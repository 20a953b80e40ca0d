package io.vigil.ui.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.Eventually;
import io.vigil.rules.Rule;
import io.vigil.rules.RuleRepository;
import io.vigil.telemetry.SeriesStore;
import io.vigil.ui.RenderedText;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Rules view with the rules Vigil ships (the ones the demo runs), rendered at the size the view
 * gets in a 1280×820 window: no column cut except the long "Watches" text, which keeps a tooltip;
 * thresholds read in the metric's unit; the filter box narrows the list.
 */
class RulesViewTableTest {

    /** The view's area in a 1280×820 window (see AlertsViewTableTest). */
    static final double VIEW_WIDTH = 1108;
    static final double VIEW_HEIGHT = 711;

    @TempDir
    Path dir;

    private ExecutorService background;
    private RulesView view;
    private Parent root;
    private TableView<Rule> table;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void start() throws Exception {
        FxToolkit.registerPrimaryStage();
        RuleRepository repo = new RuleRepository(dir.resolve("rules.yaml"));
        repo.load();
        background = Executors.newSingleThreadExecutor();
        RulesViewModel model = new RulesViewModel(repo, Optional.empty(), Optional.empty(), new SeriesStore(60),
                Clock.systemUTC(), background);
        view = fx(() -> new RulesView(model));
        root = fx(() -> {
            Parent p = (Parent) view.node();
            RenderedText.layOut(p, VIEW_WIDTH, VIEW_HEIGHT);
            return p;
        });
        table = fx(() -> (TableView<Rule>) root.lookup("#rules-table"));
        refreshUntil("the shipped rules are listed", () -> table.getItems().size() == repo.rules().size()
                && table.getItems().size() >= 10);
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    private static <T> T fx(Supplier<T> s) throws Exception {
        AtomicReference<T> out = new AtomicReference<>();
        WaitForAsyncUtils.asyncFx(() -> out.set(s.get())).get(30, TimeUnit.SECONDS);
        return out.get();
    }

    private void refreshUntil(String what, Supplier<Boolean> condition) throws Exception {
        Eventually.until(what, Duration.ofSeconds(30), () -> fx(() -> {
            view.refresh();
            RenderedText.settle(root);
            return condition.get();
        }));
    }

    @Test
    void noColumnIsCutAtTheViewSizeOfA1280x820Window() throws Exception {
        // Scroll through every rule: only the rendered rows can be read.
        List<RenderedText.Cut> cuts = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        int rows = fx(() -> table.getItems().size());
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < rows; i += 3) {
            int at = i;
            fx(() -> {
                table.scrollTo(at);
                RenderedText.settle(root);
                cuts.addAll(RenderedText.cuts(table));
                outside.addAll(RenderedText.outside(table));
                RenderedText.cells(table).forEach(c -> seen.add(c.getIndex()));
                return null;
            });
        }
        assertEquals(rows, seen.size(), "every rule was rendered once scrolled to");
        assertTrue(outside.isEmpty(), outside.toString());
        for (RenderedText.Cut c : cuts) {
            assertTrue(c.where().endsWith(".Watches"), "only what a rule watches may be cut: " + c);
            assertEquals(c.full(), c.tooltip(), "with its full text as the tooltip: " + c);
        }
        List<RenderedText.Cut> labels = fx(() -> RenderedText.cutLabels(root)).stream()
                .filter(c -> c.tooltip() == null).toList();
        assertTrue(labels.isEmpty(), "no label cut without a tooltip: " + labels);
    }

    @Test
    void thresholdsAndDurationsReadInTheirUnits() throws Exception {
        String egress = fx(() -> RulesView.watches(table.getItems().stream()
                .filter(r -> r.id().equals("host-egress-high")).findFirst().orElseThrow()));
        assertEquals("host.net.tx_bytes_per_s > warn 50 MiB/s for 2 min", egress);
        String exfil = fx(() -> RulesView.watches(table.getItems().stream()
                .filter(r -> r.id().equals("exfiltration.suspected")).findFirst().orElseThrow()));
        assertTrue(exfil.contains("warn 20 MiB/s crit 100 MiB/s"), exfil);
        String temp = fx(() -> RulesView.watches(table.getItems().stream()
                .filter(r -> r.id().equals("gpu-temperature-critical")).findFirst().orElseThrow()));
        assertTrue(temp.contains("warn 85 °C crit 90 °C for 1 min"), temp);
    }

    @Test
    void filterNarrowsTheRulesAndClearBringsThemBack() throws Exception {
        int all = fx(() -> table.getItems().size());
        TextField filter = fx(() -> (TextField) root.lookup("#rules-filter-text"));
        fx(() -> {
            filter.setText("host-egress");
            return null;
        });
        refreshUntil("the filter applies", () -> table.getItems().size() == 1);
        assertEquals("host-egress-high", fx(() -> table.getItems().getFirst().id()));
        fx(() -> {
            filter.setText("gpu critical");
            return null;
        });
        refreshUntil("words combine", () -> !table.getItems().isEmpty() && table.getItems().size() < all);
        for (Rule r : fx(() -> List.copyOf(table.getItems()))) {
            String text = (r.id() + " " + r.description() + " " + RulesView.watches(r) + " " + r.playbook()).toLowerCase();
            assertTrue(text.contains("gpu"), r.id());
            assertTrue(r.topSeverity() == io.vigil.rules.Severity.CRITICAL || text.contains("critical"), r.id());
        }
        fx(() -> {
            ((Button) root.lookup("#rules-filter-clear")).fire();
            return null;
        });
        refreshUntil("clear shows every rule", () -> table.getItems().size() == all);
    }
}
