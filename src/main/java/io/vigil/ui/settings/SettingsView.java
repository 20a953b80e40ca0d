package io.vigil.ui.settings;

import io.vigil.ui.Styles;
import io.vigil.ui.View;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Where Vigil keeps its files and the settings in effect (defaults, file and overrides merged).
 * Editing happens in {@code settings.yaml}; this view shows what the running console uses.
 */
public final class SettingsView implements View {

    private final VBox root = new VBox(14);

    public SettingsView(Path configDir, Path dataDir, Path settingsFile, Path databaseFile,
                        String effectiveSettingsYaml, List<String> problems) {
        root.getStyleClass().add(Styles.VIEW);
        root.setId("settings-view");
        root.setPadding(new Insets(18));
        Label title = new Label("Settings");
        title.getStyleClass().add(Styles.VIEW_TITLE);

        GridPane paths = new GridPane();
        paths.setHgap(16);
        paths.setVgap(6);
        String[][] rows = {
            {"Config folder", configDir.toString()},
            {"Settings file", settingsFile.toString()},
            {"Data folder", dataDir.toString()},
            {"Database", databaseFile.toString()},
        };
        for (int i = 0; i < rows.length; i++) {
            Label k = new Label(rows[i][0]);
            k.getStyleClass().add(Styles.MUTED);
            Label v = new Label(rows[i][1]);
            v.setId("settings-path-" + i);
            paths.addRow(i, k, v);
        }
        Label hint = new Label("Precedence: built-in defaults < settings.yaml < environment (VIGIL_NVML_LIB, AWS_PROFILE, "
                + "AWS_REGION) < -Dvigil.<section>.<key>. Edit settings.yaml and restart to apply.");
        hint.setWrapText(true);
        hint.getStyleClass().add(Styles.MUTED);

        TextArea effective = new TextArea(effectiveSettingsYaml);
        effective.setEditable(false);
        effective.setId("settings-effective");
        effective.getStyleClass().add("code");
        VBox.setVgrow(effective, Priority.ALWAYS);

        root.getChildren().addAll(title, paths, hint);
        for (String p : problems) {
            Label problem = new Label(p);
            problem.setWrapText(true);
            problem.getStyleClass().add(Styles.BANNER_WARNING);
            root.getChildren().add(problem);
        }
        Label effTitle = new Label("Settings in effect");
        root.getChildren().addAll(effTitle, effective);
    }

    @Override
    public Node node() {
        return root;
    }
}
