package io.vigil.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where Vigil keeps its files: the config directory ({@code settings.yaml}, {@code rules.yaml},
 * {@code playbooks/}) and the data directory ({@code vigil.db}, evidence, logs).
 *
 * <p>Defaults follow each OS's convention (XDG on Linux, {@code %APPDATA%} on Windows,
 * {@code ~/Library/Application Support} on macOS). The environment variables
 * {@code VIGIL_CONFIG_DIR} / {@code VIGIL_DATA_DIR} override them, and the system properties
 * {@code vigil.config.dir} / {@code vigil.data.dir} override those.
 */
public record AppPaths(Path configDir, Path dataDir) {

    public static AppPaths resolve(Map<String, String> env, Map<String, String> sysProps) {
        String os = sysProps.getOrDefault("os.name", "").toLowerCase(Locale.ROOT);
        Path home = home(env, sysProps);
        Path config;
        Path data;
        if (os.contains("win")) {
            Path appData = env.containsKey("APPDATA") ? Path.of(env.get("APPDATA")) : home.resolve("AppData/Roaming");
            Path local = env.containsKey("LOCALAPPDATA") ? Path.of(env.get("LOCALAPPDATA")) : home.resolve("AppData/Local");
            config = appData.resolve("Vigil");
            data = local.resolve("Vigil");
        } else if (os.contains("mac")) {
            config = home.resolve("Library/Application Support/Vigil");
            data = config;
        } else {
            config = xdg(env, "XDG_CONFIG_HOME", home.resolve(".config")).resolve("vigil");
            data = xdg(env, "XDG_DATA_HOME", home.resolve(".local/share")).resolve("vigil");
        }
        config = override(config, env.get("VIGIL_CONFIG_DIR"), sysProps.get("vigil.config.dir"));
        data = override(data, env.get("VIGIL_DATA_DIR"), sysProps.get("vigil.data.dir"));
        return new AppPaths(config, data);
    }

    /**
     * The home folder, the same everywhere Vigil expands {@code ~}: {@code HOME} when it is an
     * absolute path (what shells and XDG use), else {@code user.home} (the account's home).
     */
    public static Path home(Map<String, String> env, Map<String, String> sysProps) {
        return io.vigil.playbook.SensitivePaths.home(env.get("HOME"), sysProps.getOrDefault("user.home", "."));
    }

    public static AppPaths fromSystem() {
        Map<String, String> props = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return resolve(System.getenv(), props);
    }

    private static Path xdg(Map<String, String> env, String name, Path fallback) {
        String v = env.get(name);
        // The XDG spec says a relative value is invalid and must be ignored.
        return v != null && !v.isBlank() && Path.of(v).isAbsolute() ? Path.of(v) : fallback;
    }

    private static Path override(Path base, String fromEnv, String fromProp) {
        if (fromProp != null && !fromProp.isBlank()) {
            return Path.of(fromProp);
        }
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        return base;
    }

    public Path settingsFile() {
        return configDir.resolve("settings.yaml");
    }

    public Path databaseFile() {
        return dataDir.resolve("vigil.db");
    }
}
