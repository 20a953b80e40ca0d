package io.vigil.ui.shell;

import io.vigil.ui.Styles;
import io.vigil.ui.View;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.shape.SVGPath;

/**
 * The main window's content: a header, the navigation rail on the left, the current view in the
 * middle and the status bar at the bottom. Views are created on first visit and kept: a console
 * opened on another view ({@code --view}, {@code ui.startView}) never builds the Dashboard until it is
 * opened.
 */
public final class Shell extends BorderPane {

    private final List<NavItem> items;
    private final Map<String, View> views = new HashMap<>();
    private final Map<String, ToggleButton> buttons = new HashMap<>();
    private final StackPane content = new StackPane();
    private final StatusBar statusBar;
    private final VBox top = new VBox();
    private View current;
    private String currentId;

    /** A shell that opens on the first item's view. */
    public Shell(List<NavItem> items, StatusBar statusBar, Node headerRight) {
        this(items, statusBar, headerRight, List.of());
    }

    /**
     * A shell that opens on the first of {@code startIds} that names one of its views (blank and
     * unknown ids are passed over), else on the first item's view. Only that view is built.
     */
    public Shell(List<NavItem> items, StatusBar statusBar, Node headerRight, List<String> startIds) {
        this.items = List.copyOf(items);
        this.statusBar = statusBar;
        getStyleClass().add("shell");

        Label brand = new Label("VIGIL");
        brand.getStyleClass().add(Styles.BRAND);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(12, brand, spacer, headerRight);
        header.setAlignment(Pos.CENTER_LEFT);
        header.getStyleClass().add(Styles.HEADER);
        top.getChildren().add(header);
        setTop(top);

        VBox rail = new VBox(4);
        rail.getStyleClass().add(Styles.NAV_RAIL);
        rail.setId("nav-rail");
        ToggleGroup group = new ToggleGroup();
        for (NavItem item : items) {
            SVGPath icon = new SVGPath();
            icon.setContent(item.iconPath());
            icon.getStyleClass().add("nav-icon");
            ToggleButton b = new ToggleButton(item.title(), icon);
            b.setId("nav-" + item.id());
            b.getStyleClass().add(Styles.NAV_BUTTON);
            b.setToggleGroup(group);
            b.setMaxWidth(Double.MAX_VALUE);
            b.setAlignment(Pos.CENTER_LEFT);
            b.setTooltip(new Tooltip(item.title()));
            b.setOnAction(e -> show(item.id()));
            buttons.put(item.id(), b);
            rail.getChildren().add(b);
        }
        // A selected rail button stays selected: clicking it again must not leave none selected.
        group.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null && old != null) {
                old.setSelected(true);
            }
        });
        setLeft(rail);
        content.getStyleClass().add("content");
        setCenter(content);
        setBottom(statusBar);
        startIds.stream().filter(id -> id != null && buttons.containsKey(id)).findFirst()
                .or(() -> items.stream().findFirst().map(NavItem::id))
                .ifPresent(this::show);
    }

    /** Adds a full-width banner under the header (e.g. DEMO, or a broken settings file). */
    public void addBanner(Node banner) {
        top.getChildren().add(banner);
    }

    public void show(String id) {
        NavItem item = items.stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no view " + id));
        if (current != null) {
            current.onHide();
        }
        View view = views.computeIfAbsent(id, k -> item.view().get());
        content.getChildren().setAll(view.node());
        current = view;
        currentId = id;
        buttons.get(id).setSelected(true);
        view.onShow();
        view.refresh();
    }

    /** The navigation items' ids, in rail order. */
    public List<String> viewIds() {
        return items.stream().map(NavItem::id).toList();
    }

    public String currentId() {
        return currentId;
    }

    /** The ids of the views built so far (opened at least once), in no order. FX thread. */
    public Set<String> builtViewIds() {
        return Set.copyOf(views.keySet());
    }

    /** Called at the UI cadence: refreshes the visible view and the status bar. */
    public void refresh() {
        if (current != null) {
            current.refresh();
        }
        statusBar.refresh();
    }

    public StatusBar statusBar() {
        return statusBar;
    }

    // --- keyboard shortcuts and notification placement (ui-shell); Shortcuts holds the logic ---

    private final Shortcuts shortcuts = new Shortcuts(this);

    /** Ctrl+1…9, Ctrl+F, F5, Ctrl+Q, Esc, F1/? and their overlay. */
    public Shortcuts shortcuts() {
        return shortcuts;
    }

    /** The view shown now, or null before the first. */
    public View currentView() {
        return current;
    }

    /** Where views are shown: between the rail, the header (with its banners) and the status bar. */
    StackPane contentArea() {
        return content;
    }

    /**
     * The content area in screen coordinates, or null while it is not on screen. Desktop
     * notifications stay inside it: clear of the header, the demo banner and the status bar.
     */
    public javafx.geometry.Bounds contentScreenBounds() {
        if (content.getScene() == null || content.getScene().getWindow() == null
                || !content.getScene().getWindow().isShowing()) {
            return null;
        }
        return content.localToScreen(content.getLayoutBounds());
    }
}
