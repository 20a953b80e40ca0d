/** Vigil: security-operations console for GPU and AI-cloud infrastructure. */
module io.vigil {
    requires javafx.base;
    requires javafx.graphics;
    requires javafx.controls;
    requires org.controlsfx.controls;
    requires eu.hansolo.tilesfx;
    requires com.github.oshi;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;
    requires java.sql;
    requires java.net.http;
    requires org.xerial.sqlitejdbc;
    requires info.picocli;
    requires org.slf4j;
    requires javafx.media;
    requires java.management;

    exports io.vigil.app;
    exports io.vigil.telemetry;
    exports io.vigil.host;
    exports io.vigil.store;
    exports io.vigil.scenario;
    exports io.vigil.gpu;
    exports io.vigil.rules;
    exports io.vigil.alerts;
    exports io.vigil.playbook;
    exports io.vigil.inventory;

    opens io.vigil.app to info.picocli, com.fasterxml.jackson.databind, javafx.graphics;
    opens io.vigil.ui to javafx.graphics;
    opens io.vigil.ui.shell to javafx.graphics;
    opens io.vigil.ui.dashboard to javafx.graphics;
    opens io.vigil.ui.chart to javafx.graphics;
    opens io.vigil.telemetry to com.fasterxml.jackson.databind;
    opens io.vigil.host to com.fasterxml.jackson.databind;
    opens io.vigil.scenario to com.fasterxml.jackson.databind;
    opens io.vigil.gpu to com.fasterxml.jackson.databind;
    opens io.vigil.ui.gpus to javafx.graphics;
    opens io.vigil.alerts to com.fasterxml.jackson.databind;
    opens io.vigil.ui.rules to javafx.graphics;
    opens io.vigil.ui.alerts to javafx.graphics;
    opens io.vigil.playbook to com.fasterxml.jackson.databind;
    opens io.vigil.ui.playbooks to javafx.graphics;
    opens io.vigil.inventory to com.fasterxml.jackson.databind;
    opens io.vigil.ui.inventory to javafx.graphics;
}
