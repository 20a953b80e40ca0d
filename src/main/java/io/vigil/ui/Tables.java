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
 * left ({@link TableView#CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN}); and every cell whose text
 * can still be cut carries the full text as a tooltip, so an ellipsis never hides a value for good.
 *
 * <p>FX thread only.
 */
public final class Tables {

    /** Style class on every cell made here (used by tests and the stylesheet). */
    public static final String FITTED_CELL = "fitted-cell";
    /** Key in a column's properties marking it as the one that takes the rest of the width. */
    static final String FLEX = "vigil.flex";
    /** Room for rounding and the cell's right border, so a fitted value is never one pixel short. */
    private static final double SLACK = 4;

    private Tables() {
    }

    /**
     * Applies the policy to {@code table}: constrained resize with the last column flexible. Call it
     * after the columns are added; the last column should be the long-text one (see {@link #flex}).
     */
    public static void constrain(TableView<?> table) {
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    }

    /** A column of short values: it grows to fit each value it renders (and its title), never cuts one. */
    public static <T> TableColumn<T, String> fitted(String title, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setCellFactory(col -> new TextCell<>());
        c.setMinWidth(headerWidth(title));
        c.setPrefWidth(c.getMinWidth());
        return c;
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
        c.setMinWidth(Math.max(minWidth, headerWidth(title)));
        c.setPrefWidth(c.getMinWidth());
        return c;
    }

    /** Makes an existing column with its own cells fit its widest content (cells extend {@link TextCell}). */
    public static boolean isFlex(TableColumn<?, ?> c) {
        return Boolean.TRUE.equals(c.getProperties().get(FLEX));
    }

    private static double headerWidth(String title) {
        // Header labels are bold-ish and padded; measured with the default font before CSS, so pad generously.
        return textWidth(title, Font.font(Font.getDefault().getFamily(), 13)) + 24;
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

    /**
     * A text cell with the full value as its tooltip; in a fitted column it widens the column to fit
     * its text (measured with the cell's own font, after CSS, in layout). Subclasses that add a
     * graphic call {@link #fitWidth()} through {@link #layoutChildren()} as well.
     */
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

        /** The width this cell needs to show its content uncut. */
        protected double neededWidth() {
            double w = textWidth(getText(), getFont());
            if (getGraphic() != null) {
                w += getGraphic().prefWidth(-1) + (w > 0 ? getGraphicTextGap() : 0);
            }
            return w + snappedLeftInset() + snappedRightInset() + SLACK;
        }

        @Override
        protected void layoutChildren() {
            fitWidth();
            super.layoutChildren();
        }

        /** Grows the column (never shrinks it) so this cell's content fits; the flexible column is left alone. */
        protected final void fitWidth() {
            TableColumn<T, String> col = getTableColumn();
            if (col == null || isEmpty() || isFlex(col)) {
                return;
            }
            double need = Math.ceil(neededWidth());
            if (need > col.getMinWidth()) {
                col.setMinWidth(need);
            }
            if (need > col.getPrefWidth()) {
                col.setPrefWidth(need);
            }
        }
    }
}
