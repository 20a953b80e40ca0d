package io.vigil.ui.settings;

import java.util.List;

/**
 * The outcome of re-reading {@code settings.yaml}: the settings now in effect as YAML, the problems
 * found (each "file:line:column: key: what is wrong", as at start), the changes applied to the
 * running console, the sections whose changes wait for a restart, and the action that applies the
 * live changes (run on the FX thread). Immutable.
 */
public record SettingsReload(String effectiveYaml, List<String> problems, List<String> appliedLive,
                             List<String> needRestart, Runnable applyOnFxThread) {

    public SettingsReload {
        problems = List.copyOf(problems);
        appliedLive = List.copyOf(appliedLive);
        needRestart = List.copyOf(needRestart);
    }
}
