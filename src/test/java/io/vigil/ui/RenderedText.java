package io.vigil.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;

/**
 * Reads what a person sees: the text a {@link Labeled}'s skin actually rendered (its text node,
 * which carries the ellipsis when the text was cut) against the full text, and where a cut is
 * covered by a tooltip. FX thread only.
 */
public final class RenderedText {

    private RenderedText() {
    }

    /** A label or cell whose rendered text differs from its full text. */
    public record Cut(String where, String full, String rendered, String tooltip) {
        @Override
        public String toString() {
            return where + ": shows \"" + rendered + "\" of \"" + full + "\"" + (tooltip == null ? " (no tooltip)" : "");
        }
    }

    /**
     * Lays {@code root} out in a scene of {@code width × height} with Vigil's stylesheet, without a
     * window (the headless screen is smaller than the sizes people use), until layout settles.
     */
    public static Scene layOut(Parent root, double width, double height) {
        Scene scene = new Scene(root, width, height);
        scene.getStylesheets().add(RenderedText.class.getResource(Styles.STYLESHEET).toExternalForm());
        settle(root);
        return scene;
    }

    /** Applies CSS and lays out again until nothing needs layout (fitted columns grow in a pass). */
    public static void settle(Parent root) {
        for (int i = 0; i < 20; i++) {
            root.applyCss();
            root.layout();
            if (!needsLayout(root)) {
                return;
            }
        }
    }

    private static boolean needsLayout(Parent p) {
        if (p.isNeedsLayout()) {
            return true;
        }
        for (Node n : p.getChildrenUnmodifiable()) {
            if (n instanceof Parent c && needsLayout(c)) {
                return true;
            }
        }
        return false;
    }

    /** The text {@code l}'s skin rendered, or null when it renders none (no text node). */
    public static String rendered(Labeled l) {
        for (Node n : l.getChildrenUnmodifiable()) {
            if (n instanceof Text t && n.getStyleClass().contains("text")) {
                return t.getText();
            }
        }
        return null;
    }

    /** Every visible, filled cell of {@code table}, with its row index. */
    public static List<TableCell<?, ?>> cells(TableView<?> table) {
        List<TableCell<?, ?>> out = new ArrayList<>();
        for (Node n : table.lookupAll(".table-cell")) {
            if (n instanceof TableCell<?, ?> c && shown(c, table) && !c.isEmpty() && c.getTableRow() != null
                    && c.getIndex() >= 0 && c.getIndex() < table.getItems().size()) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether {@code n} and every parent up to {@code top} are visible (the flow keeps hidden spare cells). */
    static boolean shown(Node n, Node top) {
        for (Node p = n; p != null && p != top; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The cells (and labels inside them, such as chips) whose rendered text is not the full value
     * the column holds for that row. The full value comes from the column, not from the cell.
     */
    public static List<Cut> cuts(TableView<?> table) {
        List<Cut> out = new ArrayList<>();
        for (TableCell<?, ?> c : cells(table)) {
            Object value = c.getTableColumn().getCellData(c.getIndex());
            String full = value == null ? "" : value.toString();
            String where = table.getId() + "[" + c.getIndex() + "]." + c.getTableColumn().getText();
            Labeled shownBy = c.getGraphic() instanceof Labeled g && (c.getText() == null || c.getText().isEmpty()) ? g : c;
            String rendered = rendered(shownBy);
            if (rendered == null) {
                rendered = "";
            }
            Tooltip tip = c.getTooltip();
            if (!rendered.equals(full)) {
                out.add(new Cut(where, full, rendered, tip == null ? null : tip.getText()));
            }
        }
        return out;
    }

    /** Cells that lie (partly) beyond the table's right edge: a column scrolled out of sight is hidden too. */
    public static List<String> outside(TableView<?> table) {
        List<String> out = new ArrayList<>();
        for (TableCell<?, ?> c : cells(table)) {
            Bounds b = table.sceneToLocal(c.localToScene(c.getLayoutBounds()));
            if (b.getMaxX() > table.getWidth() + 0.5) {
                out.add(table.getId() + "[" + c.getIndex() + "]." + c.getTableColumn().getText() + " ends at "
                        + Math.round(b.getMaxX()) + " of " + Math.round(table.getWidth()));
            }
        }
        return out;
    }

    /** Labels under {@code root} that show less than their text and have no tooltip with all of it. */
    public static List<Cut> cutLabels(Parent root) {
        List<Cut> out = new ArrayList<>();
        for (Node n : root.lookupAll(".label")) {
            if (n instanceof Labeled l && shown(l, root) && l.getText() != null && !l.getText().isEmpty()
                    && !(n.getParent() instanceof TableCell<?, ?>)) {
                String r = rendered(l);
                if (r != null && !r.equals(l.getText()) && !l.isWrapText()) {
                    Tooltip tip = l.getTooltip();
                    out.add(new Cut(l.getId() == null ? l.getText() : "#" + l.getId(), l.getText(), r,
                            tip == null ? null : tip.getText()));
                }
            }
        }
        return out;
    }

    /** A region's visible width (for messages). */
    public static double width(Region r) {
        return r.getWidth();
    }
}
