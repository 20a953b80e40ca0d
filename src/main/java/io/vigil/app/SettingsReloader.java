package io.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.alerts.AlertSettings;
import io.vigil.cloud.CloudSettings;
import io.vigil.fleet.FleetSettings;
import io.vigil.gpu.GpuSettings;
import io.vigil.host.HostSettings;
import io.vigil.inventory.InventorySettings;
import io.vigil.playbook.AuditSettings;
import io.vigil.playbook.PlaybookSettings;
import io.vigil.ui.settings.SettingsReload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The Settings view's "Reload": reads {@code settings.yaml} again as at start (same precedence,
 * same messages with file:line:column, each section bound to its record so a bad value is found
 * now rather than at the next start), then sorts the changes into those the running console takes
 * at once ({@link Live}) and the sections whose services must be rebuilt.
 *
 * <p>{@link #reload()} reads a file: call it off the FX thread. The returned action applies the
 * live part and must run on the FX thread. Thread-safe.
 */
final class SettingsReloader {

    /** What changes without a restart: screen refreshes per second, notification pop-ups and sound. */
    record Live(double refreshHz, boolean popups, boolean sound) {

        static Live of(Settings s, AlertSettings alerts) {
            return new Live(SettingsReloader.refreshHz(s.tree()), alerts.desktopNotifications(), alerts.sound());
        }
    }

    /** Every section bound to a record at start, in the file's order. */
    static final Map<String, Class<?>> SECTIONS = sections();
    /** Keys applied live, per section: left out when deciding whether a section needs a restart. */
    private static final Map<String, List<String>> LIVE_KEYS = Map.of(
            "ui", List.of("refreshHz"),
            "alerts", List.of("desktopNotifications", "sound"));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final AppPaths paths;
    private final Settings running;
    private final Consumer<Live> apply;
    private volatile Live applied;

    /**
     * @param running the settings the wiring was built with
     * @param applied the live values in use now
     * @param apply   puts new live values into effect (FX thread)
     */
    SettingsReloader(AppPaths paths, Settings running, Live applied, Consumer<Live> apply) {
        this.paths = paths;
        this.running = running;
        this.applied = applied;
        this.apply = apply;
    }

    private static Map<String, Class<?>> sections() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("host", HostSettings.class);
        m.put("gpu", GpuSettings.class);
        m.put("alerts", AlertSettings.class);
        m.put("playbooks", PlaybookSettings.class);
        m.put("audit", AuditSettings.class);
        m.put("inventory", InventorySettings.class);
        m.put("cloud", CloudSettings.class);
        m.put("fleet", FleetSettings.class);
        return m;
    }

    static double refreshHz(JsonNode tree) {
        double hz = tree.path("ui").path("refreshHz").asDouble(UiSettings.DEFAULT_REFRESH_HZ);
        return Math.max(1, Math.min(hz, 30));
    }

    /** Reads the file again. Blocking (file I/O): never on the FX thread. */
    SettingsReload reload() {
        Settings fresh = Wiring.loadSettings(paths);
        List<String> problems = new ArrayList<>(fresh.problems());
        if (!fresh.problems().isEmpty()) {
            // The file as a whole cannot be read: everything keeps running as it is.
            return new SettingsReload(yaml(running.tree()), problems, List.of(), List.of(), () -> { });
        }
        AlertSettings alerts = null;
        for (var e : SECTIONS.entrySet()) {
            try {
                Object bound = fresh.section(e.getKey(), e.getValue(), problems::add);
                if (bound instanceof AlertSettings a) {
                    alerts = a;
                }
            } catch (RuntimeException badDefaults) {
                problems.add(e.getKey() + ": " + badDefaults.getMessage());
            }
        }
        JsonNode now = fresh.tree();
        Live before = applied;
        Live next = new Live(refreshHz(now), alerts == null ? before.popups() : alerts.desktopNotifications(),
                alerts == null ? before.sound() : alerts.sound());
        List<String> live = new ArrayList<>();
        describe(live, "ui.refreshHz", before.refreshHz(), next.refreshHz());
        describe(live, "alerts.desktopNotifications", before.popups(), next.popups());
        describe(live, "alerts.sound", before.sound(), next.sound());
        return new SettingsReload(yaml(now), problems, live, needRestart(running.tree(), now), () -> {
            applied = next;
            apply.accept(next);
        });
    }

    /** Top-level sections that differ from what the wiring runs with, live keys left out. */
    static List<String> needRestart(JsonNode was, JsonNode now) {
        TreeSet<String> names = new TreeSet<>();
        was.fieldNames().forEachRemaining(names::add);
        now.fieldNames().forEachRemaining(names::add);
        List<String> changed = new ArrayList<>();
        for (String name : names) {
            if (!Objects.equals(withoutLive(name, was.get(name)), withoutLive(name, now.get(name)))) {
                changed.add(name);
            }
        }
        return changed;
    }

    private static JsonNode withoutLive(String section, JsonNode node) {
        if (node instanceof ObjectNode obj && LIVE_KEYS.containsKey(section)) {
            ObjectNode copy = obj.deepCopy();
            copy.remove(LIVE_KEYS.get(section));
            return copy;
        }
        return node;
    }

    private static void describe(List<String> out, String key, Object was, Object now) {
        if (!was.equals(now)) {
            out.add(key + " " + show(was) + " → " + show(now));
        }
    }

    private static String show(Object v) {
        return v instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(v);
    }

    private static String yaml(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (Exception e) {
            return "(cannot print settings: " + e.getMessage() + ")";
        }
    }
}
