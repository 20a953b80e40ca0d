package io.vigil.ui.fleet;

import io.vigil.ui.Styles;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The Fleet view's first-run page: what the fleet needs, a form for one Prometheus endpoint that is
 * written to {@code settings.yaml} (off the FX thread), and Start demo. Secrets are asked for as
 * references only ({@code env:NAME} or a file path).
 */
final class FleetSetupPane extends VBox {

    private final TextField name = new TextField("prometheus");
    private final TextField url = new TextField();
    private final ComboBox<FleetEndpointForm.Auth> auth = new ComboBox<>();
    private final TextField username = new TextField();
    private final TextField secret = new TextField();
    private final Label secretCaption = new Label("Password");
    private final Label userCaption = new Label("User");
    private final Label message = new Label();
    private final Button save = new Button("Save and connect");

    FleetSetupPane(FleetSettingsSaver saver, Runnable onSaved, Runnable startDemo, Executor background) {
        super(14);
        setId("fleet-setup");
        getStyleClass().addAll(Styles.VIEW, "fleet-setup");
        setPadding(new Insets(28));
        setAlignment(Pos.TOP_LEFT);
        setMaxWidth(760);

        Label title = new Label("No fleet configured");
        title.getStyleClass().add(Styles.VIEW_TITLE);
        Label text = new Label("Vigil reads a fleet of GPU servers through Prometheus's HTTP API: the dcgm-exporter "
                + "(or nvidia_gpu_exporter) and node_exporter that already run on your nodes, scraped by your "
                + "Prometheus (also Amazon Managed Service for Prometheus). No agent of Vigil's runs on the nodes. "
                + "Give one Prometheus below, or set VIGIL_PROMETHEUS_URL, or edit the fleet: section of settings.yaml "
                + "(mTLS and SigV4 are set there).");
        text.setWrapText(true);
        text.getStyleClass().add(Styles.MUTED);

        name.setId("fleet-setup-name");
        url.setId("fleet-setup-url");
        url.setPromptText("http://prometheus.example:9090");
        auth.setId("fleet-setup-auth");
        auth.getItems().setAll(FleetEndpointForm.Auth.values());
        auth.setValue(FleetEndpointForm.Auth.NONE);
        username.setId("fleet-setup-user");
        secret.setId("fleet-setup-secret");
        secret.setPromptText("env:PROMETHEUS_PASSWORD or /path/to/secret-file");
        GridPane form = new GridPane();
        form.setHgap(12);
        form.setVgap(8);
        form.addRow(0, caption("Name"), name);
        form.addRow(1, caption("Prometheus URL"), url);
        form.addRow(2, caption("Authentication"), auth);
        form.addRow(3, userCaption, username);
        form.addRow(4, secretCaption, secret);
        userCaption.getStyleClass().add(Styles.MUTED);
        secretCaption.getStyleClass().add(Styles.MUTED);
        url.setPrefColumnCount(34);
        secret.setPrefColumnCount(34);
        auth.valueProperty().addListener((o, a, b) -> showAuthFields());
        showAuthFields();
        Label secretHint = new Label("Secrets are never written to settings.yaml: give env:NAME (read from the "
                + "environment when Vigil starts) or the path of a file that holds the password or token.");
        secretHint.setWrapText(true);
        secretHint.getStyleClass().add(Styles.MUTED);

        message.setId("fleet-setup-message");
        message.setWrapText(true);
        save.setId("fleet-setup-save");
        save.getStyleClass().add("accent");
        save.setDefaultButton(true);
        save.setOnAction(e -> submit(saver, onSaved, background));
        HBox buttons = new HBox(12, save);
        buttons.setAlignment(Pos.CENTER_LEFT);
        if (startDemo != null) {
            Button demo = new Button("Start demo");
            demo.setId("fleet-start-demo");
            demo.setOnAction(e -> startDemo.run());
            Label hint = new Label("The demo has a fleet of 24 nodes × 8 GPUs in which two nodes start mining.");
            hint.getStyleClass().add(Styles.MUTED);
            buttons.getChildren().addAll(demo, hint);
        }
        getChildren().addAll(title, text, form, secretHint, buttons, message);
    }

    private static Label caption(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.MUTED);
        return l;
    }

    private void showAuthFields() {
        FleetEndpointForm.Auth a = auth.getValue();
        boolean basic = a == FleetEndpointForm.Auth.BASIC;
        boolean secretShown = a != FleetEndpointForm.Auth.NONE;
        for (var n : new javafx.scene.Node[] {userCaption, username}) {
            n.setVisible(basic);
            n.setManaged(basic);
        }
        for (var n : new javafx.scene.Node[] {secretCaption, secret}) {
            n.setVisible(secretShown);
            n.setManaged(secretShown);
        }
        secretCaption.setText(basic ? "Password (reference)" : "Token (reference)");
    }

    FleetEndpointForm form() {
        return new FleetEndpointForm(name.getText(), url.getText(), auth.getValue(), username.getText(), secret.getText());
    }

    private void submit(FleetSettingsSaver saver, Runnable onSaved, Executor background) {
        FleetEndpointForm f = form();
        var problem = f.problem();
        message.getStyleClass().removeAll("validation-ok", "validation-error");
        if (problem.isPresent()) {
            message.setText(problem.get());
            message.getStyleClass().add("validation-error");
            return;
        }
        save.setDisable(true);
        message.setText("Saving…");
        background.execute(() -> {
            String result;
            boolean ok;
            try {
                result = "Saved to " + saver.save(f) + ". Connecting to " + f.url() + "…";
                ok = true;
            } catch (Exception e) {
                result = "Could not save: " + e.getMessage();
                ok = false;
            }
            String shown = result;
            boolean saved = ok;
            Platform.runLater(() -> {
                save.setDisable(false);
                message.setText(shown);
                message.getStyleClass().add(saved ? "validation-ok" : "validation-error");
                if (saved) {
                    onSaved.run();
                }
            });
        });
    }
}
