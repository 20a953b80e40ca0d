package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.ui.fleet.FleetEndpointForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first-run form's endpoint written into settings.yaml: the fleet: shape, comments kept, no secret stored. */
class FleetSettingsFileTest {

    @TempDir
    Path dir;

    private static JsonNode yaml(Path f) throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(f.toFile());
    }

    @Test
    void writesTheFleetSectionIntoTheDefaultFileKeepingItsCommentsOwnerOnly() throws Exception {
        Path file = dir.resolve("config/settings.yaml");
        FleetSettingsFile.write(file, new FleetEndpointForm("prod", "https://prom.example:9090", FleetEndpointForm.Auth.BASIC,
                "vigil", "env:PROM_PASSWORD"));
        JsonNode fleet = yaml(file).path("fleet");
        JsonNode ep = fleet.path("endpoints").get(0);
        assertEquals("prod", ep.path("name").asText());
        assertEquals("https://prom.example:9090", ep.path("url").asText());
        assertEquals("basic", ep.path("auth").path("type").asText());
        assertEquals("vigil", ep.path("auth").path("username").asText());
        assertEquals("env:PROM_PASSWORD", ep.path("auth").path("password").asText());
        assertEquals(15, fleet.path("periodSeconds").asInt());
        assertEquals(15, fleet.path("windowMinutes").asInt());
        String text = Files.readString(file);
        assertTrue(text.contains("# Vigil settings."), "the default file's comments are kept");
        assertEquals(2, yaml(file).path("host").path("periodSeconds").asInt(), "other sections untouched");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Settings loaded = Settings.load(file, Map.of(), Map.of());
        assertTrue(loaded.problems().isEmpty(), loaded.problems().toString());
        // What the fleet wiring reads back: the endpoint with its secret reference, not a secret.
        io.vigil.fleet.FleetSettings fleetSettings = loaded.section("fleet", io.vigil.fleet.FleetSettings.class);
        assertEquals(1, fleetSettings.endpoints().size());
        assertEquals("https://prom.example:9090", fleetSettings.endpoints().getFirst().url());
        assertEquals("env:PROM_PASSWORD", fleetSettings.endpoints().getFirst().auth().password());
        assertEquals(1, text.lines().filter(l -> l.startsWith("fleet:")).count(), "the default fleet: block was replaced");
    }

    @Test
    void replacesAnExistingFleetSectionAndKeepsItsPeriodAndTheNextSection() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "host:\n  periodSeconds: 3\nfleet:\n  endpoints: []\n  periodSeconds: 30\n"
                + "# Cloud comes next\ncloud:\n  region: eu-west-1\n");
        FleetSettingsFile.write(file, new FleetEndpointForm("p", "http://127.0.0.1:9090", FleetEndpointForm.Auth.BEARER,
                "", "/run/secrets/prom-token"));
        JsonNode root = yaml(file);
        assertEquals("/run/secrets/prom-token", root.path("fleet").path("endpoints").get(0).path("auth").path("token").asText());
        assertEquals(30, root.path("fleet").path("periodSeconds").asInt());
        assertEquals("eu-west-1", root.path("cloud").path("region").asText());
        assertEquals(3, root.path("host").path("periodSeconds").asInt());
        assertTrue(Files.readString(file).contains("# Cloud comes next\ncloud:"), Files.readString(file));
        assertEquals(1, Files.readString(file).lines().filter(l -> l.startsWith("fleet:")).count());
    }

    @Test
    void refusesAPastedSecretOrABadUrlAndLeavesTheFileAlone() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "host:\n  periodSeconds: 3\n");
        var pasted = new FleetEndpointForm("p", "http://prom:9090", FleetEndpointForm.Auth.BEARER, "", "eyJhbGciOiJIUzI1NiJ9.secret");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FleetSettingsFile.write(file, pasted));
        assertTrue(e.getMessage().contains("env:NAME"), e.getMessage());
        var creds = new FleetEndpointForm("p", "http://user:pw@prom:9090", FleetEndpointForm.Auth.NONE, "", "");
        assertThrows(IllegalArgumentException.class, () -> FleetSettingsFile.write(file, creds));
        var ftp = new FleetEndpointForm("p", "ftp://prom", FleetEndpointForm.Auth.NONE, "", "");
        assertTrue(ftp.problem().orElseThrow().startsWith("URL:"));
        assertEquals("host:\n  periodSeconds: 3\n", Files.readString(file));
    }

    @Test
    void quotesValuesSoThatYamlSyntaxInThemStaysText() throws Exception {
        Path file = dir.resolve("settings.yaml");
        FleetSettingsFile.write(file, new FleetEndpointForm("p", "http://prom:9090/x?a=b#c", FleetEndpointForm.Auth.BASIC,
                "a: b\"c", "env:P"));
        JsonNode ep = yaml(file).path("fleet").path("endpoints").get(0);
        assertEquals("http://prom:9090/x?a=b#c", ep.path("url").asText());
        assertEquals("a: b\"c", ep.path("auth").path("username").asText());
    }
}
