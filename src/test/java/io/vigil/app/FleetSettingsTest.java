package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetAuth;
import io.vigil.fleet.FleetEndpoint;
import io.vigil.fleet.FleetSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet: section, VIGIL_PROMETHEUS_URL and its precedence (as VIGIL_NVML_LIB's). */
class FleetSettingsTest {

    @TempDir
    Path dir;

    private FleetSettings load(String yaml, Map<String, String> env, Map<String, String> props) throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, yaml);
        Settings s = Settings.load(file, env, props);
        assertEquals(List.of(), s.problems());
        return s.section("fleet", FleetSettings.class);
    }

    @Test
    void noEndpointByDefaultSoLocalNvmlStaysTheDefault() {
        FleetSettings fs = Settings.defaults().section("fleet", FleetSettings.class);
        assertFalse(fs.configured());
        assertEquals(Duration.ofSeconds(15), fs.period());
        assertEquals(Duration.ofMinutes(15), fs.window());
        assertEquals(62, fs.pointsPerSeries());
    }

    @Test
    void endpointsWithEachAuthKindBind() throws Exception {
        FleetSettings fs = load("""
                fleet:
                  periodSeconds: 30
                  windowMinutes: 5
                  endpoints:
                    - name: prod
                      url: https://prom.example.com
                      auth: {type: basic, username: vigil, password: env:PROM_PASSWORD, caFile: /etc/ssl/ca.pem}
                    - name: proxy
                      url: https://proxy.example.com/prometheus
                      auth: {type: bearer, token: /run/secrets/prom-token}
                    - name: lab
                      url: https://lab:9090
                      auth: {type: mtls, certFile: ~/.vigil/client.pem, keyFile: ~/.vigil/client.key, caFile: ~/.vigil/ca.pem}
                    - name: amp
                      url: https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1
                      auth: {type: sigv4}
                """, Map.of(), Map.of());
        assertEquals(4, fs.effectiveEndpoints().size());
        assertEquals(FleetAuth.Type.BASIC, fs.endpoints().get(0).auth().kind());
        assertEquals("env:PROM_PASSWORD", fs.endpoints().get(0).auth().password());
        assertEquals(FleetAuth.Type.BEARER, fs.endpoints().get(1).auth().kind());
        assertEquals(FleetAuth.Type.MTLS, fs.endpoints().get(2).auth().kind());
        assertEquals(FleetAuth.Type.SIGV4, fs.endpoints().get(3).auth().kind());
        assertEquals(Duration.ofSeconds(30), fs.period());
        assertEquals(12, fs.pointsPerSeries());
    }

    @Test
    void prometheusUrlFromTheEnvironmentReplacesTheEndpointsAndPropertiesWin() throws Exception {
        String yaml = """
                fleet:
                  prometheusUrl: http://from-file:9090
                  endpoints:
                    - {name: prod, url: "https://prom.example.com"}
                """;
        FleetSettings fromFile = load(yaml, Map.of(), Map.of());
        assertEquals("http://from-file:9090", fromFile.effectiveEndpoints().getFirst().url());
        FleetSettings fromEnv = load(yaml, Map.of("VIGIL_PROMETHEUS_URL", "http://from-env:9090"), Map.of());
        List<FleetEndpoint> endpoints = fromEnv.effectiveEndpoints();
        assertEquals(1, endpoints.size());
        assertEquals("http://from-env:9090", endpoints.getFirst().url());
        assertEquals(FleetSettings.ENV_ENDPOINT_NAME, endpoints.getFirst().name());
        assertEquals(FleetAuth.Type.NONE, endpoints.getFirst().auth().kind());
        FleetSettings fromProp = load(yaml, Map.of("VIGIL_PROMETHEUS_URL", "http://from-env:9090"),
                Map.of("vigil.fleet.prometheusUrl", "http://from-prop:9090"));
        assertEquals("http://from-prop:9090", fromProp.effectiveEndpoints().getFirst().url());
    }

    @Test
    void badEndpointsSayWhichAndWhy() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "fleet:\n  endpoints:\n    - {name: prod, url: 'https://u:hunter2@prom', auth: {type: none}}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(file, Map.of(), Map.of()).section("fleet", FleetSettings.class));
        assertTrue(e.getMessage().contains("'prod'") && e.getMessage().contains("carries credentials"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), "never echo a password");
        Files.writeString(file, "fleet:\n  endpoints:\n    - {name: prod, url: 'http://prom:9090', auth: {type: basic, username: u}}\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(file, Map.of(), Map.of()).section("fleet", FleetSettings.class));
        assertTrue(e.getMessage().contains("basic needs username and password"), e.getMessage());
        Files.writeString(file, "fleet:\n  endpoints:\n    - {name: prod, url: 'http://prom:9090', auth: {type: kerberos}}\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(file, Map.of(), Map.of()).section("fleet", FleetSettings.class));
        assertTrue(e.getMessage().contains("none, basic, bearer, mtls or sigv4"), e.getMessage());
    }
}
