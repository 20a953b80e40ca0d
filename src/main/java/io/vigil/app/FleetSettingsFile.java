package io.vigil.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.ui.fleet.FleetEndpointForm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the Fleet view's first-run form into {@code settings.yaml} as its {@code fleet:} section
 * (the shape {@link io.vigil.fleet.FleetSettings} reads), keeping every other line (comments
 * included) as it is. The section replaces an existing one;
 * {@code periodSeconds} and {@code windowMinutes} keep their values from the file when set. The
 * secret is written as the reference the user gave ({@code env:NAME} or a path), never a secret.
 * The file is replaced atomically, owner-only, and only after the new text parsed as YAML. Call it
 * off the FX thread.
 */
public final class FleetSettingsFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private FleetSettingsFile() {
    }

    /** Writes {@code form} to {@code settingsFile} (created from the defaults if missing); returns the file. */
    public static Path write(Path settingsFile, FleetEndpointForm form) throws IOException {
        var problem = form.problem();
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        if (!Files.exists(settingsFile)) {
            Files.createDirectories(settingsFile.toAbsolutePath().getParent());
            try (InputStream in = Settings.class.getResourceAsStream(Settings.DEFAULTS_RESOURCE)) {
                Files.copy(in, settingsFile);
            }
        }
        String text = Files.readString(settingsFile, StandardCharsets.UTF_8);
        long period = 15;
        long window = 15;
        try {
            JsonNode tree = YAML.readTree(text);
            if (tree != null && tree.path("fleet").isObject()) {
                period = tree.path("fleet").path("periodSeconds").asLong(period);
                window = tree.path("fleet").path("windowMinutes").asLong(window);
            }
        } catch (JsonProcessingException e) {
            throw new IOException(settingsFile + " is not valid YAML (" + e.getOriginalMessage()
                    + "); fix it first, nothing was changed", e);
        }
        String updated = replaceSection(text, section(form, period, window));
        try {
            YAML.readTree(updated);
        } catch (JsonProcessingException e) {
            throw new IOException("the new " + settingsFile + " would not parse (" + e.getOriginalMessage()
                    + "); nothing was changed", e);
        }
        Path tmp = settingsFile.resolveSibling(settingsFile.getFileName() + ".tmp");
        Files.writeString(tmp, updated, StandardCharsets.UTF_8);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        }
        try {
            Files.move(tmp, settingsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, settingsFile, StandardCopyOption.REPLACE_EXISTING);
        }
        return settingsFile;
    }

    /** The {@code fleet:} section for one endpoint, values quoted (a JSON string is a YAML scalar). */
    static String section(FleetEndpointForm form, long periodSeconds, long windowMinutes) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("fleet:\n");
        sb.append("  # GPU servers read through Prometheus (written by the Fleet view's form). VIGIL_PROMETHEUS_URL\n");
        sb.append("  # sets prometheusUrl, which points at one Prometheus without auth and replaces the endpoints.\n");
        sb.append("  prometheusUrl: \"\"\n");
        sb.append("  # How often the whole fleet is read, in seconds; minutes of each fleet series kept in memory.\n");
        sb.append("  periodSeconds: ").append(periodSeconds).append('\n');
        sb.append("  windowMinutes: ").append(windowMinutes).append('\n');
        sb.append("  # Secrets (password, token) are env:NAME or the path of a file holding them, never the secret.\n");
        sb.append("  # auth type: none, basic, bearer, mtls (certFile, keyFile), sigv4 (region); caFile for a private CA.\n");
        sb.append("  endpoints:\n");
        sb.append("    - name: ").append(q(form.name())).append('\n');
        sb.append("      url: ").append(q(form.url())).append('\n');
        sb.append("      auth:\n");
        sb.append("        type: ").append(form.auth().yamlKind()).append('\n');
        switch (form.auth()) {
            case BASIC -> {
                sb.append("        username: ").append(q(form.username())).append('\n');
                sb.append("        password: ").append(q(form.secretRef())).append('\n');
            }
            case BEARER -> sb.append("        token: ").append(q(form.secretRef())).append('\n');
            case NONE -> { }
        }
        return sb.toString();
    }

    private static String q(String s) throws JsonProcessingException {
        return JSON.writeValueAsString(s);
    }

    /**
     * {@code text} with its top-level {@code fleet:} block replaced by {@code section}, or with
     * {@code section} appended when there is none. Comment lines at column 0 just before the next
     * top-level key belong to that key and are kept.
     */
    static String replaceSection(String text, String section) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("fleet:\\s*(#.*)?")) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            String sep = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
            return text + sep + (text.isEmpty() ? "" : "\n") + section;
        }
        int end = lines.size();
        for (int i = start + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isEmpty() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("#")) {
                end = i;
                break;
            }
        }
        while (end > start + 1 && end < lines.size() && (lines.get(end - 1).startsWith("#") || lines.get(end - 1).isBlank())) {
            end--;
        }
        List<String> out = new ArrayList<>(lines.subList(0, start));
        out.addAll(List.of(section.stripTrailing().split("\n")));
        if (end < lines.size()) {
            out.add("");
        }
        out.addAll(lines.subList(end, lines.size()));
        String joined = String.join("\n", out);
        return joined.endsWith("\n") ? joined : joined + "\n";
    }
}
