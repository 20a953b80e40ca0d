package io.vigil.rules;

import io.vigil.fleet.FleetException;
import io.vigil.fleet.PromQlQuery;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Evaluates the {@code promql:} rules' expressions through {@link PromQlQuery} on the fleet period
 * and publishes each result element as a series {@code promql{rule="<id>", <result labels>}}, so the
 * evaluator applies the rule's window, reducer, conditions, {@code for} and hysteresis exactly as for
 * any metric, and backtests replay the recorded results. Each distinct expression is queried once
 * per poll, however many rules share it. A failed expression (Prometheus's {@code bad_data}, a
 * timeout) is kept by rule id in {@link #errors()} with the rule's name, where the evaluator turns it
 * into the rule's evaluation error; the others still publish.
 *
 * <p>Expression results are remote input: at most {@link #MAX_RESULTS} elements per expression are
 * kept, NaN values are dropped, and a result label named {@code rule} is renamed
 * {@code exported_rule} so it cannot route a series to another rule. Polled by the scheduler, never
 * twice at once; {@link #errors()} is safe from any thread.
 */
public final class PromQlRuleSource implements Source {

    /** Result elements kept per expression: far above a dashboard's worth, bounded against a runaway query. */
    public static final int MAX_RESULTS = 2_000;

    private final PromQlQuery query;
    private final Supplier<List<Rule>> rules;
    private final Duration period;
    private volatile Map<String, String> errors = Map.of();

    /** {@code rules}: the rules in force (read each poll, so edits apply at the next one). */
    public PromQlRuleSource(PromQlQuery query, Supplier<List<Rule>> rules, Duration period) {
        this.query = query;
        this.rules = rules;
        this.period = period;
    }

    @Override
    public String id() {
        return "promql";
    }

    @Override
    public String displayName() {
        return "PromQL rules";
    }

    @Override
    public Duration period() {
        return period;
    }

    /** The last poll's error of each failing {@code promql:} rule, by rule id; empty when all answered. */
    public Map<String, String> errors() {
        return errors;
    }

    @Override
    public PollResult poll(Instant now) throws FleetException {
        Map<String, List<String>> rulesByExpression = new LinkedHashMap<>();
        for (Rule r : rules.get()) {
            if (r.isPromQl() && r.enabled()) {
                rulesByExpression.computeIfAbsent(r.promql(), e -> new ArrayList<>()).add(r.id());
            }
        }
        long t = now.toEpochMilli();
        List<Sample> samples = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        FleetException unreachable = null;
        int answered = 0;
        for (var e : rulesByExpression.entrySet()) {
            List<PromQlQuery.Value> values;
            try {
                values = query.query(e.getKey(), now);
                answered++;
            } catch (FleetException ex) {
                String names = String.join(", ", e.getValue());
                String message = "rule " + names + ": " + describe(ex);
                for (String ruleId : e.getValue()) {
                    failed.put(ruleId, "rule " + ruleId + ": " + describe(ex));
                }
                problems.add(message);
                if (ex.kind() != FleetException.Kind.BAD_QUERY) {
                    unreachable = ex;
                }
                continue;
            }
            if (values.size() > MAX_RESULTS) {
                problems.add("rule " + String.join(", ", e.getValue()) + ": the expression returned " + values.size()
                        + " series; only the first " + MAX_RESULTS + " are watched (aggregate it with sum by (…))");
                values = values.subList(0, MAX_RESULTS);
            }
            for (PromQlQuery.Value v : values) {
                if (Double.isNaN(v.value())) {
                    continue;
                }
                Map<String, String> labels = new TreeMap<>();
                v.labels().forEach((k, val) -> labels.put(k.equals("rule") ? "exported_rule" : k, val));
                for (String ruleId : e.getValue()) {
                    Map<String, String> withRule = new TreeMap<>(labels);
                    withRule.put("rule", ruleId);
                    samples.add(Sample.of(new MetricId(Rule.PROMQL_SERIES, withRule), t, v.value()));
                }
            }
        }
        errors = Map.copyOf(failed);
        if (answered == 0 && unreachable != null) {
            // Nothing answered and it is not the expressions' fault: the source is down, with Prometheus's reason.
            throw unreachable;
        }
        if (!problems.isEmpty()) {
            return new PollResult(samples, SourceHealth.degraded(problems.getFirst()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "")));
        }
        return PollResult.ok(samples);
    }

    private static String describe(FleetException e) {
        return switch (e.kind()) {
            case BAD_QUERY -> "Prometheus refused the expression (bad_data): " + e.getMessage();
            case TIMEOUT -> "the expression timed out in Prometheus: " + e.getMessage();
            default -> e.getMessage();
        };
    }
}
