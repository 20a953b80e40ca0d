package io.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.cloud.BillingSnapshot;
import io.vigil.cloud.CloudServices;
import io.vigil.cloud.CostSnapshot;
import io.vigil.ui.Icons;
import io.vigil.ui.Styles;
import io.vigil.ui.UiTicker;
import io.vigil.ui.View;
import io.vigil.ui.cloud.CloudView;
import io.vigil.ui.cloud.CloudViewModel;
import io.vigil.ui.dashboard.DashboardView;
import io.vigil.ui.dashboard.DashboardViewModel;
import io.vigil.ui.settings.SettingsView;
import io.vigil.ui.shell.NavItem;
import io.vigil.ui.shell.PlaceholderView;
import io.vigil.ui.shell.Shell;
import io.vigil.ui.shell.StatusBar;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.stage.Stage;

/**
 * The desktop console. Builds the window from the {@link Wiring}'s services; the views only see
 * the services they need. Tests construct it with their own wiring.
 */
public final class VigilApp extends Application {

    private final Supplier<Wiring> wiringFactory;
    private Wiring wiring;
    private UiTicker ticker;
    private Shell shell;
    private final ExecutorService uiBackground = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ui-io-", 0).factory());

    public VigilApp() {
        this(() -> Wiring.forDesktop(AppPaths.fromSystem(), Clock.systemDefaultZone()));
    }

    public VigilApp(Supplier<Wiring> wiringFactory) {
        this.wiringFactory = wiringFactory;
    }

    @Override
    public void start(Stage stage) {
        wiring = wiringFactory.get();
        wiring.start();

        Label clockLabel = new Label();
        clockLabel.getStyleClass().add(Styles.MUTED);
        clockLabel.setId("header-clock");
        DateTimeFormatter hhmmss = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

        shell = new Shell(navItems(), new StatusBar(() -> wiring.scheduler().statuses()), clockLabel);
        for (String problem : wiring.problems()) {
            Label banner = new Label(problem);
            banner.setWrapText(true);
            banner.getStyleClass().add(Styles.BANNER_WARNING);
            banner.setMaxWidth(Double.MAX_VALUE);
            shell.addBanner(banner);
        }
        // ui.startView (e.g. -Dvigil.ui.startView=cloud) opens a view other than the dashboard first.
        String startView = wiring.settings().tree().path("ui").path("startView").asText("");
        if (!startView.isBlank() && navItems().stream().anyMatch(i -> i.id().equals(startView))) {
            shell.show(startView);
        }
        double hz = wiring.settings().tree().path("ui").path("refreshHz").asDouble(4);
        ticker = new UiTicker(Math.max(1, Math.min(hz, 30)), () -> {
            clockLabel.setText(hhmmss.format(wiring.clock().instant()));
            shell.refresh();
        });
        ticker.start();

        Scene scene = new Scene(shell, 1280, 820);
        scene.getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
        stage.setTitle("Vigil");
        stage.getIcons().add(new Image(getClass().getResourceAsStream("/io/vigil/ui/vigil-icon-256.png")));
        stage.setMinWidth(960);
        stage.setMinHeight(640);
        stage.setScene(scene);
        stage.show();
    }

    private List<NavItem> navItems() {
        List<NavItem> items = new ArrayList<>();
        items.add(new NavItem("dashboard", "Dashboard", Icons.DASHBOARD, () -> new DashboardView(
                new DashboardViewModel(wiring.series(), wiring.rollups(), wiring.clock(), uiBackground))));
        items.add(placeholder("gpus", "GPUs", Icons.GPU,
                "GPU telemetry (NVML) is not built yet. This view will show every NVIDIA GPU with utilization, "
                        + "memory, temperature, power, clocks, throttle reasons, ECC errors and the processes on it."));
        items.add(new NavItem("cloud", "Cloud cost", Icons.CLOUD, this::cloudView));
        items.add(placeholder("alerts", "Alerts", Icons.ALERTS,
                "Alerts are not built yet. Rules will raise alerts here, to acknowledge, silence and resolve."));
        items.add(placeholder("rules", "Rules", Icons.RULES,
                "The rules engine is not built yet. Rules (rules.yaml) will define thresholds and detectors "
                        + "over any metric."));
        items.add(placeholder("playbooks", "Playbooks", Icons.PLAYBOOKS,
                "Playbooks are not built yet. They will run scripted, audited response actions."));
        items.add(placeholder("inventory", "Inventory", Icons.INVENTORY,
                "The AI asset inventory is not built yet. It will list AI workloads, exposed services, "
                        + "containers and model-file integrity."));
        items.add(new NavItem("settings", "Settings", Icons.SETTINGS, this::settingsView));
        return items;
    }

    private View cloudView() {
        var cloud = wiring.cloud();
        CloudViewModel model = new CloudViewModel(
                () -> cloud.map(c -> c.cost().latest()).orElseGet(() -> CostSnapshot.empty(0, 0)),
                () -> cloud.map(c -> c.cloudWatch().latest()).orElseGet(BillingSnapshot::empty),
                ZoneId.systemDefault());
        return new CloudView(model, cloud.map(CloudServices::guardrails), wiring.clock(), uiBackground);
    }

    private static NavItem placeholder(String id, String title, String icon, String text) {
        return new NavItem(id, title, icon, () -> new PlaceholderView(id, title, text));
    }

    private View settingsView() {
        String yaml;
        try {
            yaml = new ObjectMapper(new YAMLFactory()).writeValueAsString(wiring.settings().tree());
        } catch (Exception e) {
            yaml = "(cannot print settings: " + e.getMessage() + ")";
        }
        AppPaths p = wiring.paths();
        return new SettingsView(p.configDir(), p.dataDir(), p.settingsFile(), p.databaseFile(), yaml, wiring.problems());
    }

    /** The shell, for tests. */
    public Shell shell() {
        return shell;
    }

    public Wiring wiring() {
        return wiring;
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.stop();
        }
        uiBackground.shutdownNow();
        if (wiring != null) {
            wiring.close();
        }
    }
}
