package io.vigil.ui.cloud;

import io.vigil.cloud.Guardrails;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Creates AWS guardrails in three steps the analyst sees: fill in the form, review the plan (what
 * exactly will be created), confirm with "Create". The AWS calls run on the background executor;
 * only their outcome comes back to the FX thread.
 */
final class GuardrailsDialog {

    private final Guardrails guardrails;
    private final Executor background;
    private final Dialog<Void> dialog = new Dialog<>();
    private final TextField name = new TextField("vigil");
    private final ChoiceBox<Guardrails.Channel> channel = new ChoiceBox<>();
    private final TextField address = new TextField();
    private final TextField anomalyThreshold = new TextField("100");
    private final TextField alarmThreshold = new TextField();
    private final TextArea planText = new TextArea();
    private final Button review = new Button("Review plan");
    private final Button create = new Button("Create");
    private final Label status = new Label();
    private Guardrails.Plan plan;

    GuardrailsDialog(Guardrails guardrails, Executor background) {
        this.guardrails = guardrails;
        this.background = background;
        dialog.setTitle("AWS cost guardrails");
        dialog.setHeaderText("A Cost Anomaly Detection monitor (by service) with alerts, and a billing alarm");
        channel.getItems().setAll(Guardrails.Channel.values());
        channel.setValue(Guardrails.Channel.EMAIL);
        name.setId("guardrails-name");
        channel.setId("guardrails-channel");
        address.setId("guardrails-address");
        address.setPromptText("soc@example.com or arn:aws:sns:us-east-1:123456789012:topic");
        anomalyThreshold.setId("guardrails-anomaly-threshold");
        alarmThreshold.setId("guardrails-alarm-threshold");
        alarmThreshold.setPromptText("e.g. 2500");
        planText.setId("guardrails-plan");
        planText.setEditable(false);
        planText.setWrapText(true);
        planText.setPrefRowCount(6);
        review.setId("guardrails-review");
        create.setId("guardrails-create");
        create.setDisable(true);
        status.setId("guardrails-status");
        status.setWrapText(true);

        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(6);
        form.addRow(0, new Label("Name"), name);
        form.addRow(1, new Label("Alerts by"), channel);
        form.addRow(2, new Label("E-mail or SNS topic ARN"), address);
        form.addRow(3, new Label("Anomaly impact ≥ (USD)"), anomalyThreshold);
        form.addRow(4, new Label("Billing alarm above (USD)"), alarmThreshold);
        address.setPrefColumnCount(34);

        review.setOnAction(e -> review());
        create.setOnAction(e -> create());
        // Any change invalidates the reviewed plan: the analyst confirms exactly what is shown.
        for (var field : new TextField[] {name, address, anomalyThreshold, alarmThreshold}) {
            field.textProperty().addListener((o, a, b) -> invalidate());
        }
        channel.valueProperty().addListener((o, a, b) -> invalidate());

        VBox box = new VBox(10, form, new HBox(8, review), new Label("What will be created:"), planText,
                new HBox(8, create), status);
        box.setPadding(new Insets(8));
        box.setPrefWidth(620);
        dialog.getDialogPane().setContent(box);
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
    }

    void show(Window owner) {
        dialog.initOwner(owner);
        dialog.show();
    }

    private void invalidate() {
        plan = null;
        create.setDisable(true);
        planText.clear();
    }

    private void review() {
        Guardrails.Request request;
        try {
            request = new Guardrails.Request(name.getText().strip(), channel.getValue(), address.getText().strip(),
                    Double.parseDouble(anomalyThreshold.getText().strip()),
                    Double.parseDouble(alarmThreshold.getText().strip()));
        } catch (NumberFormatException e) {
            status.setText("Thresholds: expected amounts in USD, e.g. 100 or 2500.");
            return;
        }
        review.setDisable(true);
        status.setText("Checking the account's existing monitors…");
        CompletableFuture.supplyAsync(() -> guardrails.plan(request), background).whenComplete((p, err) ->
                Platform.runLater(() -> {
                    review.setDisable(false);
                    if (err != null) {
                        status.setText("Cannot plan: " + rootMessage(err));
                        return;
                    }
                    plan = p;
                    planText.setText(p.describe());
                    create.setDisable(false);
                    status.setText("Nothing has been created yet. Press Create to create exactly this.");
                }));
    }

    private void create() {
        Guardrails.Plan confirmed = plan;
        if (confirmed == null) {
            return;
        }
        create.setDisable(true);
        review.setDisable(true);
        status.setText("Creating…");
        CompletableFuture.supplyAsync(() -> guardrails.apply(confirmed), background).whenComplete((r, err) ->
                Platform.runLater(() -> {
                    review.setDisable(false);
                    if (err != null) {
                        status.setText("Creation failed: " + rootMessage(err)
                                + " (anything listed before the failing step may exist already).");
                        return;
                    }
                    status.setText("Created:\nmonitor " + r.monitorArn() + (r.monitorReused() ? " (existing, reused)" : "")
                            + "\nsubscription " + r.subscriptionArn() + "\nalarm " + r.alarmArn());
                }));
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
