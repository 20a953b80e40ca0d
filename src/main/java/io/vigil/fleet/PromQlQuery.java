package io.vigil.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a PromQL expression at one instant, for rules that watch an expression
 * ({@code promql: 'sum by (model_name) (rate(vllm:request_success_total[5m]))'}). Implemented by the
 * Prometheus client; a scenario may stand in for it. Called from a source thread, never the FX
 * thread.
 */
public interface PromQlQuery {

    /** One element of an instant vector (or a scalar, with no labels). */
    record Value(Map<String, String> labels, double value) {
        public Value {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    List<Value> query(String expression, Instant at) throws FleetException;
}
