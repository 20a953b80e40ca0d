package io.vigil.ui.shell;

import io.vigil.ui.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.application.Platform;
import javafx.event.EventHandler;
import javafx.scene.Node;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The console's keyboard: Ctrl+1…9 open the views in rail order, Ctrl+F focuses the shown view's
 * filter, F5 reloads it, Ctrl+Q quits through the app's orderly exit, Esc closes the shortcuts
 * overlay or the view's open pane, F1 (or {@code ?} outside a text field) shows every shortcut.
 * The keys are read by a filter on the window's scene, so they work wherever the focus is; a key
 * that does nothing here (Esc with nothing to close) reaches the focused control as usual.
 *
 * <p>Created by the {@link Shell}; installs itself on the scene the shell is shown in. FX thread only.
 */
public final class Shortcuts {

    /** One line of the overlay: the keys as the platform writes them, and what they do. */
    public record Shortcut(String keys, String action) {
    }

    private static final KeyCode[] DIGITS = {KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4,
        KeyCode.DIGIT5, KeyCode.DIGIT6, KeyCode.DIGIT7, KeyCode.DIGIT8, KeyCode.DIGIT9};
    private static final KeyCode[] NUMPAD = {KeyCode.NUMPAD1, KeyCode.NUMPAD2, KeyCode.NUMPAD3, KeyCode.NUMPAD4,
        KeyCode.NUMPAD5, KeyCode.NUMPAD6, KeyCode.NUMPAD7, KeyCode.NUMPAD8, KeyCode.NUMPAD9};
    static final KeyCombination FILTER = new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination QUIT = new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination RELOAD = new KeyCodeCombination(KeyCode.F5);
    static final KeyCombination HELP = new KeyCodeCombination(KeyCode.F1);
    static final KeyCombination CLOSE = new KeyCodeCombination(KeyCode.ESCAPE);

    private final Shell shell;
    private final ShortcutsOverlay overlay;
    private final EventHandler<KeyEvent> pressed = this::onKeyPressed;
    private final EventHandler<KeyEvent> typed = this::onKeyTyped;
    private Runnable quit = Platform::exit;
    private Runnable reloadSources = () -> { };
    private boolean hintsAdded;

    Shortcuts(Shell shell) {
        this.shell = shell;
        this.overlay = new ShortcutsOverlay(this::hideOverlay);
        shell.sceneProperty().addListener((o, old, now) -> {
            if (old != null) {
                old.removeEventFilter(KeyEvent.KEY_PRESSED, pressed);
                old.removeEventFilter(KeyEvent.KEY_TYPED, typed);
            }
            if (now != null) {
                now.addEventFilter(KeyEvent.KEY_PRESSED, pressed);
                now.addEventFilter(KeyEvent.KEY_TYPED, typed);
                addHints();
            }
        });
    }

    /** What Ctrl+Q does: the app's orderly exit (notifications closed, wiring closed). */
    public void onQuit(Runnable quit) {
        this.quit = Objects.requireNonNull(quit);
    }

    /** What F5 does besides the shown view's own reload: poll the local sources now (must not block). */
    public void onReload(Runnable reloadSources) {
        this.reloadSources = Objects.requireNonNull(reloadSources);
    }

    /** Every shortcut, as the overlay lists it: the views first, in rail order. */
    public List<Shortcut> list() {
        List<Shortcut> all = new ArrayList<>();
        List<String> ids = shell.viewIds();
        for (int i = 0; i < Math.min(ids.size(), DIGITS.length); i++) {
            all.add(new Shortcut(viewKey(i).getDisplayText(), "Open " + title(ids.get(i))));
        }
        all.add(new Shortcut(FILTER.getDisplayText(), "Focus the filter box (Alerts, Rules)"));
        all.add(new Shortcut(RELOAD.getDisplayText(), "Read the sources and the current view now"));
        all.add(new Shortcut("Esc", "Close this overlay, else the view's open pane: a process's or node's "
                + "detail, the selected alert, the playbook run pane"));
        all.add(new Shortcut(HELP.getDisplayText() + "  or  ?", "Show these shortcuts"));
        all.add(new Shortcut(QUIT.getDisplayText(), "Quit Vigil"));
        return all;
    }

    public boolean overlayShowing() {
        return overlay.node().getParent() != null;
    }

    public void showOverlay() {
        if (!overlayShowing()) {
            overlay.setShortcuts(list());
            shell.contentArea().getChildren().add(overlay.node());
        }
    }

    public void hideOverlay() {
        if (overlay.node().getParent() instanceof Pane parent) {
            parent.getChildren().remove(overlay.node());
        }
    }

    private static KeyCombination viewKey(int index) {
        return new KeyCodeCombination(DIGITS[index], KeyCombination.SHORTCUT_DOWN);
    }

    private String title(String id) {
        return shell.lookup("#nav-" + id) instanceof ToggleButton b ? b.getText() : id;
    }

    private void onKeyPressed(KeyEvent e) {
        int view = viewIndex(e);
        View current = shell.currentView();
        if (view >= 0) {
            if (view < shell.viewIds().size()) {
                hideOverlay();
                shell.show(shell.viewIds().get(view));
                e.consume();
            }
        } else if (FILTER.match(e)) {
            hideOverlay();
            if (current != null) {
                current.focusFilter();
            }
            e.consume();
        } else if (QUIT.match(e)) {
            e.consume();
            quit.run();
        } else if (RELOAD.match(e)) {
            if (current != null) {
                current.reload();
            }
            reloadSources.run();
            if (current != null) {
                current.refresh();
            }
            e.consume();
        } else if (HELP.match(e)) {
            toggleOverlay();
            e.consume();
        } else if (CLOSE.match(e)) {
            if (overlayShowing()) {
                hideOverlay();
                e.consume();
            } else if (current != null && current.closePane()) {
                e.consume();
            }
        }
    }

    private void onKeyTyped(KeyEvent e) {
        if ("?".equals(e.getCharacter()) && !typingText(shell.getScene() == null ? null : shell.getScene().getFocusOwner())) {
            toggleOverlay();
            e.consume();
        }
    }

    private void toggleOverlay() {
        if (overlayShowing()) {
            hideOverlay();
        } else {
            showOverlay();
        }
    }

    /** Ctrl (⌘ on macOS) with 1…9 on the main row or the keypad: the view's index, else -1. */
    private static int viewIndex(KeyEvent e) {
        if (!e.isShortcutDown() || e.isAltDown()) {
            return -1;
        }
        for (int i = 0; i < DIGITS.length; i++) {
            if (e.getCode() == DIGITS[i] || e.getCode() == NUMPAD[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a typed {@code ?} belongs to the focused control (a text field, an editable combo). */
    static boolean typingText(Node focus) {
        return focus instanceof TextInputControl
                || focus instanceof ComboBoxBase<?> c && c.isEditable()
                || focus instanceof Spinner<?> s && s.isEditable();
    }

    /** Each rail button's tooltip names its shortcut; the rail ends with a hint for the overlay. */
    private void addHints() {
        if (hintsAdded) {
            return;
        }
        hintsAdded = true;
        List<String> ids = shell.viewIds();
        for (int i = 0; i < Math.min(ids.size(), DIGITS.length); i++) {
            if (shell.lookup("#nav-" + ids.get(i)) instanceof ToggleButton b) {
                b.setTooltip(new Tooltip(b.getText() + "   " + viewKey(i).getDisplayText()));
            }
        }
        if (shell.lookup("#nav-rail") instanceof VBox rail) {
            Region push = new Region();
            VBox.setVgrow(push, Priority.ALWAYS);
            Label hint = new Label(HELP.getDisplayText() + "  Shortcuts");
            hint.setId("shortcuts-hint");
            hint.getStyleClass().addAll("muted", "shortcuts-hint");
            hint.setOnMouseClicked(e -> showOverlay());
            rail.getChildren().addAll(push, hint);
        }
    }
}
