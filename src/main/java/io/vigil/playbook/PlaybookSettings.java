package io.vigil.playbook;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code playbooks:} section of {@code settings.yaml}: the roots a {@code path} parameter may
 * point into, the evidence folder (empty: {@code <data dir>/evidence}), the output kept per step
 * (KiB), the timeout of a step that names none (seconds), and where programs are looked up
 * ({@code toolPath}, PATH syntax; empty: the environment's {@code PATH}).
 */
public record PlaybookSettings(List<String> allowedRoots, String evidenceDir, int outputCapKiB,
                               double defaultTimeoutSeconds, String toolPath) {

    @JsonCreator
    public PlaybookSettings(@JsonProperty("allowedRoots") List<String> allowedRoots,
                            @JsonProperty("evidenceDir") String evidenceDir,
                            @JsonProperty("outputCapKiB") Integer outputCapKiB,
                            @JsonProperty("defaultTimeoutSeconds") Double defaultTimeoutSeconds,
                            @JsonProperty("toolPath") String toolPath) {
        this(allowedRoots == null ? List.of() : List.copyOf(allowedRoots), evidenceDir == null ? "" : evidenceDir,
                outputCapKiB == null ? 512 : outputCapKiB, defaultTimeoutSeconds == null ? 120 : defaultTimeoutSeconds,
                toolPath == null ? "" : toolPath);
    }

    public PlaybookSettings {
        allowedRoots = List.copyOf(allowedRoots);
        if (outputCapKiB < 1 || outputCapKiB > 65536) {
            throw new IllegalArgumentException("playbooks.outputCapKiB must be between 1 and 65536, was " + outputCapKiB);
        }
        if (defaultTimeoutSeconds < 1) {
            throw new IllegalArgumentException("playbooks.defaultTimeoutSeconds must be at least 1, was "
                    + defaultTimeoutSeconds);
        }
    }

    /** The roots with {@code ~} expanded to {@code home}. */
    public List<Path> roots(Path home) {
        return allowedRoots.stream().filter(s -> !s.isBlank())
                .map(s -> s.equals("~") ? home : s.startsWith("~/") ? home.resolve(s.substring(2)) : Path.of(s))
                .toList();
    }

    public Path evidence(Path dataDir) {
        return evidenceDir.isBlank() ? dataDir.resolve("evidence") : Path.of(evidenceDir);
    }

    public ToolPath tools() {
        return toolPath.isBlank() ? ToolPath.fromEnvironment() : ToolPath.parse(toolPath);
    }

    public Duration defaultTimeout() {
        return Duration.ofMillis((long) (defaultTimeoutSeconds * 1000));
    }
}
