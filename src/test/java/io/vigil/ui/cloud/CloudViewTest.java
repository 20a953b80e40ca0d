package io.vigil.ui.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cloud.AwsClients;
import io.vigil.cloud.CloudSettings;
import io.vigil.cloud.CloudWatchSource;
import io.vigil.cloud.CostExplorerSource;
import io.vigil.cloud.FakeAws;
import io.vigil.cloud.RequestBudget;
import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import io.vigil.ui.Styles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/** The Cloud cost view rendered headless from the real sources polled against the fake endpoint. */
class CloudViewTest {

    @TempDir
    Path dir;

    private final FxRobot robot = new FxRobot();
    private FakeAws aws;
    /** How often "Guardrails…" asked for the aws-guardrails playbook run pane. */
    private final java.util.concurrent.atomic.AtomicInteger guardrailsOpened = new java.util.concurrent.atomic.AtomicInteger();
    private Database db;
    private AwsClients clients;
    private ManualClock clock;
    private RequestBudget budget;

    @BeforeEach
    void setUp() throws Exception {
        FxToolkit.registerPrimaryStage();
        aws = new FakeAws();
        db = Database.open(dir.resolve("vigil.db"));
        clock = new ManualClock(Instant.parse("2026-11-22T14:02:00Z"));
        budget = new RequestBudget(db, clock, 50);
    }

    @AfterEach
    void tearDown() throws Exception {
        FxToolkit.cleanupStages();
        if (clients != null) {
            clients.close();
        }
        db.close();
        aws.close();
    }

    private CloudView show(AwsCredentialsProvider credentials, double monthlyBudget, boolean poll) throws Exception {
        CloudSettings settings = new CloudSettings("analyst", "us-east-1", monthlyBudget, null, null);
        clients = new AwsClients(settings, credentials, aws.uri(), budget, Duration.ofSeconds(5));
        CostExplorerSource cost = new CostExplorerSource(clients, budget);
        CloudWatchSource cw = new CloudWatchSource(clients);
        if (poll) {
            long t0 = System.nanoTime();
            cost.poll(clock.instant());
            long t1 = System.nanoTime();
            cw.poll(clock.instant());
            long t2 = System.nanoTime();
            clock.advance(Duration.ofHours(1));
            cost.poll(clock.instant());
            long t3 = System.nanoTime();
            System.out.printf("cold cost poll %.0f ms (6 requests), cloudwatch poll %.0f ms, warm cost poll %.0f ms%n",
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
        } else {
            try {
                cost.poll(clock.instant());
            } catch (Exception expected) {
                // The no-credentials failure is what this state is about.
            }
        }
        CloudViewModel model = new CloudViewModel(cost::latest, cw::latest, ZoneOffset.UTC);
        CloudView view = new CloudView(model, Optional.of(guardrailsOpened::incrementAndGet), clock,
                Executors.newVirtualThreadPerTaskExecutor());
        FxToolkit.setupStage(stage -> {
            Scene scene = new Scene((javafx.scene.Parent) view.node(), 960, 760);
            scene.getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
            stage.setScene(scene);
            stage.setX(0); // inside the 1000×1000 headless screen with room to spare, whatever an earlier test left
            stage.setY(0);
            stage.sizeToScene();
            stage.show();
        });
        FxToolkit.showStage();
        robot.interact(() -> {
            long t0 = System.nanoTime();
            view.refresh();
            System.out.printf("first refresh() drawing the snapshot: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        });
        robot.interact(() -> {
            long t0 = System.nanoTime();
            view.refresh();
            System.out.printf("refresh() with an unchanged snapshot: %.3f ms%n", (System.nanoTime() - t0) / 1e6);
        });
        if (poll) {
            // A later poll publishes a new snapshot: time the poll and the frame that draws it.
            clock.advance(Duration.ofHours(1));
            long t0 = System.nanoTime();
            cost.poll(clock.instant());
            long t1 = System.nanoTime();
            robot.interact(() -> {
                long t2 = System.nanoTime();
                view.refresh();
                System.out.printf("warm poll %.1f ms, then refresh() redrawing a new snapshot %.1f ms%n",
                        (t1 - t0) / 1e6, (System.nanoTime() - t2) / 1e6);
            });
        }
        return view;
    }

    @Test
    void rendersBarsPaceLinesAlarmsAndAnomaliesFromTheFakeEndpoint() throws Exception {
        show(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "fake-secret")), 4000, true);

        StackedBarChart<?, ?> bars = robot.lookup("#cloud-daily-chart").queryAs(StackedBarChart.class);
        assertEquals(CloudViewModel.TOP_SERVICES + 1, bars.getData().size(), "top services plus Other");
        assertEquals("EC2 compute", bars.getData().getFirst().getName(), "largest service first");
        assertEquals("Other", bars.getData().getLast().getName());
        bars.getData().forEach(s -> assertEquals(30, s.getData().size(), "30 daily bars"));
        // Day labels under the bars: "Nov 3", never run together (io.vigil.ui.chart.DayLabelsTest has the detail).
        io.vigil.ui.chart.DayLabels days = robot.lookup("#cloud-daily-chart-days").queryAs(io.vigil.ui.chart.DayLabels.class);
        io.vigil.Eventually.until("day labels drawn", java.time.Duration.ofSeconds(20), () -> days.labels().size() >= 4);
        for (int i = 1; i < days.labels().size(); i++) {
            assertTrue(days.labels().get(i - 1).right() < days.labels().get(i).left(), days.labels().toString());
        }
        assertTrue(days.labels().getLast().text().matches("[A-Z][a-z]{2} \\d{1,2}"), days.labels().toString());

        LineChart<?, ?> pace = robot.lookup("#cloud-pace-chart").queryAs(LineChart.class);
        assertEquals(3, pace.getData().size(), "month to date, forecast, budget");
        assertEquals(23, pace.getData().getFirst().getData().size(), "origin plus 22 days of November");
        assertEquals(4000.0, ((Number) pace.getData().get(2).getData().getLast().getYValue()).doubleValue(), 0);

        String today = robot.lookup("#cloud-today").queryAs(Label.class).getText();
        assertEquals(aws.dailyTotal(java.time.LocalDate.of(2026, 11, 22)),
                Double.parseDouble(today.replace("$", "").replace(",", "")), 0.006, today);
        assertEquals("$1,234.56", robot.lookup("#cloud-estimated").queryAs(Label.class).getText());

        VBox anomalies = robot.lookup("#cloud-anomalies").queryAs(VBox.class);
        assertEquals(2, anomalies.getChildren().size());
        String first = ((Label) ((VBox) anomalies.getChildren().getFirst()).getChildren().getFirst()).getText();
        assertTrue(first.startsWith("$1,180.50 impact  ·  score 0.92 (now 0.81)  ·  2026-11-20 → open"), first);
        String causes = ((Label) ((VBox) anomalies.getChildren().getFirst()).getChildren().get(1)).getText();
        assertTrue(causes.contains("ml-prod") && causes.contains("BoxUsage:p4d.24xlarge"), causes);

        VBox alarms = robot.lookup("#cloud-alarms").queryAs(VBox.class);
        VBox firstAlarm = (VBox) alarms.getChildren().getFirst();
        assertTrue(((Label) firstAlarm.getChildren().getFirst()).getText().contains("billing-over-2000 (billing)"),
                "billing alarms first");
        String where = ((Label) firstAlarm.getChildren().get(1)).getText();
        assertTrue(where.contains("AWS/Billing / EstimatedCharges") && where.contains("us-east-1"), where);

        // At 960 px wide (narrower than a 1280 window's view) no figure, title or alarm line is cut.
        List<io.vigil.ui.RenderedText.Cut> cut = new java.util.ArrayList<>();
        robot.interact(() -> cut.addAll(io.vigil.ui.RenderedText.cutLabels(
                (javafx.scene.Parent) robot.lookup("#cloud-view").query())));
        assertTrue(cut.isEmpty(), "cut: " + cut);

        String requests = robot.lookup("#cloud-requests").queryAs(Label.class).getText();
        assertEquals("Cost Explorer requests today: 8 of 50 ($0.08)", requests);
        Label fresh = robot.lookup(".muted").match(n -> n instanceof Label l
                && l.getText().startsWith("as of 16:02:00, AWS updates billing data ~3×/day")).queryAs(Label.class);
        assertTrue(fresh != null, "freshness shown");
        assertFalse(robot.lookup("#cloud-guidance").query().isVisible());

        // "Guardrails…" sends nothing to AWS itself: it asks for the audited aws-guardrails playbook run.
        int before = aws.requests().size();
        robot.clickOn("#cloud-guardrails");
        robot.interact(() -> { });
        assertEquals(1, guardrailsOpened.get(), "the button opens the playbook run pane");
        assertEquals(before, aws.requests().size(), "no AWS call from the Cloud view");
    }

    /** The tick texts an axis drew, bottom to top, read from its rendered Text nodes. */
    private List<String> renderedTicks(javafx.scene.chart.NumberAxis axis) {
        List<String> out = new java.util.ArrayList<>();
        robot.interact(() -> axis.getChildrenUnmodifiable().stream()
                .filter(n -> n instanceof javafx.scene.text.Text t && t.isVisible() && !t.getText().isEmpty())
                .map(n -> (javafx.scene.text.Text) n)
                .sorted(java.util.Comparator.comparingDouble(t -> -t.localToParent(t.getLayoutBounds()).getCenterY()))
                .forEach(t -> out.add(t.getText())));
        return out;
    }

    /** "$1,250" → 1250, "$2.5k" → 2500, "-$50" → -50. */
    private static double dollars(String tick) {
        assertTrue(tick.matches("-?\\$\\d{1,3}(,\\d{3})*(\\.\\d+)?[kM]?"), "a money tick: " + tick);
        double scale = tick.endsWith("k") ? 1e3 : tick.endsWith("M") ? 1e6 : 1;
        double v = Double.parseDouble(tick.replaceAll("[$,kM]", "")) * scale;
        return v;
    }

    private static void assertRoundMoneyAxis(List<String> ticks, double dataMax) {
        assertTrue(ticks.size() >= 3, "ticks drawn: " + ticks);
        assertEquals("$0", ticks.getFirst(), ticks.toString());
        double step = dollars(ticks.get(1)) - dollars(ticks.get(0));
        for (int i = 1; i < ticks.size(); i++) {
            assertEquals(step, dollars(ticks.get(i)) - dollars(ticks.get(i - 1)), 1e-6, "even steps: " + ticks);
        }
        double mantissa = step / Math.pow(10, Math.floor(Math.log10(step)));
        assertTrue(List.of(1.0, 2.0, 2.5, 5.0).stream().anyMatch(m -> Math.abs(m - mantissa) < 1e-9),
                "a round step (1, 2, 2.5 or 5 × 10^n): " + ticks);
        double top = dollars(ticks.getLast());
        assertTrue(top >= dataMax && top - step < dataMax, "the axis fits the data's " + dataMax + ": " + ticks);
    }

    @Test
    void moneyAxesReadAsRoundDollarsMatchingTheDataAndHoverReadsDollarsAndCents() throws Exception {
        show(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "fake-secret")), 4000, true);
        StackedBarChart<?, ?> bars = robot.lookup("#cloud-daily-chart").queryAs(StackedBarChart.class);
        double[] totals = new double[30];
        for (var series : bars.getData()) {
            for (int d = 0; d < 30; d++) {
                totals[d] += ((Number) series.getData().get(d).getYValue()).doubleValue();
            }
        }
        double dailyMax = java.util.Arrays.stream(totals).max().orElseThrow();
        assertEquals(aws.dailyTotal(java.time.LocalDate.of(2026, 11, 22)), totals[29], 0.006, "the bars are the data");
        var dailyAxis = robot.lookup("#cloud-daily-usd-axis").queryAs(javafx.scene.chart.NumberAxis.class);
        io.vigil.Eventually.until("daily ticks drawn", Duration.ofSeconds(20), () -> renderedTicks(dailyAxis).size() >= 3);
        List<String> daily = renderedTicks(dailyAxis);
        System.out.println("daily spend axis: " + daily + " for a highest day of " + dailyMax);
        assertRoundMoneyAxis(daily, dailyMax);

        var paceAxis = robot.lookup("#cloud-pace-usd-axis").queryAs(javafx.scene.chart.NumberAxis.class);
        List<String> pace = renderedTicks(paceAxis);
        LineChart<?, ?> paceChart = robot.lookup("#cloud-pace-chart").queryAs(LineChart.class);
        double paceMax = paceChart.getData().stream().flatMap(s -> s.getData().stream())
                .mapToDouble(d -> ((Number) d.getYValue()).doubleValue()).max().orElseThrow();
        System.out.println("pace axis: " + pace + " for a highest point of " + paceMax);
        assertRoundMoneyAxis(pace, paceMax);

        // No "USD" caption anywhere: the ticks carry the unit.
        List<String> usd = new java.util.ArrayList<>();
        robot.interact(() -> robot.lookup(n -> n instanceof javafx.scene.text.Text t && t.getText() != null
                && t.getText().contains("USD")).queryAll().forEach(n -> usd.add(((javafx.scene.text.Text) n).getText())));
        assertTrue(usd.isEmpty(), "USD clutter: " + usd);

        // Hover over the latest day's largest service: the readout names it with dollars and cents.
        var latest = bars.getData().getFirst().getData().get(29);
        robot.moveTo(latest.getNode());
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        String read = robot.lookup("#cloud-daily-readout").queryAs(Label.class).getText();
        double value = ((Number) latest.getYValue()).doubleValue();
        assertEquals("Nov 22  ·  EC2 compute " + io.vigil.text.Unit.money(value) + "  ·  day total "
                + io.vigil.text.Unit.money(totals[29]), read);
        assertTrue(read.matches(".*\\$\\d{1,3}(,\\d{3})*\\.\\d{2}.*"), read);

        // Over the month-to-date chart at day 10: that day's figures, in dollars and cents.
        var dayAxis = robot.lookup("#cloud-pace-chart").queryAs(LineChart.class).getXAxis();
        robot.interact(() -> {
            javafx.scene.Node n = paceChart;
            while (n != null && !(n instanceof javafx.scene.control.ScrollPane)) {
                n = n.getParent();
            }
            if (n instanceof javafx.scene.control.ScrollPane sp) {
                sp.setVvalue(sp.getVmax()); // the chart is below the fold of the 760 px window
            }
        });
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        javafx.geometry.Point2D[] at = new javafx.geometry.Point2D[1];
        robot.interact(() -> {
            var axis = (javafx.scene.chart.NumberAxis) dayAxis;
            javafx.geometry.Point2D base = axis.localToScreen(axis.getDisplayPosition(10), 0);
            at[0] = new javafx.geometry.Point2D(base.getX(), base.getY() - 40);
        });
        robot.moveTo(at[0]);
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        String paceRead = robot.lookup("#cloud-pace-readout").queryAs(Label.class).getText();
        double mtd10 = ((Number) paceChart.getData().getFirst().getData().get(10).getYValue()).doubleValue();
        assertTrue(paceRead.startsWith("Nov 10  ·  month to date " + io.vigil.text.Unit.money(mtd10)), paceRead);
        assertTrue(paceRead.contains("budget pace $1,333.33"), paceRead);
    }

    @Test
    void thePaceReadoutGivesTheDaysFiguresInDollars() {
        var p = new CloudViewModel.Pace(java.time.YearMonth.of(2026, 11),
                List.of(new double[] {1, 1000}, new double[] {2, 2234.56}), java.util.OptionalDouble.of(30_000), 45_000);
        assertEquals("Nov 2  ·  month to date $2,234.56  ·  forecast $2,234.56  ·  budget pace $3,000.00",
                CloudView.paceReadout(p, 2));
        assertEquals("Nov 30  ·  forecast $30,000.00  ·  budget pace $45,000.00", CloudView.paceReadout(p, 30));
    }

    @Test
    void withoutCredentialsShowsTheGuidanceInsteadOfCharts() throws Exception {
        Path config = Files.writeString(dir.resolve("aws-config"), "[profile other]\nregion = us-east-1\n");
        var none = AwsCredentialsProviderChain.of(ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build())
                .profileName("analyst").build());
        show(none, 0, false);
        Node guidance = robot.lookup("#cloud-guidance").query();
        assertTrue(guidance.isVisible());
        assertFalse(robot.lookup("#cloud-content").query().isVisible(), "no charts without data");
        String text = robot.lookup("#cloud-guidance-text").queryAs(Label.class).getText();
        assertTrue(text.startsWith("No AWS credentials found for profile 'analyst'"), text);
        assertTrue(text.contains("aws sso login --profile NAME"), text);
        assertEquals(0, aws.requests().size());
    }
}
