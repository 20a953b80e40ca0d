package io.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.ui.FirstFrameProbe;
import io.vigil.scenario.ScenarioException;
import io.vigil.scenario.ScenarioFile;
import io.vigil.cloud.BillingSnapshot;
import io.vigil.cloud.CloudServices;
import io.vigil.cloud.CostSnapshot;
import io.vigil.ui.Icons;
import io.vigil.ui.shell.DemoBanner;
import io.vigil.ui.shell.EmptyStateView;
import java.util.OptionalDouble;
import io.vigil.ui.Styles;
import io.vigil.ui.UiTicker;
import io.vigil.ui.pulse.CaretBlinkTimeout;
import io.vigil.ui.pulse.IdlePulse;
import io.vigil.ui.View;
import io.vigil.ui.alerts.AlertsView;
import io.vigil.ui.alerts.AlertsViewModel;
import io.vigil.ui.alerts.DesktopNotifier;
import io.vigil.ui.rules.RulesView;
import io.vigil.ui.rules.RulesViewModel;
import io.vigil.ui.cloud.CloudView;
import io.vigil.ui.cloud.CloudViewModel;
import io.vigil.ui.dashboard.DashboardView;
import io.vigil.ui.dashboard.DashboardViewModel;
import io.vigil.ui.gpus.GpusView;
import io.vigil.ui.gpus.GpusViewModel;
import io.vigil.ui.playbooks.PlaybooksView;
import io.vigil.ui.inventory.InventoryView;
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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.stage.Stage;
import org.slf4j.LoggerFactory;

/**
 * The desktop console. Builds the window from the {@link Wiring}'s services; the views only see
 * the services they need. Tests construct it with their own wiring.
 */
public final class VigilApp extends Application {

    private final Supplier<Wiring> wiringFactory;
    private final Runnable onSmokeTestFrame;
    private final List<String> launchArguments;
    private FirstFrameProbe firstFrame;
    /** When each start-up step happened, printed by {@code --smoke-test}. */
    private final StartupSteps steps = new StartupSteps();
    /** The current wiring's desktop notifier; closed before the toolkit exits. */
    private DesktopNotifier notifier;
    /** The current wiring's {@code ui:} settings. */
    private UiSettings ui = UiSettings.defaults();
    private volatile Wiring wiring;
    private UiTicker ticker;
    /** Stops a focused text caret blinking after 10 s without input (ADR 0892); the ticker checks it. FX thread. */
    private CaretBlinkTimeout caretBlinkTimeout = new CaretBlinkTimeout(CaretBlinkTimeout.GTK_DEFAULT, System::nanoTime);
    private Shell shell;
    // --- ui-severity: one feed of alert marks per wiring, read by the header and the views ---
    private java.util.function.Supplier<io.vigil.alerts.AlertMarks> alertMarks = io.vigil.alerts.AlertMarksFeed.none();
    private Stage stage;
    private AppPaths homePaths;
    static final double DEFAULT_DEMO_SPEED = 30;
    private PlaybooksView playbooksView;
    private final ExecutorService uiBackground = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ui-io-", 0).factory());
    /** Builds and closes wirings, one at a time (a platform thread: it outlives the FX thread at exit). */
    private final ExecutorService switcher = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("wiring-switcher").factory());
    private boolean switching;
    private volatile boolean stopped;
    /** A wiring built and not yet attached. */
    private final java.util.concurrent.atomic.AtomicReference<Wiring> handoff = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> ready =
            new java.util.concurrent.atomic.AtomicReference<>(new java.util.concurrent.CountDownLatch(1));

    /** The app as launched by {@code vigil}: live, or the demo with {@code --demo[=SPEED]}. */
    public VigilApp() {
        this(null);
    }

    public VigilApp(Supplier<Wiring> wiringFactory) {
        this(wiringFactory, null, null);
    }

    /**
     * For tests: the launch arguments ({@code --view=ID}, {@code --smoke-test}) instead of the
     * application parameters, and the action the smoke test takes at the first frame instead of exiting.
     */
    VigilApp(Supplier<Wiring> wiringFactory, Runnable onSmokeTestFrame, List<String> launchArguments) {
        this.wiringFactory = wiringFactory;
        this.onSmokeTestFrame = onSmokeTestFrame;
        this.launchArguments = launchArguments;
    }

    /** For tests, before {@link #start}: the clock the caret's blink timeout runs on (nanoseconds). */
    VigilApp caretClock(java.util.function.LongSupplier nanos) {
        caretBlinkTimeout = new CaretBlinkTimeout(CaretBlinkTimeout.GTK_DEFAULT, nanos);
        return this;
    }

    /** For tests: the text control whose caret the blink timeout has put at rest. FX thread. */
    java.util.Optional<javafx.scene.control.TextInputControl> restingCaret() {
        return caretBlinkTimeout.resting();
    }

    @Override
    public void start(Stage stage) {
        this.stage = stage;
        List<String> args = launchArguments != null ? launchArguments
                : getParameters() == null ? List.of() : getParameters().getRaw();
        // The window comes first, saying it is starting; the wiring (database, migrations, YAML,
        // OSHI, native libraries) is built on the switcher thread and the views attached when ready.
        // 1280×820 is the design size; a smaller screen (JavaFX's headless screen is 1000×1000) gets
        // what fits, since a window larger than the screen breaks the headless renderer.
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(startingPane("Starting Vigil…"), Math.min(1280, screen.getWidth()),
                Math.min(820, screen.getHeight()));
        scene.getStylesheets().add(getClass().getResource(Styles.STYLESHEET).toExternalForm());
        stage.getIcons().add(new Image(getClass().getResourceAsStream("/io/vigil/ui/vigil-icon-256.png")));
        stage.setMinWidth(960);
        stage.setMinHeight(640);
        stage.setTitle("Vigil");
        stage.setScene(scene);
        if (screen.getWidth() < 1280 || screen.getHeight() < 820) {
            // The stage may have been placed or sized before (a test's reused primary stage): pin it
            // inside the screen, since a window reaching past the headless screen's edge fails to draw.
            stage.setX(screen.getMinX());
            stage.setY(screen.getMinY());
            stage.setWidth(scene.getWidth());
            stage.setHeight(scene.getHeight());
        }
        stage.show();
        // An idle console should not wake 30 times a second (ADR 0890). Logged on the switcher thread:
        // the logger's own start-up (reading its configuration) must not delay the first frame.
        String pulse = IdlePulse.install(IdlePulse.IDLE_TICK);
        caretBlinkTimeout.watchAllWindows(); // and a focused caret does not keep it at full rate for good
        switcher.execute(() -> LoggerFactory.getLogger(VigilApp.class).info("{}", pulse));
        // A minimized console draws nothing: the views are not refreshed until it is restored.
        stage.iconifiedProperty().addListener((obs, was, now) -> {
            if (ticker != null) {
                ticker.pause(now);
            }
        });
        // --- start-up steps and the window's own first frame (issue 12) ---
        steps.mark("window shown");
        if (args.contains("--smoke-test")) {
            new FirstFrameProbe(() -> System.out.println("first frame in " + steps.mark("first frame") + " ms"))
                    .start();
        }
        Supplier<Wiring> factory = wiringFactory != null ? wiringFactory : () -> {
            OptionalDouble demoSpeed = demoSpeed(args);
            return demoSpeed.isPresent() ? scenarioWiring(AppPaths.fromSystem(), demoSpeed.getAsDouble())
                    : Wiring.forDesktop(AppPaths.fromSystem(), Clock.systemDefaultZone());
        };
        switchTo(factory, args);
    }

    /** What the window shows while a wiring is being built (or why it could not be). */
    private static javafx.scene.layout.StackPane startingPane(String text) {
        Label label = new Label(text);
        label.setId("starting-label");
        label.setWrapText(true);
        label.getStyleClass().add(Styles.MUTED);
        javafx.scene.layout.StackPane pane = new javafx.scene.layout.StackPane(label);
        pane.setId("starting");
        return pane;
    }

    /**
     * Blocks the calling thread (never the FX thread) until the views are attached to a wiring,
     * at most {@code timeout}; for tests, which otherwise race the background start.
     */
    public boolean awaitConsole(java.time.Duration timeout) throws InterruptedException {
        if (Platform.isFxApplicationThread()) {
            throw new IllegalStateException("awaitConsole would block the FX thread");
        }
        return ready.get().await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** {@code --demo} or {@code --demo=SPEED} (times real time). */
    static OptionalDouble demoSpeed(List<String> args) {
        for (String a : args) {
            if (a.equals("--demo")) {
                return OptionalDouble.of(DEFAULT_DEMO_SPEED);
            }
            if (a.startsWith("--demo=")) {
                return OptionalDouble.of(Double.parseDouble(a.substring("--demo=".length())));
            }
        }
        return OptionalDouble.empty();
    }

    private static Wiring scenarioWiring(AppPaths paths, double speed) {
        try {
            return Wiring.forScenario(paths, ScenarioFile.builtInDemo(), speed);
        } catch (ScenarioException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Starts the wiring and builds the window's content for it (the live console or a scenario replay). */
    private Shell buildShell(List<String> args) {
        playbooksView = null;

        // --- ui: section (issue 12: defaultWindow was documented and ignored) ---
        List<String> uiProblems = new ArrayList<>();
        ui = wiring.settings().section("ui", UiSettings.class, uiProblems::add);

        Label clockLabel = new Label();
        clockLabel.getStyleClass().add(Styles.MUTED);
        clockLabel.setId("header-clock");
        // To the minute: a clock ticking seconds repainted (and, rendering in software, copied) the
        // window every second on a view where nothing else changed (docs/bench/cpu.md).
        DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

        // --- desktop notifications (ui-shell): inside the content area; a click opens the alert ---
        closeNotifier();
        alertsReal = null;
        notifier = new DesktopNotifier(wiring.alertSettings().desktopNotifications(), wiring.alertSettings().sound(),
                stage, () -> shell == null ? null : shell.contentScreenBounds(), this::openAlert, Clock.systemDefaultZone());
        wiring.notifications().addNotifier(notifier);
        // --- ui-severity: the header count counts open alerts only and opens the Alerts view ---
        alertMarks = wiring.alertEngine().<java.util.function.Supplier<io.vigil.alerts.AlertMarks>>map(
                e -> new io.vigil.alerts.AlertMarksFeed(e.alerts(), wiring.clock()))
                .orElse(io.vigil.alerts.AlertMarksFeed.none());
        io.vigil.ui.shell.AlertCount openAlerts = new io.vigil.ui.shell.AlertCount(alertMarks, this::openAlerts);
        javafx.scene.layout.HBox headerRight = new javafx.scene.layout.HBox(16, openAlerts, clockLabel);
        headerRight.setAlignment(javafx.geometry.Pos.CENTER_RIGHT);
        // --- start view (ui-esc): --view=ID, else ui.startView, else the Dashboard; only that view is built ---
        List<String> startIds = new ArrayList<>();
        args.stream().filter(a -> a.startsWith("--view=")).map(a -> a.substring("--view=".length()))
                .forEach(startIds::add);
        startIds.add(ui.startView()); // e.g. -Dvigil.ui.startView=cloud
        shell = new Shell(navItems(), new StatusBar(() -> wiring.scheduler().statuses()), headerRight, startIds);
        shell.shortcuts().onQuit(this::quit); // Ctrl+Q (ui-shell)
        shell.shortcuts().onReload(this::pollSourcesNow); // F5 (ui-shell)
        wiring.scenario().ifPresentOrElse(sc -> {
            stage.setTitle("Vigil — DEMO: " + sc.name());
            shell.addBanner(new DemoBanner(sc, (io.vigil.scenario.ScenarioClock) wiring.clock(), this::leaveDemo));
        }, () -> stage.setTitle("Vigil"));
        for (String problem : java.util.stream.Stream.concat(wiring.problems().stream(), uiProblems.stream()).toList()) {
            Label banner = new Label(problem);
            banner.setWrapText(true);
            banner.getStyleClass().add(Styles.BANNER_WARNING);
            banner.setMaxWidth(Double.MAX_VALUE);
            shell.addBanner(banner);
        }
        frame = () -> {
            // Only a changed text: an equal but new String still invalidates the label and lays out the header.
            setIfChanged(clockLabel, hhmm.format(wiring.clock().instant()));
            openAlerts.refresh();
            shell.refresh();
            caretBlinkTimeout.check();
        };
        ticker = new UiTicker(ui.refreshHz(), frame);
        ticker.pause(stage.isIconified());
        ticker.start();
        return shell;
    }

    private static void setIfChanged(Label label, String text) {
        if (!text.equals(label.getText())) {
            label.setText(text);
        }
    }

    /**
     * Starts polling once the window has been laid out for the first time, so that sources loading
     * native libraries and walking /proc do not compete with the first frame for the CPU.
     */
    private static void startAfterFirstPulse(Scene scene, Wiring w) {
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            scene.removePostLayoutPulseListener(once[0]);
            Platform.runLater(w::start);
        };
        scene.addPostLayoutPulseListener(once[0]);
        Platform.requestNextPulse();
    }

    /**
     * Replaces the console's data with the built-in incident scenario (the "Start demo" buttons):
     * the live wiring is closed, the scenario's takes its place, the window is rebuilt.
     */
    public void startDemo() {
        switchTo(() -> scenarioWiring(homePaths, DEFAULT_DEMO_SPEED), List.of());
    }

    /** Back from the demo to this machine. */
    public void leaveDemo() {
        switchTo(() -> Wiring.forDesktop(homePaths, Clock.systemDefaultZone()), List.of());
    }

    /**
     * Closes the current wiring, builds the next and attaches the views to it. FX thread only. The
     * closing and building run on the one switcher thread, in order, so two switches never overlap:
     * the previous wiring's database is closed before the next one deletes or opens any file (the
     * demo clears its WAL file at each start). A request while a switch is under way is ignored.
     */
    private void switchTo(Supplier<Wiring> next, List<String> args) {
        if (switching || stopped) {
            return;
        }
        switching = true;
        ready.set(new java.util.concurrent.CountDownLatch(1));
        if (ticker != null) {
            ticker.stop();
        }
        closeNotifier(); // its pop-ups belong to the wiring going away (ui-shell)
        Wiring previous = wiring;
        wiring = null;
        if (previous != null) {
            stage.getScene().setRoot(startingPane("Switching…"));
        }
        switcher.execute(() -> {
            if (previous != null) {
                previous.close();
            }
            Wiring built;
            try {
                built = next.get();
            } catch (RuntimeException e) {
                Platform.runLater(() -> {
                    switching = false;
                    stage.getScene().setRoot(startingPane("Vigil could not start: " + e.getMessage()));
                });
                return;
            }
            if (stopped) {
                built.close();
                return;
            }
            steps.mark("wiring built");
            // Handed over through a reference: attach() or stop(), whichever comes first, owns it.
            handoff.set(built);
            Platform.runLater(() -> attach(args));
        });
    }

    /** Shows the views of a freshly built wiring, or closes it when the app stopped meanwhile. FX thread. */
    private void attach(List<String> args) {
        switching = false;
        Wiring built = handoff.getAndSet(null);
        if (built == null) {
            return; // stop() took it
        }
        wiring = built;
        // The demo keeps its files under demo/ in the folders of the console it was started from.
        if (homePaths == null) {
            homePaths = built.scenario().isPresent() ? AppPaths.fromSystem() : built.paths();
        }
        stage.getScene().setRoot(buildShell(args));
        steps.mark("console attached");
        startAfterFirstPulse(stage.getScene(), built);
        applyLaunchArguments(args);
        // Ready once the new views have been through a layout pulse (skins built, lookups work).
        java.util.concurrent.CountDownLatch latch = ready.get();
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            stage.getScene().removePostLayoutPulseListener(once[0]);
            latch.countDown();
        };
        stage.getScene().addPostLayoutPulseListener(once[0]);
        Platform.requestNextPulse();
    }

    /** {@code --view=ID} and {@code --smoke-test}, as {@link Main} passes them on. */
    private void applyLaunchArguments(List<String> args) {
        for (String arg : args) {
            if (arg.startsWith("--view=")) {
                String id = arg.substring("--view=".length());
                if (id.equals(shell.currentId())) {
                    continue; // the shell opened on it (ui-esc)
                }
                try {
                    shell.show(id);
                } catch (IllegalArgumentException e) {
                    System.err.println("vigil: no view '" + id + "'; the views are " + shell.viewIds()
                            + ". Showing " + shell.currentId() + ".");
                }
            } else if (arg.equals("--smoke-test")) {
                firstFrame = new FirstFrameProbe(() -> {
                    steps.mark("console frame");
                    (onSmokeTestFrame != null ? onSmokeTestFrame : (Runnable) this::reportConsoleAndExit).run();
                });
                firstFrame.start();
            }
        }
    }

    /**
     * The default {@code --smoke-test} action at the console's first frame: prints the time from JVM
     * start and the start-up steps, then exits normally. {@code -Dvigil.smokeTest.holdMs=N} keeps the
     * console up to N ms longer, until a pop-up (a desktop notification) is showing: CI uses it to
     * check that Vigil exits cleanly with a notification on screen. {@code -Dvigil.smokeTest.stayMs=N}
     * keeps it up N ms whatever shows (the AOT cache's training run).
     */
    private void reportConsoleAndExit() {
        System.out.println("console in " + steps.steps().getLast().sinceJvmStartMs() + " ms");
        System.err.println(steps.summary());
        System.out.flush();
        long stayMs = Long.getLong("vigil.smokeTest.stayMs", 0);
        if (stayMs > 0) {
            // An AOT training run (packaging/linux/train-aot-cache.sh): the console left open as a user
            // leaves it, so the cache also holds the JIT profiles of its steady state (JEP 515) and the
            // installed console compiles its hot code in its first seconds, not over ten minutes.
            System.out.println("smoke test: the console stays " + stayMs + " ms");
            System.out.flush();
            Thread.ofPlatform().daemon().name("smoke-test-stay").start(() -> {
                try {
                    Thread.sleep(stayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Platform.runLater(Platform::exit);
            });
            return;
        }
        long holdMs = Long.getLong("vigil.smokeTest.holdMs", 0);
        if (holdMs <= 0) {
            Platform.exit();
            return;
        }
        long deadline = System.nanoTime() + holdMs * 1_000_000;
        javafx.animation.Timeline poll = new javafx.animation.Timeline();
        poll.getKeyFrames().add(new javafx.animation.KeyFrame(javafx.util.Duration.millis(100), e -> {
            if (!popups().isEmpty() || System.nanoTime() > deadline) {
                poll.stop();
                // A normal exit: stop() closes the pop-ups and the wiring as on a user's quit.
                Platform.exit();
            }
        }));
        poll.setCycleCount(javafx.animation.Animation.INDEFINITE);
        poll.play();
    }

    /** The windows showing besides the console's own (notifications, menus, tooltips). FX thread. */
    private List<javafx.stage.Window> popups() {
        return javafx.stage.Window.getWindows().stream().filter(w -> w != stage && w.isShowing()).toList();
    }

    /**
     * Hides every pop-up before the toolkit exits: a notification still showing when GTK tears the
     * windows down threw "The view has already been closed" and at times crashed the JVM in
     * GtkWindow._close (ADR 0603). FX thread; returns how many were closed.
     */
    int closePopups() {
        List<javafx.stage.Window> open = popups();
        if (notifier != null) {
            notifier.closeAll();
        }
        for (javafx.stage.Window w : open) {
            w.hide();
        }
        return open.size();
    }

    private List<NavItem> navItems() {
        List<NavItem> items = new ArrayList<>();
        items.add(new NavItem("dashboard", "Dashboard", Icons.DASHBOARD, () -> {
            var model = new DashboardViewModel(wiring.series(), wiring.rollups(), wiring.clock(), uiBackground, alertMarks);
            model.windowProperty().set(ui.chartWindow()); // ui.defaultWindow
            return new DashboardView(model, this::openAlerts);
        }));
        // A replay's processes are not this machine's: their open files are not read from /proc.
        var openFiles = wiring.scenario().isPresent() ? null : (java.util.function.IntFunction<List<java.nio.file.Path>>)
                pid -> io.vigil.host.OpenFilesReader.forThisMachine().openUnder(pid, List.of(java.nio.file.Path.of("/")));
        items.add(new NavItem("gpus", "GPUs", Icons.GPU, () -> new EmptyStateView("gpus",
                new GpusView(withWindow(new GpusViewModel(wiring.gpu(), () -> wiring.processes().latest(), wiring.series(),
                        wiring.clock(), alertMarks, openFiles, uiBackground)), this::gpuProcessAction),
                () -> wiring.gpu().latest().gpus().isEmpty(), "No NVIDIA GPU found",
                () -> noGpuText(), demoButtonAction())));
        // --- fleet view ---
        items.add(new NavItem("fleet", "Fleet", Icons.FLEET, this::fleetView));
        items.add(new NavItem("cloud", "Cloud cost", Icons.CLOUD, this::cloudView));
        items.add(wiring.alertEngine().isPresent()
                ? new NavItem("alerts", "Alerts", Icons.ALERTS, this::alertsView)
                : placeholder("alerts", "Alerts", Icons.ALERTS,
                        "Alerts need the database, which could not be opened (see the banner above)."));
        items.add(new NavItem("rules", "Rules", Icons.RULES, () -> new RulesView(new RulesViewModel(
                wiring.ruleRepository(), wiring.alertEngine(), wiring.rollups(), wiring.series(), wiring.clock(),
                uiBackground))));
        items.add(new NavItem("playbooks", "Playbooks", Icons.PLAYBOOKS, this::playbooksView));
        items.add(wiring.inventory() != null
                ? new NavItem("inventory", "Inventory", Icons.INVENTORY,
                        () -> InventoryView.of(wiring.inventory(), wiring.series(), wiring.clock()))
                : placeholder("inventory", "Inventory", Icons.INVENTORY, "The inventory is not part of a scenario "
                        + "replay: it would probe this machine's own services and containers. Leave the demo to see it."));
        items.add(new NavItem("settings", "Settings", Icons.SETTINGS, this::settingsView));
        return items;
    }

    private GpusViewModel withWindow(GpusViewModel model) {
        model.windowProperty().set(ui.chartWindow()); // ui.defaultWindow
        return model;
    }

    private String noGpuText() {
        String reason = wiring.scheduler().statuses().stream().filter(st -> st.sourceId().equals("gpu"))
                .map(st -> st.health().reason()).findFirst().orElse("");
        return (reason.isEmpty() ? "Looking for NVIDIA GPUs…" : reason + ".")
                + "\n\nVigil reads NVIDIA GPUs through NVML, the driver's libnvidia-ml.so.1 (nvml.dll on Windows), "
                + "or through nvidia-smi when NVML cannot load. Install the NVIDIA driver, or point the environment "
                + "variable VIGIL_NVML_LIB (setting gpu.nvmlLibrary) at the library. This view fills in by itself "
                + "as soon as a GPU answers.";
    }

    /** "Start demo" on empty views, except inside the demo itself, where it would only restart it. */
    private Runnable demoButtonAction() {
        return wiring.scenario().isPresent() ? null : this::startDemo;
    }

    /** Alerts, or until the first one ever, what raises them and how to see one now. */
    private View alertsView() {
        var alerts = wiring.alertEngine().get().alerts();
        long startVersion = alerts.version();
        java.util.concurrent.atomic.AtomicBoolean seenAny = new java.util.concurrent.atomic.AtomicBoolean(!alerts.open().isEmpty());
        // Whether any alert was ever recorded is a database read: off the FX thread, seen at the next refresh.
        uiBackground.execute(() -> {
            try {
                if (!alerts.history(1).isEmpty()) {
                    seenAny.set(true);
                }
            } catch (io.vigil.store.StoreException e) {
                seenAny.set(true); // show the real view, which reports the database problem
            }
        });
        AlertsView real = new AlertsView(new AlertsViewModel(alerts, wiring.series(), wiring.rollups(),
                wiring.clock(), uiBackground, this::runPlaybook));
        alertsReal = real; // for openAlert (ui-shell)
        return new EmptyStateView("alerts", real, () -> {
            if (alerts.version() != startVersion || !alerts.open().isEmpty()) {
                seenAny.set(true);
            }
            return !seenAny.get();
        }, "No alerts yet", () -> "Nothing has fired. " + wiring.ruleRepository().rules().size()
                + " rules from " + wiring.ruleRepository().file() + " are evaluated every second against every "
                + "source (GPU, host, cloud, inventory); an alert appears here the moment one fires, with a desktop "
                + "notification for critical ones. Edit the rules in the Rules view.", demoButtonAction());
    }

    /** Suspend / Kill / Triage… on a GPU process row: opens the matching playbook with the row as context. */
    private void gpuProcessAction(String action, java.util.Map<String, String> context) {
        String playbook = switch (action.toLowerCase(java.util.Locale.ROOT).replace("…", "").trim()) {
            case "suspend" -> "suspend-process";
            case "kill" -> "kill-process";
            default -> "gpu-miner-triage";
        };
        openPlaybook(playbook, context);
    }

    /** Opens the Alerts view filtered (the header count, the Dashboard's alert strip). */
    private void openAlerts(io.vigil.ui.shell.AlertsFilter filter) {
        if (shell != null) {
            new io.vigil.ui.shell.AlertsNavigation(shell).accept(filter);
        }
    }

    /** "Run playbook…" on an alert: the alert's labels are the run's context. */
    private void runPlaybook(String playbookId, java.util.Map<String, String> context) {
        // A fleet alert's pid belongs to another machine; its pod names the workload (AlertContext).
        openPlaybook(playbookId, io.vigil.playbook.AlertContext.forPlaybook(context));
    }

    /** The Fleet view; without a fleet, its first-run form writes settings.yaml and restarts the sources. */
    private View fleetView() {
        return io.vigil.ui.fleet.FleetView.create(() -> wiring.fleet(), wiring.clock(), uiBackground,
                form -> FleetSettingsFile.write(homePaths.settingsFile(), form).toString(),
                () -> switchTo(() -> Wiring.forDesktop(homePaths, Clock.systemDefaultZone()), List.of("--view=fleet")),
                wiring.scenario().isPresent() ? null : this::startDemo).alertMarks(alertMarks);
    }

    /** The built-in playbook the Cloud view's "Guardrails…" opens. */
    static final String GUARDRAILS_PLAYBOOK = "aws-guardrails";

    private View cloudView() {
        var cloud = wiring.cloud();
        // AWS's sources, or the scenario's in the demo: the view reads the same snapshots (ADR 0850).
        var readings = wiring.cloudReadings();
        CloudViewModel model = new CloudViewModel(
                () -> readings.map(r -> r.cost().latest()).orElseGet(() -> CostSnapshot.empty(0, 0)),
                () -> readings.map(r -> r.billing().latest()).orElseGet(BillingSnapshot::empty),
                ZoneId.systemDefault(),
                // live cost: Cost Explorer's today bridged to now by the live estimate
                () -> readings.flatMap(r -> io.vigil.cost.CostBridge.of(r.cost().latest(), wiring.liveCost().ledger(),
                        wiring.clock().instant())));
        Wiring w = wiring;
        // Guardrails change the account, so the button opens the audited aws-guardrails playbook run.
        java.util.Optional<Runnable> openGuardrails = cloud.isPresent() && wiring.playbooks().isPresent()
                ? java.util.Optional.<Runnable>of(() -> openPlaybook(GUARDRAILS_PLAYBOOK, Map.of())) : java.util.Optional.empty();
        CloudView real = new CloudView(model, openGuardrails, wiring.clock(), uiBackground,
                readings.isEmpty() ? null : () -> {
                    readings.get().cost().requestRefresh();
                    readings.get().billing().requestRetry();
                    w.scheduler().retryNow(s -> s == readings.get().costSource() || s == readings.get().billingSource());
                });
        return new EmptyStateView("cloud", real, () -> readings.isEmpty() || costNeverAnswered(),
                "No AWS data yet", () -> costReason() + "\n\nVigil reads AWS Cost Explorer and CloudWatch with the AWS "
                        + "SDK's default credentials (environment, ~/.aws profiles, SSO); pick the profile and region in "
                        + "settings.yaml (cloud:) or with AWS_PROFILE / AWS_REGION. It needs read-only IAM access: "
                        + "ce:GetCostAndUsage, ce:GetCostForecast, ce:GetAnomalies, ce:GetAnomalyMonitors, "
                        + "cloudwatch:GetMetricData, cloudwatch:DescribeAlarms. Vigil stores no secret.",
                wiring.scenario().isPresent() ? null : this::startDemo);
    }

    private boolean costNeverAnswered() {
        return wiring.scheduler().statuses().stream().filter(st -> st.sourceId().equals("cost"))
                .anyMatch(st -> st.lastSuccess() == null
                        && st.health().state() == io.vigil.telemetry.HealthState.DOWN);
    }

    private String costReason() {
        if (wiring.cloudOff()) {
            return "AWS is off (cloud.enabled: false in settings.yaml): Vigil makes no AWS call. "
                    + "Set cloud.enabled: true to read Cost Explorer and CloudWatch.";
        }
        return wiring.scheduler().statuses().stream().filter(st -> st.sourceId().equals("cost"))
                .map(st -> st.health().reason()).filter(r -> !r.isEmpty()).findFirst()
                .orElse("The AWS cost source is not set up.");
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
        // --- Open in editor, Reload, Restart sources (ui-shell) ---
        SettingsReloader reloader = new SettingsReloader(p, wiring.settings(),
                SettingsReloader.Live.of(wiring.settings(), wiring.alertSettings()), this::applyLive);
        Runnable restart = wiring.scenario().isPresent() ? null
                : () -> switchTo(() -> Wiring.forDesktop(homePaths, Clock.systemDefaultZone()), List.of("--view=settings"));
        return new SettingsView(p.configDir(), p.dataDir(), p.settingsFile(), p.databaseFile(), yaml, wiring.problems(),
                uiBackground, reloader::reload, io.vigil.ui.settings.FileOpener.forThisDesktop(), restart);
    }

    /** The part of a reloaded settings file that the running console takes at once. FX thread. */
    private void applyLive(SettingsReloader.Live live) {
        if (ticker != null && frame != null) {
            ticker.stop();
            ticker = new UiTicker(live.refreshHz(), frame);
            ticker.pause(stage.isIconified());
            ticker.start();
        }
        if (notifier != null) {
            notifier.setEnabled(live.popups(), live.sound());
        }
    }

    private View playbooksView() {
        if (wiring.playbooks().isEmpty()) {
            return new EmptyStateView("playbooks", new PlaceholderView("playbooks-unavailable", "Playbooks", ""),
                    () -> true, "Playbooks are unavailable", () -> "Every playbook run is written to the audit log, "
                    + "and the database cannot be used: " + String.join(" ", wiring.problems()), this::startDemo);
        }
        if (playbooksView == null) {
            playbooksView = new PlaybooksView(wiring.playbooks().get(), uiBackground,
                    wiring.paths().dataDir().resolve("exports"), wiring.clock());
        }
        return playbooksView;
    }

    /**
     * Shows the Playbooks view with the run pane for {@code playbookId} (null: let the user pick one),
     * parameters pre-filled from {@code context} (alert labels, a GPU process row). FX thread only.
     */
    public void openPlaybook(String playbookId, Map<String, String> context) {
        shell.show("playbooks");
        if (playbooksView != null) {
            playbooksView.openRun(playbookId, context);
        }
    }

    // --- keyboard quit and notifications (ui-shell) ---

    private AlertsView alertsReal;
    /** What the UI ticker runs each frame; kept to restart the ticker at another rate. */
    private Runnable frame;

    /**
     * Ctrl+Q: the orderly exit. Notifications close first, then {@link Platform#exit()} runs
     * {@link #stop()}, which closes the wiring (scheduler, roll-up flush, database) as a window close does.
     */
    public void quit() {
        closeNotifier();
        Platform.exit();
    }

    /**
     * F5: every source polls now instead of at its next period, except the AWS ones (Cost Explorer
     * charges per request; the Cloud view has its own "Retry now"). On a background thread.
     */
    private void pollSourcesNow() {
        Wiring w = wiring;
        if (w == null) {
            return;
        }
        java.util.function.Predicate<io.vigil.telemetry.Source> aws = s -> w.cloud()
                .map(c -> s == c.cost() || s == c.cloudWatch()).orElse(false);
        try {
            uiBackground.execute(() -> w.scheduler().retryNow(aws.negate()));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // quitting
        }
    }

    private void closeNotifier() {
        if (notifier != null) {
            notifier.closeAll();
        }
    }

    /** The console's desktop notifier, or null before the views are attached; for tests. */
    public DesktopNotifier notifier() {
        return notifier;
    }

    /** Shows {@code alert} selected in the Alerts view (a click on its notification). FX thread. */
    public void openAlert(io.vigil.alerts.Alert alert) {
        if (shell == null || !shell.viewIds().contains("alerts")) {
            return;
        }
        shell.show("alerts");
        if (alertsReal != null) {
            alertsReal.select(alert.id()); // false when resolved and gone: the list is shown as it is
        }
    }

    /** The shell, for tests. */
    public Shell shell() {
        return shell;
    }

    public Wiring wiring() {
        return wiring;
    }

    /** The {@code --smoke-test} first-frame probe, or null without that flag; for tests. */
    FirstFrameProbe firstFrameProbe() {
        return firstFrame;
    }

    @Override
    public void stop() {
        // Pop-ups closed while the toolkit still runs: one left up at exit failed ("The view has
        // already been closed") and could crash GTK while it tore its windows down.
        // closePopups() counts what is up, then closes the notifier's and every other pop-up.
        stopped = true;
        int closed = closePopups();
        if (closed > 0 && firstFrame != null) {
            System.err.println("smoke test: closed " + closed + " pop-up window(s) before exit");
        }
        if (ticker != null) {
            ticker.stop();
        }
        caretBlinkTimeout.close();
        uiBackground.shutdownNow();
        Wiring current = wiring;
        wiring = null;
        if (current != null) {
            switcher.execute(current::close);
        }
        Wiring unattached = handoff.getAndSet(null);
        if (unattached != null) {
            switcher.execute(unattached::close);
        }
        // A wiring still being built sees `stopped` and closes itself on the switcher thread.
        switcher.shutdown();
        try {
            // At exit only: closing flushes roll-ups and waits for in-flight polls, bounded.
            if (!switcher.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS)) {
                System.err.println("vigil: closing took longer than 20 s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
