package io.vigil.ui.alerts;

import io.vigil.alerts.Notification;
import io.vigil.alerts.Notifier;
import io.vigil.rules.Severity;
import java.net.URL;
import javafx.application.Platform;
import javafx.scene.media.AudioClip;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desktop pop-ups (ControlsFX) for new critical alerts, with an optional sound. Called from the
 * alert thread; hands the pop-up to the FX thread once per notification (rare, unlike samples).
 */
public final class DesktopNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(DesktopNotifier.class);

    private final boolean popups;
    private final boolean sound;
    private AudioClip clip;

    public DesktopNotifier(boolean popups, boolean sound) {
        this(popups, sound, null);
    }

    /**
     * {@code owner}: the console's window. Notifications are placed inside it, top right, so they
     * never leave the screen (a popup reaching past a small or headless screen fails to draw) and
     * never cover the status bar; more than three at once collapse into one summary.
     */
    public DesktopNotifier(boolean popups, boolean sound, javafx.stage.Window owner) {
        this.popups = popups;
        this.sound = sound;
        this.owner = owner;
    }

    private final javafx.stage.Window owner;

    @Override
    public boolean accepts(Notification n) {
        return (popups || sound) && n.kind() == Notification.Kind.TRIGGER
                && n.alert().severity() == Severity.CRITICAL;
    }

    @Override
    public void send(Notification n) {
        Platform.runLater(() -> {
            try {
                if (popups) {
                    Notifications popup = Notifications.create().darkStyle().title("Vigil: " + n.alert().ruleId())
                            .text(n.alert().subject() + "\n" + n.alert().runbook())
                            .position(javafx.geometry.Pos.TOP_RIGHT)
                            .threshold(3, Notifications.create().darkStyle().title("Vigil")
                                    .text("Several critical alerts: see Alerts"))
                            .hideAfter(Duration.seconds(10));
                    if (owner != null && owner.isShowing()) {
                        popup.owner(owner);
                    }
                    popup.showError();
                }
                if (sound) {
                    if (clip == null) {
                        URL url = DesktopNotifier.class.getResource("alert-beep.wav");
                        clip = new AudioClip(url.toExternalForm());
                    }
                    clip.play();
                }
            } catch (RuntimeException e) {
                // No notification area or no audio device (headless, remote session): the in-app list still shows it.
                LOG.info("Desktop notification not shown: {}", e.getMessage());
            }
        });
    }

    /**
     * Closes the notifications on screen and stops the sound, before the toolkit exits (a pop-up
     * still up at exit crashed GTK). The notifications are pop-up windows owned by the console's
     * window. FX thread.
     */
    public void closeAll() {
        if (clip != null) {
            clip.stop();
        }
        for (javafx.stage.Window w : java.util.List.copyOf(javafx.stage.Window.getWindows())) {
            if (w instanceof javafx.stage.PopupWindow p && p.getOwnerWindow() == owner && p.isShowing()) {
                p.hide();
            }
        }
    }
}
