package io.vigil.ui;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/**
 * Table columns that never hide what matters. Every table Vigil shows follows one policy: the
 * columns of short values (states, numbers, times, names) grow to fit the widest value they have
 * shown, so they are never cut; the one long-text column comes last and takes the width that is
 * left ({@link FitPolicy}); and every cell whose text
 * can still be cut carries the full text as a tooltip, so an ellipsis never hides a value for good.
 *
 * <p>FX thread only.
 */
public final class Tables {

    /** Style class on every cell made here (used by tests and the stylesheet). */
    public static final String FITTED_CELL = "fitted-cell";
    /** Key in a column's properties marking it as the one that takes the rest of the width. */
    static final String FLEX = "vigil.flex";
    /** Key in a column's properties marking it as fitted; holds the values already measured. */
    static final String FIT = "vigil.fit";
    static final String FIT_FONT = "vigil.fit.font";
    static final String FIT_EXTRA = "vigil.fit.extra";
    static final String FIT_MEASURED_WITH = "vigil.fit.measuredWith";
    /** The theme's table font (vigil.css), used only until the table has drawn a cell to ask. */
    private static final Font THEME_FONT = Font.font("DejaVu Sans", 13);
    /** Modena's cell padding (0.166667em at 13 px) plus the right border, both sides. */
    private static final double DEFAULT_INSETS = 7.4;
    /** A column header's padding and room for the sort arrow. */
    private static final double HEADER_PADDING = 22;
    /** Room for rounding and the cell's right border, so a fitted value is never one pixel short. */
    private static final double SLACK = 4;

    private Tables() {
    }

    /**
     * Applies the policy to {@code table}: fitted columns at their width, the last column takes the
     * rest. Call it after the columns are added; the last column should be the long-text one
     * (see {@link #flex}).
     */
    public static void constrain(TableView<?> table) {
        table.setColumnResizePolicy(new FitPolicy());
    }

    /**
     * The resize policy: every column but the last keeps its preferred width (the fitted width, or
     * what the analyst dragged it to, never below its minimum); the last column takes what is left of
     * the table's content width (the vertical scroll bar excluded), never less than its minimum —
     * when the minimums do not fit, the table scrolls sideways rather than cutting a column.
     * Unlike the built-in constrained policies it does not hand spare width to the short columns.
     */
    static final class FitPolicy implements javafx.util.Callback<TableView.ResizeFeatures, Boolean> {
        @Override
        public Boolean call(TableView.ResizeFeatures f) {
            TableView<?> table = f.getTable();
            var columns = table.getVisibleLeafColumns();
            if (columns.isEmpty()) {
                return true;
            }
            TableColumn<?, ?> dragged = f.getColumn();
            if (dragged != null && dragged != columns.getLast()) {
                double width = Math.max(dragged.getMinWidth(), dragged.getWidth() + f.getDelta());
                dragged.setPrefWidth(width);
            }
            double content = f.getContentWidth();
            double used = 0;
            for (int i = 0; i < columns.size() - 1; i++) {
                TableColumn<?, ?> c = columns.get(i);
                double w = Math.max(c.getMinWidth(), c.getPrefWidth());
                f.setColumnWidth(cast(c), w);
                used += w;
            }
            TableColumn<?, ?> last = columns.getLast();
            double rest = content > 0 ? content - used : last.getPrefWidth();
            f.setColumnWidth(cast(last), Math.max(last.getMinWidth(), Math.floor(rest)));
            return true;
        }

        @SuppressWarnings("unchecked")
        private static TableColumn<Object, ?> cast(TableColumn<?, ?> c) {
            return (TableColumn<Object, ?>) c;
        }
    }

    /**
     * Runs the table's resize policy again over its whole width: a policy runs when the table's width
     * changes, so a column that grew would otherwise push the flexible one past the right edge
     * instead of taking its width from it.
     */
    static void refit(TableView<?> table) {
        if (table == null) {
            return;
        }
        if (table.getColumnResizePolicy() instanceof FitPolicy) {
            // A new instance is a change of the property, and a change runs the policy over the whole table.
            table.setColumnResizePolicy(new FitPolicy());
        }
    }

    /** A column of short values: it grows to fit each value it renders (and its title), never cuts one. */
    public static <T> TableColumn<T, String> fitted(String title, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setCellFactory(col -> new TextCell<>());
        c.getProperties().put(FIT, new java.util.HashSet<String>());
        return c;
    }

    /**
     * Marks {@code column}'s cells as drawn in {@code font} with {@code extra} pixels around the text
     * (a chip's padding and border), so {@link #fit} measures them as they are drawn.
     */
    public static void drawnAs(TableColumn<?, ?> column, Font font, double extra) {
        column.getProperties().put(FIT_FONT, font);
        column.getProperties().put(FIT_EXTRA, extra);
    }

    /**
     * Widens each fitted column of {@code table} to its widest value among the table's items (and its
     * title), measured in the cells' font; columns only grow, so they do not jump as rows come and go.
     * Views call it after they change the items, outside layout (a width changed during layout would
     * be lost for the rows already laid out). Each distinct value is measured once.
     */
    @SuppressWarnings("unchecked")
    public static void fit(TableView<?> table) {
        Font font = cellFont(table);
        double insets = cellInsets(table);
        boolean grew = false;
        for (TableColumn<?, ?> c : table.getVisibleLeafColumns()) {
            Object marker = c.getProperties().get(FIT);
            if (!(marker instanceof java.util.Set<?>) || isFlex(c)) {
                continue;
            }
            java.util.Set<String> measured = (java.util.Set<String>) marker;
            Font f = c.getProperties().get(FIT_FONT) instanceof Font own ? own : font;
            if (!f.equals(c.getProperties().put(FIT_MEASURED_WITH, f))) {
                measured.clear(); // measured before CSS gave the cells their font: measure again
            }
            double extra = c.getProperties().get(FIT_EXTRA) instanceof Double e ? e : 0;
            double need = Math.max(c.getMinWidth(), textWidth(c.getText(), font) + HEADER_PADDING);
            for (int i = 0; i < table.getItems().size(); i++) {
                Object v = c.getCellData(i);
                String text = v == null ? "" : v.toString();
                if (measured.add(text)) {
                    need = Math.max(need, Math.ceil(textWidth(text, f) + extra + insets + SLACK));
                }
            }
            if (need > c.getMinWidth()) {
                c.setMinWidth(need);
                c.setPrefWidth(Math.max(need, c.getPrefWidth()));
                grew = true;
            }
        }
        if (grew) {
            refit(table);
        }
    }

    /** The font table cells are drawn in (after CSS), or the theme's font before any cell exists. */
    private static Font cellFont(TableView<?> table) {
        for (javafx.scene.Node n : table.lookupAll(".table-cell")) {
            if (n instanceof TableCell<?, ?> cell && cell.getFont() != null) {
                return cell.getFont();
            }
        }
        return THEME_FONT;
    }

    private static double cellInsets(TableView<?> table) {
        for (javafx.scene.Node n : table.lookupAll(".table-cell")) {
            if (n instanceof TableCell<?, ?> cell && cell.getInsets().getLeft() > 0) {
                return cell.getInsets().getLeft() + cell.getInsets().getRight();
            }
        }
        return DEFAULT_INSETS;
    }

    /**
     * The long-text column: it takes what the fitted columns leave (at least {@code minWidth}); text
     * that does not fit ends in an ellipsis and the cell's tooltip holds all of it.
     */
    public static <T> TableColumn<T, String> flex(String title, double minWidth, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setCellFactory(col -> new TextCell<>());
        c.getProperties().put(FLEX, Boolean.TRUE);
        c.setMinWidth(minWidth);
        c.setPrefWidth(minWidth);
        return c;
    }

    /** Whether {@code c} is the column that takes the width the others leave. */
    public static boolean isFlex(TableColumn<?, ?> c) {
        return Boolean.TRUE.equals(c.getProperties().get(FLEX));
    }

    private static final Text MEASURE = new Text();

    /** The width {@code text} needs in {@code font}, as the cell's skin lays it out. */
    public static double textWidth(String text, Font font) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        MEASURE.setFont(font);
        MEASURE.setText(text);
        double w = MEASURE.getLayoutBounds().getWidth();
        MEASURE.setText("");
        return Math.ceil(w);
    }

    /** A text cell with the full value as its tooltip (the value may still be cut in the flexible column). */
    public static class TextCell<T> extends TableCell<T, String> {

        private final Tooltip tooltip = new Tooltip();

        public TextCell() {
            getStyleClass().add(FITTED_CELL);
            tooltip.setWrapText(true);
            tooltip.setMaxWidth(640);
        }

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            String text = empty || item == null ? null : item;
            setText(display(text));
            tooltip.setText(tooltipText(text));
            setTooltip(text == null || text.isEmpty() ? null : tooltip);
        }

        /** The text the cell shows; the tooltip holds {@link #tooltipText}. */
        protected String display(String item) {
            return item;
        }

        /** The tooltip's text: the full value by default. */
        protected String tooltipText(String item) {
            return item == null ? "" : item;
        }

    }
}
