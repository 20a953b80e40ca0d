package io.vigil.inventory;

import java.util.List;
import java.util.Locale;

/**
 * How a service is probed: the read-only API paths asked on loopback, in order, and the JSON field
 * an unauthenticated answer is expected to carry (so a page that merely answers 200 is not mistaken
 * for the service).
 */
public enum ProbeKind {
    /** {@code /api/status} and {@code /api/kernels} answer without a token only on an open server. */
    JUPYTER(List.of("/api/status", "/api/kernels"), List.of("started", "kernels", "id", "[]")),
    TENSORBOARD(List.of("/data/environment"), List.of("data_location", "window_title")),
    MLFLOW(List.of("/api/2.0/mlflow/experiments/search?max_results=1"), List.of("experiments", "{}")),
    RAY(List.of("/api/version"), List.of("ray_version")),
    OLLAMA(List.of("/api/tags"), List.of("models")),
    /** OpenAI-compatible servers (vLLM, TGI, llama.cpp) list models; Triton answers {@code /v2}. */
    OPENAI(List.of("/v1/models", "/v2"), List.of("data", "extensions")),
    NONE(List.of(), List.of());

    private final List<String> paths;
    private final List<String> expectedFields;

    ProbeKind(List<String> paths, List<String> expectedFields) {
        this.paths = paths;
        this.expectedFields = expectedFields;
    }

    public List<String> paths() {
        return paths;
    }

    /**
     * Top-level JSON fields that identify the service's answer; {@code "[]"} accepts a JSON array,
     * {@code "{}"} any JSON object.
     */
    public List<String> expectedFields() {
        return expectedFields;
    }

    public static ProbeKind parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
