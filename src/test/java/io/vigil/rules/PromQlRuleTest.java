package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetException;
import io.vigil.fleet.PromQlQuery;
import io.vigil.host.HostSnapshot;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.SeriesStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** promql: rules: the syntax accepted, and firing / resolving through the poller with a fake PromQL query. */
class PromQlRuleTest {

    static final String EXPR = "sum by (model_name) (rate(vllm:request_success_total[5m]))";

    final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T12:00:00Z"));
    final SeriesStore store = new SeriesStore(100_000);

    /** A PromQL query that answers from a map the test changes, counting its calls. */
    static final class FakeQuery implements PromQlQuery {
        final Map<String, List<Value>> answers = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, FleetException> failures = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();
        final List<Instant> times = new ArrayList<>();

        @Override
        public List<Value> query(String expression, Instant at) throws FleetException {
            calls.incrementAndGet();
            times.add(at);
            FleetException f = failures.get(expression);
            if (f != null) {
                throw f;
            }
            return answers.getOrDefault(expression, List.of());
        }
    }

    static List<Rule> rules(String yaml) throws RuleFileException {
        return new RuleFile().parse("rules.yaml", yaml);
    }

    Evaluation step(PromQlRuleSource source, Evaluator e) throws Exception {
        PollResult r = source.poll(clock.instant());
        r.samples().forEach(store::append);
        Evaluation ev = e.tick();
        clock.advance(Duration.ofSeconds(15));
        return ev;
    }

    @Test
    void aPromQlRuleFiresAfterForAndResolvesBelowItsClearThreshold() throws Exception {
        List<Rule> rules = rules("""
                rules:
                  - id: vllm-traffic-high
                    promql: 'sum by (model_name) (rate(vllm:request_success_total[5m]))'
                    reducer: last
                    window: 1m
                    critical: 100
                    clear: 80
                    for: 30s
                    labels: {team: inference}
                """);
        FakeQuery q = new FakeQuery();
        PromQlRuleSource source = new PromQlRuleSource(q, () -> rules, Duration.ofSeconds(15));
        Evaluator e = new Evaluator(clock, MetricReader.of(store), DetectorInputs.none().withPromQl(source));
        e.setRules(rules);

        q.answers.put(EXPR, List.of(new PromQlQuery.Value(Map.of("model_name", "llama-3-70b"), 40),
                new PromQlQuery.Value(Map.of("model_name", "mistral-7b"), 12)));
        assertEquals(0, step(source, e).active().size());

        q.answers.put(EXPR, List.of(new PromQlQuery.Value(Map.of("model_name", "llama-3-70b"), 250),
                new PromQlQuery.Value(Map.of("model_name", "mistral-7b"), 12)));
        assertEquals(InstancePhase.PENDING, step(source, e).active().getFirst().phase());
        step(source, e);
        Evaluation ev = step(source, e);
        assertEquals(1, ev.active().size(), ev.active().toString());
        RuleInstance i = ev.active().getFirst();
        assertEquals(InstancePhase.FIRING, i.phase(), "30 s past the first breach");
        assertEquals(Map.of("model_name", "llama-3-70b"), i.identity());
        assertEquals("inference", i.labels().get("team"));
        assertEquals(Severity.CRITICAL, i.severity());
        assertEquals(250, i.value());
        assertEquals("vllm-traffic-high / model_name llama-3-70b", i.subject());

        q.answers.put(EXPR, List.of(new PromQlQuery.Value(Map.of("model_name", "llama-3-70b"), 90)));
        assertEquals(1, step(source, e).active().size(), "between clear (80) and critical (100): still firing");
        q.answers.put(EXPR, List.of(new PromQlQuery.Value(Map.of("model_name", "llama-3-70b"), 70)));
        assertEquals(0, step(source, e).active().size(), "below clear: resolved");
        assertEquals(clock.instant().minusSeconds(15), q.times.getLast(), "queried at the clock's time");
    }

    @Test
    void rulesSharingAnExpressionQueryItOnceAndAResultLabelCannotRouteToAnotherRule() throws Exception {
        List<Rule> rules = rules("""
                rules:
                  - {id: a, promql: 'up{job="dcgm"}', reducer: last, critical: 0, condition: "<="}
                  - {id: b, promql: 'up{job="dcgm"}', reducer: last, warning: 2}
                  - {id: off, promql: 'up', enabled: false, warning: 1}
                """);
        FakeQuery q = new FakeQuery();
        q.answers.put("up{job=\"dcgm\"}", List.of(new PromQlQuery.Value(Map.of("instance", "n1:9400", "rule", "b"), 0),
                new PromQlQuery.Value(Map.of("instance", "n2:9400"), Double.NaN)));
        PromQlRuleSource source = new PromQlRuleSource(q, () -> rules, Duration.ofSeconds(15));
        PollResult r = source.poll(clock.instant());
        assertEquals(1, q.calls.get(), "one query for the two rules, none for the disabled one");
        List<String> ids = r.samples().stream().map(s -> s.metric().toString()).sorted().toList();
        assertEquals(List.of("promql{exported_rule=\"b\",instance=\"n1:9400\",rule=\"a\"}",
                "promql{exported_rule=\"b\",instance=\"n1:9400\",rule=\"b\"}"), ids, "NaN dropped");
    }

    @Test
    void prometheusRefusingTheExpressionIsTheRulesErrorWithItsName() throws Exception {
        List<Rule> rules = rules("""
                rules:
                  - {id: bad-one, promql: 'rate(foo[5m])', warning: 1}
                  - {id: good-one, promql: 'up', reducer: last, warning: 0.5}
                """);
        FakeQuery q = new FakeQuery();
        q.failures.put("rate(foo[5m])", new FleetException(FleetException.Kind.BAD_QUERY,
                "1:6: parse error: unknown function with name \"rate\""));
        q.answers.put("up", List.of(new PromQlQuery.Value(Map.of(), 1)));
        PromQlRuleSource source = new PromQlRuleSource(q, () -> rules, Duration.ofSeconds(15));
        Evaluator e = new Evaluator(clock, MetricReader.of(store), DetectorInputs.none().withPromQl(source));
        e.setRules(rules);
        PollResult r = source.poll(clock.instant());
        r.samples().forEach(store::append);
        assertTrue(r.health().reason().contains("rule bad-one"), r.health().reason());
        Evaluation ev = e.tick();
        RuleStatus bad = ev.statuses().get("bad-one");
        assertEquals("error", bad.state());
        assertTrue(bad.lastError().startsWith("rule bad-one: Prometheus refused the expression (bad_data): 1:6: parse error"),
                bad.lastError());
        assertEquals("firing", ev.statuses().get("good-one").state(), "the other rule still evaluates");
    }

    @Test
    void prometheusUnreachableForEveryExpressionMarksTheSourceDown() throws Exception {
        List<Rule> rules = rules("rules:\n  - {id: x, promql: 'up', warning: 1}\n");
        FakeQuery q = new FakeQuery();
        q.failures.put("up", new FleetException(FleetException.Kind.UNREACHABLE,
                "Prometheus at http://127.0.0.1:9/ cannot be reached: connection refused"));
        PromQlRuleSource source = new PromQlRuleSource(q, () -> rules, Duration.ofSeconds(15));
        FleetException ex = assertThrows(FleetException.class, () -> source.poll(clock.instant()));
        assertTrue(ex.getMessage().contains("connection refused"));
        assertEquals("rule x: Prometheus at http://127.0.0.1:9/ cannot be reached: connection refused",
                source.errors().get("x"));
    }

    @Test
    void theSyntaxAcceptedIsPrometheusesForTheCommonForms() {
        for (String ok : List.of(EXPR, "up", "up == 0", "sum(rate(x[5m])) by (job)", "x unless on(a) y",
                "x * on(instance) group_left(node) y", "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
                "max_over_time(x[1h:5m])", "rate(x[5m]) offset 1h", "x > bool 5", "-x + 1e3", "x @ 1609746000",
                "label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")", "{__name__=~\"DCGM_FI_.*\",gpu!=\"\"}",
                "topk(5, DCGM_FI_DEV_GPU_UTIL{Hostname=~'gpu-.*'})", "avg_over_time(x[1h:])", "count(x) > 0x10",
                "vector(1) # a comment")) {
            assertEquals(java.util.Optional.empty(), PromQlSyntax.check(ok), ok);
        }
    }

    @Test
    void syntaxErrorsAreReportedAtTheirLineAndColumnInTheFile() {
        RuleFileException ex = assertThrows(RuleFileException.class, () -> rules("""
                rules:
                  - id: unbalanced
                    promql: 'sum(rate(x[5m])'
                    warning: 1
                  - id: bad-range
                    promql: rate(x[5]) > 0
                    warning: 1
                  - id: unquoted
                    promql: "up{job=dcgm}"
                    warning: 1
                  - id: both
                    metric: host.cpu.percent
                    promql: up
                    warning: 1
                  - id: block
                    promql: |
                      sum by (job) (
                        up{job="x"} * / 1
                      )
                    warning: 1
                """));
        List<String> got = ex.problems().stream().map(p -> p.line() + ":" + p.column() + " " + p.message()).toList();
        assertEquals(5, got.size(), String.join("\n", got));
        assertTrue(got.get(0).startsWith("3:17 rule 'unbalanced': promql: '(' is never closed"), got.get(0));
        assertTrue(got.get(1).startsWith("6:20 rule 'bad-range': promql: expected a duration like 5m in […], got '5'"),
                got.get(1));
        assertTrue(got.get(2).startsWith("9:21 rule 'unquoted': promql: expected a quoted label value"), got.get(2));
        assertTrue(got.get(3).contains("has both 'metric:' and 'promql:'"), got.get(3));
        assertTrue(got.get(4).startsWith("18:23 rule 'block': promql: two operators in a row"), got.get(4));
    }
}
