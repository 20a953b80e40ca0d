package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.host.HostSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path dir;

    @Test
    void createsTheDefaultFileOnFirstRun() throws Exception {
        Path file = dir.resolve("config/settings.yaml");
        Settings s = Settings.load(file, Map.of(), Map.of());
        assertTrue(Files.readString(file).contains("periodSeconds: 2"));
        assertEquals(2.0, s.section("host", HostSettings.class).periodSeconds());
        assertTrue(s.problems().isEmpty());
    }

    @Test
    void precedenceIsDefaultsThenFileThenEnvironmentThenSystemProperties() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "host:\n  periodSeconds: 3\n  processPeriodSeconds: 7\ngpu:\n  nvmlLibrary: /from/file\n");
        Settings fileOnly = Settings.load(file, Map.of(), Map.of());
        assertEquals(3.0, fileOnly.section("host", HostSettings.class).periodSeconds());
        assertEquals("/from/file", fileOnly.tree().path("gpu").path("nvmlLibrary").asText());

        Settings withEnv = Settings.load(file, Map.of("VIGIL_NVML_LIB", "/from/env"), Map.of());
        assertEquals("/from/env", withEnv.tree().path("gpu").path("nvmlLibrary").asText());

        Settings withProp = Settings.load(file, Map.of("VIGIL_NVML_LIB", "/from/env"),
                Map.of("vigil.gpu.nvmlLibrary", "/from/prop", "vigil.host.periodSeconds", "1"));
        assertEquals("/from/prop", withProp.tree().path("gpu").path("nvmlLibrary").asText());
        assertEquals(1.0, withProp.section("host", HostSettings.class).periodSeconds());
        assertEquals(7.0, withProp.section("host", HostSettings.class).processPeriodSeconds(), "untouched keys keep the file's value");
    }

    @Test
    void aSystemPropertySetsANestedKey() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "cloud:\n  costExplorer:\n    dailyRequestBudget: 40\n");
        Settings s = Settings.load(file, Map.of(), Map.of("vigil.cloud.costExplorer.dailyRequestBudget", "3",
                "vigil.cloud.enabled", "false"));
        io.vigil.cloud.CloudSettings cloud = s.section("cloud", io.vigil.cloud.CloudSettings.class);
        assertEquals(3, cloud.costExplorer().dailyRequestBudget());
        assertEquals(false, cloud.enabled());
        assertEquals(60, cloud.costExplorer().periodMinutes(), 0, "siblings of the overridden key are kept");
    }

    @Test
    void aBrokenFileKeepsTheDefaultsAndSaysWhere() throws Exception {
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "host:\n  periodSeconds: 3\n   bad indent: [\n");
        Settings s = Settings.load(file, Map.of(), Map.of());
        assertEquals(2.0, s.section("host", HostSettings.class).periodSeconds());
        assertEquals(1, s.problems().size());
        assertTrue(s.problems().getFirst().startsWith(file + ":3:"), s.problems().getFirst());
    }

    @Test
    void aYamlAliasIsRefusedWithWhereNotMisreadAsItsName() throws Exception {
        // Jackson would read *roots as the text "roots": refuse it instead of widening the roots by accident.
        Path file = dir.resolve("settings.yaml");
        Files.writeString(file, "host:\n  periodSeconds: &p 3\nplaybooks:\n  allowedRoots: [/srv]\n"
                + "inventory:\n  periodSeconds: *p\n");
        Settings s = Settings.load(file, Map.of(), Map.of());
        assertEquals(1, s.problems().size(), s.problems().toString());
        assertTrue(s.problems().getFirst().startsWith(file + ":6:18: "), s.problems().getFirst());
        assertTrue(s.problems().getFirst().contains("alias"), s.problems().getFirst());
        assertEquals(2.0, s.section("host", HostSettings.class).periodSeconds(), "the defaults apply");
    }

    @Test
    void playbooksMayReadNoFolderUntilTheAnalystAddsOne() {
        var ps = Settings.defaults().section("playbooks", io.vigil.playbook.PlaybookSettings.class);
        assertEquals(java.util.List.of(), ps.allowedRoots(), "not ~: that would include ~/.ssh and ~/.aws");
    }

    @Test
    void tildeMeansHomeFromTheEnvironmentLikeEveryShellTool() {
        Path home = io.vigil.playbook.SensitivePaths.home("/srv/analyst", "/home/account");
        assertEquals(Path.of("/srv/analyst"), home);
        assertEquals(Path.of("/home/account"), io.vigil.playbook.SensitivePaths.home(null, "/home/account"));
        assertEquals(Path.of("/home/account"), io.vigil.playbook.SensitivePaths.home("relative", "/home/account"));
        var ps = new io.vigil.playbook.PlaybookSettings(java.util.List.of("~", "~/models", "/data"), "", 512, 120, "");
        assertEquals(java.util.List.of(home, home.resolve("models"), Path.of("/data")), ps.roots(home));
        assertEquals(Path.of("/srv/analyst"), AppPaths.home(Map.of("HOME", "/srv/analyst"),
                Map.of("user.home", "/home/account")));
        assertEquals(Path.of("/srv/analyst/.config/vigil"), AppPaths.resolve(Map.of("HOME", "/srv/analyst"),
                Map.of("os.name", "Linux", "user.home", "/home/account")).configDir());
    }

    @Test
    void pathsFollowXdgAndOverrides() {
        Map<String, String> linux = Map.of("os.name", "Linux", "user.home", "/home/ana");
        assertEquals(Path.of("/home/ana/.config/vigil"), AppPaths.resolve(Map.of(), linux).configDir());
        assertEquals(Path.of("/home/ana/.local/share/vigil"), AppPaths.resolve(Map.of(), linux).dataDir());
        assertEquals(Path.of("/x/vigil"), AppPaths.resolve(Map.of("XDG_CONFIG_HOME", "/x"), linux).configDir());
        assertEquals(Path.of("/home/ana/.config/vigil"), AppPaths.resolve(Map.of("XDG_CONFIG_HOME", "relative"), linux).configDir());
        assertEquals(Path.of("/env"), AppPaths.resolve(Map.of("VIGIL_DATA_DIR", "/env"), linux).dataDir());
        Map<String, String> withProp = new java.util.HashMap<>(linux);
        withProp.put("vigil.data.dir", "/prop");
        assertEquals(Path.of("/prop"), AppPaths.resolve(Map.of("VIGIL_DATA_DIR", "/env"), withProp).dataDir());
        Map<String, String> windows = Map.of("os.name", "Windows 11", "user.home", "C:\\Users\\ana");
        assertTrue(AppPaths.resolve(Map.of("APPDATA", "C:\\Users\\ana\\AppData\\Roaming"), windows).configDir().toString().endsWith("Vigil"));
    }
}
