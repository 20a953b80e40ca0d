package io.vigil.ui.cloud;

import io.vigil.cloud.AlarmState;
import io.vigil.cloud.AwsProblem;
import io.vigil.cloud.BillingSnapshot;
import io.vigil.cloud.CostAnomaly;
import io.vigil.cloud.CostSnapshot;
import io.vigil.text.Unit;
import io.vigil.ui.Styles;
import io.vigil.ui.View;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The Cloud cost view: spend today and month to date, 30 days of spend by service, the month's pace
 * against forecast and budget, the billing metric, alarm states and cost anomalies, each panel with
 * its freshness. Without credentials it shows how to set them up instead. {@link #refresh()} only
 * rebuilds what changed (the sources publish new immutable snapshots), so the 4 Hz cadence is cheap.
 */
public final class CloudView implements View {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT);
    /** How a readout names a day: "Nov 3", as the day labels under the bars. */
    private static final DateTimeFormatter READOUT_DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ROOT);
    private static final int BAR_TICKS = 6;
    private static final int PACE_TICKS = 6;
    private static final String BARS_HINT = "Point at a bar to read its amount.";
    private static final String PACE_HINT = "Point at the chart to read a day's figures.";

    private final CloudViewModel model;
    private final Clock clock;
    private final VBox root = new VBox(14);
    private final Label requests = new Label();
    private final Label banner = new Label();
    private final Button retry = new Button("Retry now");
    private boolean retryNowShown;
    private final VBox guidance = new VBox(10);
    private final Label guidanceText = new Label();
    private final VBox content = new VBox(14);
    private final Label today = metricValue("cloud-today");
    private final Label mtd = metricValue("cloud-mtd");
    private final Label forecast = metricValue("cloud-forecast");
    private final Label pace = metricValue("cloud-pace");
    private final Label charges = metricValue("cloud-estimated");
    private final Label chargesSub = muted();
    private final Label costFresh = muted();
    private final Label barsFresh = muted();
    private final Label paceFresh = muted();
    private final Label billingFresh = muted();
    private final Label anomaliesFresh = muted();
    private final CategoryAxis dayAxis = new CategoryAxis();
    private final NumberAxis usdAxis = new NumberAxis();
    private final StackedBarChart<String, Number> bars = new StackedBarChart<>(dayAxis, usdAxis);
    private final NumberAxis dayOfMonthAxis = new NumberAxis();
    private final NumberAxis paceUsdAxis = new NumberAxis();
    private final LineChart<Number, Number> paceChart = new LineChart<>(dayOfMonthAxis, paceUsdAxis);
    /** What the mouse points at in the daily bars: day, service, amount and the day's total. */
    private final Label barsReadout = readout("cloud-daily-readout", BARS_HINT);
    /** What the mouse points at in the pace chart: the day's month to date, forecast and budget pace. */
    private final Label paceReadout = readout("cloud-pace-readout", PACE_HINT);
    private CloudViewModel.ServiceBars shownBars;
    private CloudViewModel.Pace shownPace;
    private final VBox alarms = new VBox(6);
    private final VBox anomalies = new VBox(8);
    private CostSnapshot shownCost;
    private final Label liveBridge = new Label();
    private long bridgeShownAt = Long.MIN_VALUE;
    private BillingSnapshot shownBilling;

    /**
     * @param openGuardrails opens the {@code aws-guardrails} playbook's run pane, the one audited path
     *                       that changes the account (dry run with the diff, confirmation, audit log);
     *                       empty when the cloud services or playbooks are unavailable (button disabled)
     * @param background     runs the retry calls off the FX thread
     */
    public CloudView(CloudViewModel model, Optional<Runnable> openGuardrails, Clock clock, Executor background) {
        this(model, openGuardrails, clock, background, null);
    }

    /**
     * @param retryNow run on {@code background} by the banner's "Retry now" button (reads AWS now,
     *                 cutting any backoff short); null hides the button
     */
    public CloudView(CloudViewModel model, Optional<Runnable> openGuardrails, Clock clock, Executor background,
                     Runnable retryNow) {
        this.model = model;
        this.clock = clock;
        root.getStyleClass().addAll(Styles.VIEW, "cloud-view");
        root.setId("cloud-view");
        root.setPadding(new Insets(18));

        Label title = new Label("Cloud cost");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        requests.setId("cloud-requests");
        requests.getStyleClass().add(Styles.MUTED);
        Button guard = new Button("Guardrails…");
        guard.setId("cloud-guardrails");
        guard.setDisable(openGuardrails.isEmpty());
        // No AWS call from here: the playbook run shows the diff, asks to confirm and is audited.
        guard.setOnAction(e -> openGuardrails.ifPresent(Runnable::run));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(12, title, spacer, requests, guard);
        head.setAlignment(Pos.CENTER_LEFT);

        banner.setId("cloud-banner");
        banner.setWrapText(true);
        banner.setMaxWidth(Double.MAX_VALUE);
        banner.getStyleClass().add(Styles.BANNER_WARNING);
        show(banner, false);
        retry.setId("cloud-retry-now");
        retry.setOnAction(e -> {
            retry.setDisable(true); // enabled again by the next snapshot
            background.execute(retryNow == null ? () -> { } : retryNow);
        });
        show(retry, false);

        guidance.setId("cloud-guidance");
        guidance.getStyleClass().addAll(Styles.CARD, "cloud-guidance");
        Label gTitle = new Label("Connect Vigil to your AWS account");
        gTitle.getStyleClass().add("cloud-panel-title");
        guidanceText.setId("cloud-guidance-text");
        guidanceText.setWrapText(true);
        Label gNote = new Label("Vigil needs only read access: " + String.join(", ", AwsProblem.READ_ACTIONS)
                + ". Credentials come from the AWS SDK's default chain (environment, ~/.aws/config profiles, SSO); "
                + "Vigil stores no secret. It checks again every minute.");
        gNote.setWrapText(true);
        gNote.getStyleClass().add(Styles.MUTED);
        guidance.getChildren().addAll(gTitle, guidanceText, gNote);
        show(guidance, false);

        // Five equal tiles across, wrapping to a second row rather than cutting a figure in a narrow window.
        javafx.scene.layout.TilePane tiles = new javafx.scene.layout.TilePane(12, 12,
                metricCard("Spend today", today, costFresh),
                metricCard("Month to date", mtd, muted("unblended cost, UTC month")),
                metricCard("Forecast, month end", forecast, muted("Cost Explorer forecast")),
                metricCard("Budget pace", pace, muted("MTD ÷ budget share of month elapsed")),
                metricCard("EstimatedCharges", charges, chargesSub));
        tiles.setId("cloud-tiles");
        tiles.setPrefColumns(5);
        tiles.setTileAlignment(Pos.TOP_LEFT);
        tiles.prefTileWidthProperty().bind(javafx.beans.binding.Bindings.max(180,
                tiles.widthProperty().subtract(4 * 12).divide(5).subtract(1)));

        bars.setId("cloud-daily-chart");
        bars.setAnimated(false);
        bars.setLegendVisible(true);
        bars.setCategoryGap(3);
        bars.setMinHeight(300);
        bars.getStyleClass().add("cloud-chart");
        usdAxis.setId("cloud-daily-usd-axis");
        paceChart.setId("cloud-pace-chart");
        paceChart.setAnimated(false);
        paceChart.setCreateSymbols(false);
        paceChart.setMinHeight(260);
        paceChart.getStyleClass().add("cloud-chart");
        dayOfMonthAxis.setAutoRanging(false);
        dayOfMonthAxis.setLowerBound(0);
        dayOfMonthAxis.setTickUnit(5);
        dayOfMonthAxis.setLabel("day of month");
        paceUsdAxis.setId("cloud-pace-usd-axis");
        UnitAxis.fit(usdAxis, Unit.USD, 0, 0, BAR_TICKS);
        UnitAxis.fit(paceUsdAxis, Unit.USD, 0, 0, PACE_TICKS);
        paceChart.setOnMouseMoved(e -> paceReadoutAt(e.getSceneX(), e.getSceneY()));
        paceChart.setOnMouseExited(e -> paceReadout.setText(PACE_HINT));
        bars.setOnMouseExited(e -> barsReadout.setText(BARS_HINT));
        alarms.setId("cloud-alarms");
        anomalies.setId("cloud-anomalies");

        GridPane middle = new GridPane();
        middle.setHgap(12);
        ColumnConstraints left = new ColumnConstraints();
        left.setPercentWidth(58);
        ColumnConstraints right = new ColumnConstraints();
        right.setPercentWidth(42);
        middle.getColumnConstraints().addAll(left, right);
        middle.add(panel("Month to date vs forecast and budget", paceFresh, new VBox(4, paceChart, paceReadout)), 0, 0);
        middle.add(panel("CloudWatch alarms (billing first)", billingFresh, alarms), 1, 0);

        content.setId("cloud-content");
        content.getChildren().addAll(tiles,
                panel("Daily spend by service, last 30 days", barsFresh,
                        new VBox(4, io.vigil.ui.chart.DayLabels.under(bars), barsReadout)),
                middle,
                panel("Cost anomalies (AWS Cost Anomaly Detection)", anomaliesFresh, anomalies));
        // --- live cost: the bridge from Cost Explorer's figure to now ---
        liveBridge.setId("cloud-live-bridge");
        liveBridge.setWrapText(true);
        liveBridge.getStyleClass().add(Styles.MUTED);
        show(liveBridge, false);
        content.getChildren().add(1, liveBridge);
        HBox bannerRow = new HBox(12, banner, retry);
        HBox.setHgrow(banner, Priority.ALWAYS);
        retryNowShown = retryNow != null;
        root.getChildren().addAll(head, bannerRow, guidance, content);
    }

    private static Label metricValue(String id) {
        Label l = new Label("—");
        l.setId(id);
        l.getStyleClass().add("cloud-metric-value");
        // A figure is never cut ("$10,939..."): the label keeps its full width and the card grows.
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static Label readout(String id, String hint) {
        Label l = new Label(hint);
        l.setId(id);
        l.getStyleClass().addAll(Styles.MUTED, "cloud-chart-readout");
        l.setWrapText(true);
        return l;
    }

    private static Label muted() {
        return muted("");
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.MUTED);
        l.setWrapText(true);
        return l;
    }

    private static Node metricCard(String title, Label value, Label sub) {
        Label t = new Label(title);
        t.getStyleClass().add("cloud-metric-title");
        t.setMinWidth(Region.USE_PREF_SIZE);
        VBox box = new VBox(4, t, value, sub);
        box.getStyleClass().addAll(Styles.CARD, "cloud-metric");
        box.setPrefWidth(180);
        box.setMaxWidth(Double.MAX_VALUE);
        box.setMaxHeight(Double.MAX_VALUE);
        return box;
    }

    private static Node panel(String title, Label freshness, Node body) {
        Label t = new Label(title);
        t.getStyleClass().add("cloud-panel-title");
        t.setMinWidth(Region.USE_PREF_SIZE); // the freshness note beside it wraps instead
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(8, t, spacer, freshness);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(8, head, body);
        VBox.setVgrow(body, Priority.ALWAYS);
        box.getStyleClass().add(Styles.CARD);
        return box;
    }

    private static void show(Node n, boolean visible) {
        n.setVisible(visible);
        n.setManaged(visible);
    }

    @Override
    public Node node() {
        return io.vigil.ui.Layouts.scrolling(root);
    }

    @Override
    public void refresh() {
        refreshBridge();
        CostSnapshot c = model.cost();
        BillingSnapshot b = model.billing();
        if (c == shownCost && b == shownBilling) {
            return;
        }
        Optional<AwsProblem> needs = model.guidance();
        show(guidance, needs.isPresent());
        show(content, needs.isEmpty());
        needs.ifPresent(p -> guidanceText.setText(p.message()));
        Optional<AwsProblem> problem = needs.isPresent() ? Optional.empty() : model.banner();
        show(banner, problem.isPresent());
        show(retry, retryNowShown && (problem.isPresent() || needs.isPresent()));
        retry.setDisable(false);
        problem.ifPresent(p -> banner.setText(p.message()));
        requests.setText(String.format(Locale.ROOT, "Cost Explorer requests today: %d of %d (%s)",
                c.requestsToday(), c.requestLimit(), CloudViewModel.usd(c.requestCostTodayUsd())));
        if (c != shownCost) {
            shownCost = c;
            showCost(c);
        }
        if (b != shownBilling) {
            shownBilling = b;
            showBilling(b);
        }
    }

    // --- live cost: the bridge line, once a second (it grows with the live estimate) ---
    private void refreshBridge() {
        long now = clock.millis();
        if (now - bridgeShownAt < 1000 && now >= bridgeShownAt) {
            return;
        }
        bridgeShownAt = now;
        Optional<String> line = model.bridgeLine();
        show(liveBridge, line.isPresent());
        line.ifPresent(t -> {
            if (!t.equals(liveBridge.getText())) {
                liveBridge.setText(t);
            }
        });
    }

    private void showCost(CostSnapshot c) {
        String fresh = model.freshness(c.costsAsOf());
        costFresh.setText(fresh);
        barsFresh.setText(fresh);
        paceFresh.setText(c.forecastAsOf().map(t -> "forecast as of " + model.time(t) + "; ").orElse("") + fresh);
        anomaliesFresh.setText(model.freshness(c.anomaliesAsOf()));
        if (!c.hasData()) {
            return;
        }
        today.setText(CloudViewModel.usd(c.todayUsd()));
        mtd.setText(CloudViewModel.usd(c.mtdUsd()));
        forecast.setText(c.forecastEomUsd().isPresent() ? CloudViewModel.usd(c.forecastEomUsd().getAsDouble()) : "—");
        pace.setText(c.paceRatio().isPresent()
                ? io.vigil.text.Unit.PERCENT.format(c.paceRatio().getAsDouble() * 100) : "no budget set");
        pace.getStyleClass().remove("cloud-over-budget");
        if (c.paceRatio().isPresent() && c.paceRatio().getAsDouble() > 1) {
            pace.getStyleClass().add("cloud-over-budget");
        }
        drawBars(c);
        drawPace(c);
        drawAnomalies(c);
    }

    private void drawBars(CostSnapshot c) {
        CloudViewModel.ServiceBars sb = CloudViewModel.bars(lastDays(c), CloudViewModel.TOP_SERVICES);
        List<String> labels = sb.days().stream().map(DAY::format).toList();
        shownBars = sb;
        UnitAxis.fit(usdAxis, Unit.USD, 0, maxDayTotal(sb), BAR_TICKS);
        if (sameShape(sb, labels)) {
            // Same services and days: update the bars in place, far cheaper than new chart nodes.
            for (int s = 0; s < sb.services().size(); s++) {
                var data = bars.getData().get(s).getData();
                for (int d = 0; d < labels.size(); d++) {
                    data.get(d).setYValue(sb.values()[s][d]);
                }
            }
            return;
        }
        dayAxis.setCategories(FXCollections.observableArrayList(labels));
        List<XYChart.Series<String, Number>> series = new ArrayList<>();
        for (int s = 0; s < sb.services().size(); s++) {
            XYChart.Series<String, Number> one = new XYChart.Series<>();
            one.setName(shortName(sb.services().get(s)));
            for (int d = 0; d < labels.size(); d++) {
                one.getData().add(new XYChart.Data<>(labels.get(d), sb.values()[s][d]));
            }
            series.add(one);
        }
        bars.getData().setAll(series);
        for (int s = 0; s < series.size(); s++) {
            for (int d = 0; d < labels.size(); d++) {
                int service = s;
                int day = d;
                XYChart.Data<String, Number> item = series.get(s).getData().get(d);
                // The bar node is made when the series joins the chart; hover reads the values then
                // current, so an in-place update needs no new handler.
                java.util.function.Consumer<Node> hook = bar -> {
                    if (bar != null) {
                        bar.setOnMouseEntered(e -> barsReadout.setText(barReadout(service, day)));
                    }
                };
                hook.accept(item.getNode());
                item.nodeProperty().addListener((o, was, now) -> hook.accept(now));
            }
        }
    }

    /** The highest stacked bar: the sum of every service on its day. */
    private static double maxDayTotal(CloudViewModel.ServiceBars sb) {
        double max = 0;
        for (int d = 0; d < sb.days().size(); d++) {
            max = Math.max(max, dayTotal(sb, d));
        }
        return max;
    }

    private static double dayTotal(CloudViewModel.ServiceBars sb, int day) {
        double sum = 0;
        for (double[] service : sb.values()) {
            sum += service[day];
        }
        return sum;
    }

    /** "Nov 3 · EC2 compute $1,234.56 · day total $2,345.67". */
    private String barReadout(int service, int day) {
        CloudViewModel.ServiceBars sb = shownBars;
        if (sb == null || service >= sb.services().size() || day >= sb.days().size()) {
            return "";
        }
        return READOUT_DAY.format(sb.days().get(day)) + "  ·  " + shortName(sb.services().get(service)) + " "
                + Unit.money(sb.values()[service][day]) + "  ·  day total " + Unit.money(dayTotal(sb, day));
    }

    private boolean sameShape(CloudViewModel.ServiceBars sb, List<String> labels) {
        if (bars.getData().size() != sb.services().size() || !dayAxis.getCategories().equals(labels)) {
            return false;
        }
        for (int s = 0; s < sb.services().size(); s++) {
            if (!bars.getData().get(s).getName().equals(shortName(sb.services().get(s)))) {
                return false;
            }
        }
        return true;
    }

    /** The last 30 days of the snapshot (it also holds the month so far, which may reach further back). */
    private static List<io.vigil.cloud.DailyCost> lastDays(CostSnapshot c) {
        List<io.vigil.cloud.DailyCost> days = c.days();
        return days.size() <= 30 ? days : days.subList(days.size() - 30, days.size());
    }

    /** AWS service names are long; the legend keeps the distinctive part. */
    static String shortName(String service) {
        return service.replace("Amazon Elastic Compute Cloud - Compute", "EC2 compute")
                .replace("Amazon Simple Storage Service", "S3")
                .replace("Amazon Relational Database Service", "RDS")
                .replaceFirst("^(Amazon|AWS) ", "");
    }

    private void drawPace(CostSnapshot c) {
        LocalDate todayUtc = LocalDate.ofInstant(c.costsAsOf().orElse(clock.instant()), ZoneOffset.UTC);
        CloudViewModel.Pace p = CloudViewModel.pace(c, todayUtc);
        int daysInMonth = p.month().lengthOfMonth();
        dayOfMonthAxis.setUpperBound(daysInMonth);
        shownPace = p;
        double top = Math.max(p.budget(), p.forecastEom().orElse(0));
        for (double[] pt : p.cumulative()) {
            top = Math.max(top, pt[1]);
        }
        UnitAxis.fit(paceUsdAxis, Unit.USD, 0, top, PACE_TICKS);
        List<XYChart.Series<Number, Number>> series = new ArrayList<>();
        XYChart.Series<Number, Number> actual = new XYChart.Series<>();
        actual.setName("Month to date");
        actual.getData().add(new XYChart.Data<>(0, 0));
        for (double[] pt : p.cumulative()) {
            actual.getData().add(new XYChart.Data<>(pt[0], pt[1]));
        }
        series.add(actual);
        if (p.forecastEom().isPresent() && !p.cumulative().isEmpty()) {
            XYChart.Series<Number, Number> fc = new XYChart.Series<>();
            fc.setName("Forecast");
            double[] last = p.cumulative().getLast();
            fc.getData().add(new XYChart.Data<>(last[0], last[1]));
            fc.getData().add(new XYChart.Data<>(daysInMonth, p.forecastEom().getAsDouble()));
            series.add(fc);
        }
        if (p.budget() > 0) {
            XYChart.Series<Number, Number> budget = new XYChart.Series<>();
            budget.setName("Budget pace");
            budget.getData().add(new XYChart.Data<>(0, 0));
            budget.getData().add(new XYChart.Data<>(daysInMonth, p.budget()));
            series.add(budget);
        }
        paceChart.getData().setAll(series);
    }

    /** The readout for the day under the mouse: month to date, the forecast line and the budget pace there. */
    private void paceReadoutAt(double sceneX, double sceneY) {
        CloudViewModel.Pace p = shownPace;
        if (p == null) {
            return;
        }
        double x = dayOfMonthAxis.sceneToLocal(sceneX, sceneY).getX();
        int day = (int) Math.round(dayOfMonthAxis.getValueForDisplay(x).doubleValue());
        int daysInMonth = p.month().lengthOfMonth();
        if (day < 1 || day > daysInMonth) {
            paceReadout.setText(PACE_HINT);
            return;
        }
        paceReadout.setText(paceReadout(p, day));
    }

    /** "Nov 14  ·  month to date $12,345.67  ·  forecast $…  ·  budget pace $…", the parts that exist that day. */
    static String paceReadout(CloudViewModel.Pace p, int day) {
        List<String> parts = new ArrayList<>();
        parts.add(READOUT_DAY.format(p.month().atDay(day)));
        double[] last = p.cumulative().isEmpty() ? null : p.cumulative().getLast();
        for (double[] pt : p.cumulative()) {
            if ((int) pt[0] == day) {
                parts.add("month to date " + Unit.money(pt[1]));
            }
        }
        int daysInMonth = p.month().lengthOfMonth();
        if (p.forecastEom().isPresent() && last != null && day >= last[0] && daysInMonth > last[0]) {
            double f = last[1] + (p.forecastEom().getAsDouble() - last[1]) * (day - last[0]) / (daysInMonth - last[0]);
            parts.add("forecast " + Unit.money(f));
        }
        if (p.budget() > 0) {
            parts.add("budget pace " + Unit.money(p.budget() * day / daysInMonth));
        }
        return String.join("  ·  ", parts);
    }

    private void drawAnomalies(CostSnapshot c) {
        List<Node> rows = new ArrayList<>();
        LocalDate todayUtc = LocalDate.ofInstant(c.costsAsOf().orElse(clock.instant()), ZoneOffset.UTC);
        for (CostAnomaly a : c.anomalies()) {
            Label head = new Label(String.format(Locale.ROOT, "%s impact  ·  score %.2f (now %.2f)  ·  %s → %s  ·  %s",
                    CloudViewModel.usd(a.totalImpactUsd()), a.maxScore(), a.currentScore(), a.start(),
                    a.end().map(LocalDate::toString).orElse("open"), a.dimension()));
            head.getStyleClass().add(a.isOpen(todayUtc) ? "cloud-anomaly-open" : "cloud-anomaly-closed");
            Label causes = new Label("root causes: " + (a.rootCauses().isEmpty() ? "none reported"
                    : a.rootCauses().stream().map(CostAnomaly.RootCause::describe).collect(Collectors.joining("; "))));
            causes.getStyleClass().add(Styles.MUTED);
            causes.setWrapText(true);
            VBox row = new VBox(2, head, causes);
            row.getStyleClass().add("cloud-anomaly");
            row.setUserData(a.id());
            rows.add(row);
        }
        if (rows.isEmpty()) {
            rows.add(muted(c.anomaliesAsOf().isPresent() ? "No anomalies in the last 30 days." : "Not read yet."));
        }
        anomalies.getChildren().setAll(rows);
    }

    private void showBilling(BillingSnapshot b) {
        billingFresh.setText(model.freshness(b.asOf()));
        if (b.estimatedChargesUsd().isPresent()) {
            charges.setText(CloudViewModel.usd(b.estimatedChargesUsd().getAsDouble()));
            chargesSub.setText("published " + b.estimatedChargesAt().map(model::dateTime).orElse("?")
                    + " (us-east-1); " + b.asOf().map(t -> "read " + model.time(t)).orElse(""));
        } else {
            chargesSub.setText(b.asOf().isPresent() ? "no billing data (enable billing alerts in the account)"
                    : "waiting for the first reading");
        }
        List<Node> rows = new ArrayList<>();
        for (AlarmState a : b.alarms()) {
            rows.add(alarmRow(a));
        }
        if (rows.isEmpty()) {
            rows.add(muted(b.asOf().isPresent() ? "No metric alarms." : "Not read yet."));
        }
        alarms.getChildren().setAll(rows);
    }

    /**
     * One alarm: its state and name on the first line; the metric, region and when it changed, then
     * CloudWatch's reason (which names the threshold and the datapoint that crossed it), wrapped so
     * nothing is cut in the narrow panel.
     */
    private Node alarmRow(AlarmState a) {
        Label head = new Label(a.state() + "  " + a.name() + (a.billing() ? " (billing)" : ""));
        head.getStyleClass().addAll(Styles.STATUS_CHIP, a.inAlarm() ? Styles.HEALTH_DOWN
                : "OK".equals(a.state()) ? Styles.HEALTH_OK : Styles.HEALTH_UNKNOWN, "cloud-alarm");
        head.setWrapText(true);
        javafx.scene.shape.Circle dot = new javafx.scene.shape.Circle(4);
        dot.getStyleClass().add("health-dot");
        head.setGraphic(dot);
        Label where = new Label(a.namespace() + " / " + a.metricName() + "  ·  " + a.region()
                + a.updatedAt().map(t -> "  ·  changed " + model.moment(t, clock.instant()))
                        .orElse(""));
        where.getStyleClass().add("cloud-alarm-detail");
        where.setWrapText(true);
        VBox row = new VBox(2, head, where);
        if (a.reason() != null && !a.reason().isBlank()) {
            Label reason = new Label(a.reason());
            reason.getStyleClass().add("cloud-alarm-detail");
            reason.setWrapText(true);
            row.getChildren().add(reason);
        }
        row.getStyleClass().add("cloud-alarm-row");
        row.setUserData(a.arn());
        return row;
    }

    /** For tests and the benchmark: what the view last drew. */
    CostSnapshot shownCost() {
        return shownCost;
    }
}
