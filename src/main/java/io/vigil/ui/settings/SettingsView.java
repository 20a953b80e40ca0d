package io.vigil.ui.settings;

import io.vigil.ui.Styles;
import io.vigil.ui.View;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Where Vigil keeps its files and the settings in effect (defaults, file and overrides merged).
 * "Open in editor" hands {@code settings.yaml} to the desktop's editor; "Reload" (or F5) re-reads
 * it on a background thread, lists its problems with file:line:column as at start, applies what can
 * change while running, and names what waits for a restart ("Restart sources" rebuilds the console's
 * data side in place). FX thread only, except the work handed to {@code background}.
 */
public final class SettingsView implements View {

    private final VBox root = new VBox(12);
    private final Path settingsFile;
    private final Executor background;
    private final Callable<SettingsReload> reload;
    private final FileOpener opener;
    private final Runnable restart;
    private final TextArea effective;
    private final VBox problemsBox = new VBox(6);
    private final Label message = new Label();
    private final Button openButton = new Button("Open in editor");
    private final Button reloadButton = new Button("Reload");
    private final Button restartButton = new Button("Restart sources");

    /**
     * @param reload  re-reads the settings file (blocking; run on {@code background}); null: no Reload
     * @param opener  the desktop's file opener
     * @param restart rebuilds the sources with the file's settings; null where that is not possible
     *                (the demo), and the view says when the change applies instead
     */
    public SettingsView(Path configDir, Path dataDir, Path settingsFile, Path databaseFile,
                        String effectiveSettingsYaml, List<String> problems, Executor background,
                        Callable<SettingsReload> reload, FileOpener opener, Runnable restart) {
        this.settingsFile = settingsFile;
        this.background = background;
        this.reload = reload;
        this.opener = opener;
        this.restart = restart;
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
                + "AWS_REGION) < -Dvigil.<section>.<key>. Edit settings.yaml, then Reload (F5): the screen refresh "
                + "rate and desktop notifications change at once; other sections after \"Restart sources\".");
        hint.setWrapText(true);
        hint.getStyleClass().add(Styles.MUTED);

        openButton.setId("settings-open");
        openButton.setOnAction(e -> openInEditor());
        reloadButton.setId("settings-reload");
        reloadButton.setOnAction(e -> reload());
        reloadButton.setDisable(reload == null);
        restartButton.setId("settings-restart");
        restartButton.setVisible(false);
        restartButton.setManaged(false);
        restartButton.setOnAction(e -> {
            if (restart != null) {
                restart.run();
            }
        });
        HBox actions = new HBox(10, openButton, reloadButton, restartButton);
        actions.setAlignment(Pos.CENTER_LEFT);
        message.setId("settings-message");
        message.setWrapText(true);

        effective = new TextArea(effectiveSettingsYaml);
        effective.setEditable(false);
        effective.setId("settings-effective");
        effective.getStyleClass().add("code");
        VBox.setVgrow(effective, Priority.ALWAYS);

        problemsBox.setId("settings-problems");
        showProblems(problems);
        Label effTitle = new Label("Settings in effect");
        root.getChildren().addAll(title, paths, hint, actions, message, problemsBox, effTitle, effective);
    }

    @Override
    public Node node() {
        return root;
    }

    /** F5: the same as the Reload button. */
    @Override
    public void reload() {
        if (reload == null || reloadButton.isDisabled()) {
            return;
        }
        reloadButton.setDisable(true);
        message.setText("Reading " + settingsFile + "…");
        offThread(() -> {
            SettingsReload r;
            try {
                r = reload.call();
            } catch (Exception e) {
                String failed = "Could not reload " + settingsFile + ": " + e.getMessage();
                Platform.runLater(() -> {
                    reloadButton.setDisable(false);
                    message.setText(failed);
                });
                return;
            }
            Platform.runLater(() -> show(r));
        });
    }

    private void show(SettingsReload r) {
        reloadButton.setDisable(false);
        r.applyOnFxThread().run();
        effective.setText(r.effectiveYaml());
        showProblems(r.problems());
        List<String> parts = new ArrayList<>();
        if (!r.problems().isEmpty()) {
            parts.add("Reloaded with " + r.problems().size() + " problem" + (r.problems().size() == 1 ? "" : "s")
                    + " (below): nothing from the broken parts was applied.");
        }
        if (!r.appliedLive().isEmpty()) {
            parts.add("Applied now: " + String.join(", ", r.appliedLive()) + ".");
        }
        if (!r.needRestart().isEmpty()) {
            parts.add("Changed, takes effect after a restart: " + String.join(", ", r.needRestart()) + "."
                    + (restart == null ? " (Leave the demo, or restart Vigil.)" : " Press \"Restart sources\"."));
        }
        if (parts.isEmpty()) {
            parts.add("Reloaded " + settingsFile + ": nothing changed.");
        }
        message.setText(String.join(" ", parts));
        boolean offerRestart = restart != null && !r.needRestart().isEmpty();
        restartButton.setVisible(offerRestart);
        restartButton.setManaged(offerRestart);
    }

    private void showProblems(List<String> problems) {
        problemsBox.getChildren().clear();
        for (String p : problems) {
            Label problem = new Label(p);
            problem.setWrapText(true);
            problem.getStyleClass().addAll(Styles.BANNER_WARNING, "settings-problem");
            problem.setMaxWidth(Double.MAX_VALUE);
            problemsBox.getChildren().add(problem);
        }
    }

    private void openInEditor() {
        openButton.setDisable(true);
        message.setText("Opening " + settingsFile + "…");
        offThread(() -> {
            String said = opener.open(settingsFile);
            Platform.runLater(() -> {
                openButton.setDisable(false);
                message.setText(said);
            });
        });
    }

    private void offThread(Runnable work) {
        try {
            background.execute(work);
        } catch (RejectedExecutionException closing) {
            // The console is closing: nothing to report to.
        }
    }
}
