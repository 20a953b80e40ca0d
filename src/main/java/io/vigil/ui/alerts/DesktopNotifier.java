package io.vigil.ui.alerts;

import io.vigil.alerts.Alert;
import io.vigil.alerts.Notification;
import io.vigil.alerts.Notifier;
import io.vigil.rules.Severity;
import io.vigil.text.Durations;
import io.vigil.text.Unit;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.beans.InvalidationListener;
import javafx.geometry.Bounds;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.media.AudioClip;
import javafx.stage.Popup;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pop-ups for new critical alerts, in the console's dark style, with an optional sound. Each is a
 * small popup window owned by the console window and placed inside its content area (top right,
 * below the header and any banner, above the status bar), so it never leaves a small or headless
 * screen and never hides the status bar or the demo banner. At most {@value #MAX_SHOWN} are shown,
 * newest on top; a newer one replaces the oldest and a "+N more" line counts those replaced. A click
 * opens the alert; each one closes by itself {@link #SHOW_FOR} after it appeared (by the injected
 * clock, checked once a second while any is shown).
 *
 * <p>{@link #send} may be called from any thread (the alert thread); everything else runs on the FX
 * thread. {@link #closeAll()} must run before the toolkit exits: a popup still up while the toolkit
 * tears down its windows fails ("The view has already been closed") and can crash GTK.
 */
public final class DesktopNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(DesktopNotifier.class);

    /** Most pop-ups shown at once. */
    public static final int MAX_SHOWN = 3;
    /** How long a pop-up stays unless the mouse is over it. */
    public static final Duration SHOW_FOR = Duration.ofSeconds(10);
    /** Style class of every notification pop-up's root, for tests and the stylesheet. */
    public static final String STYLE_CLASS = "vigil-notification";
    static final String STYLESHEET = "/io/vigil/ui/alerts/notifications.css";
    static final double WIDTH = 340;
    static final double MARGIN = 12;
    static final double GAP = 8;

    private volatile boolean popups;
    private volatile boolean sound;
    private final Window owner;
    private final Supplier<Bounds> area;
    private final Consumer<Alert> open;
    private final Clock clock;
    /** Shown pop-ups, newest first. FX thread only. */
    private final Deque<Card> shown = new ArrayDeque<>();
    private final Popup moreLine = new Popup();
    private final Label moreLabel = new Label();
    /**
     * Closes expired pop-ups once a second while any is shown. A timer thread, not a Timeline: a
     * running animation keeps the toolkit pulsing at full rate, and one left running after the last
     * pop-up expired kept an idle console pulsing 30 times a second for good.
     */
    private final io.vigil.ui.UiTicker expiry = new io.vigil.ui.UiTicker(1, this::expire);
    private final InvalidationListener ownerMoved = o -> layout();
    private int more;
    private boolean closed;
    private AudioClip clip;

    /** Without a window (the command line's alert watcher): sound only. */
    public DesktopNotifier(boolean popups, boolean sound) {
        this(popups, sound, null, () -> null, a -> { }, Clock.systemUTC());
    }

    /**
     * @param owner the console's window; pop-ups are owned by it
     * @param area  the screen bounds of the window's content area (below header and banners, above
     *              the status bar), read at each placement; null when there is none to show in
     * @param open  what a click on a pop-up does with its alert (show it in the Alerts view)
     * @param clock when a pop-up appeared and when it expires
     */
    public DesktopNotifier(boolean popups, boolean sound, Window owner, Supplier<Bounds> area,
                           Consumer<Alert> open, Clock clock) {
        this.popups = popups;
        this.sound = sound;
        this.owner = owner;
        this.area = Objects.requireNonNull(area);
        this.open = Objects.requireNonNull(open);
        this.clock = Objects.requireNonNull(clock);
        moreLabel.getStyleClass().addAll("root", "notification-more");
        moreLabel.setId("notification-more");
        moreLabel.setPrefWidth(WIDTH);
        moreLabel.setOnMouseClicked(e -> {
            Alert newest = shown.isEmpty() ? null : shown.getFirst().alert;
            closeShown();
            if (newest != null) {
                open.accept(newest);
            }
        });
        style(moreLine, moreLabel);
        if (owner != null) {
            owner.xProperty().addListener(ownerMoved);
            owner.yProperty().addListener(ownerMoved);
            owner.widthProperty().addListener(ownerMoved);
            owner.heightProperty().addListener(ownerMoved);
        }
    }

    /** Turns pop-ups and sound on or off (settings reloaded); shown pop-ups stay. */
    public void setEnabled(boolean popups, boolean sound) {
        this.popups = popups;
        this.sound = sound;
    }

    @Override
    public boolean accepts(Notification n) {
        return (popups || sound) && n.kind() == Notification.Kind.TRIGGER
                && n.alert().severity() == Severity.CRITICAL;
    }

    @Override
    public void send(Notification n) {
        try {
            Platform.runLater(() -> show(n.alert()));
        } catch (IllegalStateException toolkitGone) {
            // The console is exiting: the alert is in the database and the Alerts view.
        }
    }

    /** Shows {@code alert} as the newest pop-up (and beeps when sound is on). FX thread. */
    public void show(Alert alert) {
        if (closed) {
            return;
        }
        try {
            if (popups && owner != null && owner.isShowing() && area.get() != null) {
                shown.removeIf(c -> {
                    boolean same = c.alert.id() == alert.id();
                    if (same) {
                        c.popup.hide();
                    }
                    return same;
                });
                shown.addFirst(new Card(alert, clock.instant()));
                while (shown.size() > MAX_SHOWN) {
                    shown.removeLast().popup.hide();
                    more++;
                }
                layout();
                expiry.start();
            }
            if (sound) {
                if (clip == null) {
                    URL url = DesktopNotifier.class.getResource("alert-beep.wav");
                    clip = new AudioClip(url.toExternalForm());
                }
                clip.play();
            }
        } catch (RuntimeException e) {
            // No audio device or no window system (remote session): the in-app list still shows it.
            LOG.info("Desktop notification not shown: {}", e.getMessage());
        }
    }

    /** Closes the pop-ups whose time is up (by the injected clock). FX thread. */
    public void expire() {
        Instant now = clock.instant();
        boolean changed = false;
        for (Card c : new ArrayList<>(shown)) {
            if (!now.isBefore(c.shownAt.plus(SHOW_FOR))) {
                shown.remove(c);
                c.popup.hide();
                changed = true;
            }
        }
        if (changed) {
            if (shown.isEmpty()) {
                more = 0;
            }
            layout();
        }
        if (shown.isEmpty()) {
            expiry.stop();
        }
    }

    /**
     * Closes every pop-up and shows no more: called before the toolkit exits (and when the console
     * is rebuilt for another wiring). Idempotent. FX thread.
     */
    public void closeAll() {
        closed = true;
        closeShown();
        if (clip != null) {
            clip.stop();
        }
        if (owner != null) {
            owner.xProperty().removeListener(ownerMoved);
            owner.yProperty().removeListener(ownerMoved);
            owner.widthProperty().removeListener(ownerMoved);
            owner.heightProperty().removeListener(ownerMoved);
        }
    }

    /** Whether the once-a-second expiry check is running (only while a pop-up is shown); for tests. */
    public boolean expiryRunning() {
        return expiry.isRunning();
    }

    /** The alerts shown now, newest first; for tests. FX thread. */
    public List<Alert> shownAlerts() {
        return shown.stream().map(c -> c.alert).toList();
    }

    private void closeShown() {
        expiry.stop();
        for (Card c : shown) {
            c.popup.hide();
        }
        shown.clear();
        more = 0;
        moreLine.hide();
    }

    private void dismiss(Card c) {
        shown.remove(c);
        c.popup.hide();
        if (shown.isEmpty()) {
            more = 0;
            expiry.stop();
        }
        layout();
    }

    /** Places the pop-ups top right in the content area, newest first, and the "+N more" line under them. */
    private void layout() {
        Bounds a = closed || owner == null || !owner.isShowing() ? null : area.get();
        if (a == null) {
            shown.forEach(c -> c.popup.hide());
            moreLine.hide();
            return;
        }
        double x = a.getMaxX() - WIDTH - MARGIN;
        double y = a.getMinY() + MARGIN;
        for (Card c : new ArrayList<>(shown)) {
            double h = height(c.root);
            if (y + h > a.getMaxY() - MARGIN && c != shown.getFirst()) {
                // No room left above the status bar: this one is counted in "+N more" instead.
                shown.remove(c);
                c.popup.hide();
                more++;
                continue;
            }
            place(c.popup, x, y);
            y += h + GAP;
        }
        if (more > 0) {
            moreLabel.setText("+" + more + " more critical alert" + (more == 1 ? "" : "s") + " · open Alerts");
            if (y + height(moreLabel) <= a.getMaxY() - MARGIN) {
                place(moreLine, x, y);
            } else {
                moreLine.hide();
            }
        } else {
            moreLine.hide();
        }
    }

    private void place(Popup p, double x, double y) {
        if (p.isShowing()) {
            p.setX(x);
            p.setY(y);
        } else {
            p.show(owner, x, y);
        }
    }

    private static double height(Region r) {
        r.applyCss();
        return r.prefHeight(WIDTH);
    }

    private static void style(Popup p, Region root) {
        p.getContent().setAll(root);
        p.setAutoHide(false);
        p.setHideOnEscape(false);
        List<String> sheets = List.of(
                Objects.requireNonNull(DesktopNotifier.class.getResource("/io/vigil/ui/vigil.css")).toExternalForm(),
                Objects.requireNonNull(DesktopNotifier.class.getResource(STYLESHEET)).toExternalForm());
        p.getScene().getStylesheets().setAll(sheets);
        // On the card itself too: under GTK the pop-up scene's sheets did not reach the card (it drew
        // unstyled, white on black), while a Parent's own sheets always apply to its subtree.
        root.getStylesheets().setAll(sheets);
    }

    /** One pop-up: the alert's rule, subject and runbook; a click opens it, × closes it. */
    private final class Card {
        final Alert alert;
        final Popup popup = new Popup();
        final VBox root;
        final Instant shownAt;

        Card(Alert alert, Instant shownAt) {
            this.alert = alert;
            this.shownAt = shownAt;
            Label title = new Label(alert.severity().name() + " · " + alert.ruleId());
            title.getStyleClass().add("notification-title");
            title.setMinWidth(0);
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            // When it fired by the alert's own clock (the demo's replayed time), not when it was shown.
            Instant fired = alert.firedAt() != null ? alert.firedAt() : alert.since();
            Label when = new Label(Durations.timeOfDay(fired, clock.getZone()));
            when.getStyleClass().add("notification-time");
            Button close = new Button("×");
            close.getStyleClass().add("notification-close");
            close.setId("notification-close-" + alert.id());
            close.setOnAction(e -> dismiss(this));
            HBox head = new HBox(8, title, spacer, when, close);
            head.setAlignment(Pos.CENTER_LEFT);
            Label subject = new Label(alert.subject());
            subject.getStyleClass().add("notification-subject");
            subject.setWrapText(true);
            subject.setMaxHeight(60);
            Label value = new Label(Unit.ofMetric(alert.metric()).format(alert.value())
                    + (alert.runbook().isEmpty() ? "" : " · " + alert.runbook()));
            value.getStyleClass().add("notification-detail");
            value.setWrapText(true);
            value.setMaxHeight(40);
            Label hint = new Label("Click to open in Alerts");
            hint.getStyleClass().add("notification-hint");
            root = new VBox(4, head, subject, value, hint);
            // "root" gives the card vigil.css's colour variables: a pop-up's own scene root is not styled as
            // the console's, and without them every looked-up colour failed (grey on white under GTK).
            root.getStyleClass().addAll("root", STYLE_CLASS,
                    "severity-" + alert.severity().name().toLowerCase(java.util.Locale.ROOT));
            root.setId("notification-" + alert.id());
            root.setPrefWidth(WIDTH);
            root.setMaxWidth(WIDTH);
            root.setOnMouseClicked(e -> {
                dismiss(this);
                open.accept(alert);
            });
            style(popup, root);
        }
    }
}
