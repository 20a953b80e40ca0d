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
    requires java.sql;
    requires java.net.http;
    requires org.xerial.sqlitejdbc;
    requires info.picocli;
    requires org.slf4j;
    requires software.amazon.awssdk.services.costexplorer;
    requires software.amazon.awssdk.services.cloudwatch;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.identity.spi;

    exports io.vigil.app;
    exports io.vigil.telemetry;
    exports io.vigil.host;
    exports io.vigil.store;
    exports io.vigil.cloud;

    opens io.vigil.app to info.picocli, com.fasterxml.jackson.databind, javafx.graphics;
    opens io.vigil.ui to javafx.graphics;
    opens io.vigil.ui.shell to javafx.graphics;
    opens io.vigil.ui.dashboard to javafx.graphics;
    opens io.vigil.ui.chart to javafx.graphics;
    opens io.vigil.telemetry to com.fasterxml.jackson.databind;
    opens io.vigil.host to com.fasterxml.jackson.databind;
    opens io.vigil.cloud to com.fasterxml.jackson.databind;
    opens io.vigil.ui.cloud to javafx.graphics;
}
