package io.vigil.scenario;

import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The AWS side of a scenario, as the {@code cost} or {@code cloudwatch} source: the same metric
 * names the Cost Explorer and CloudWatch sources publish ({@code cost.*} curves and one
 * {@code cost.anomaly.impact{id}} per open anomaly; {@code cloudwatch.*} curves and
 * {@code cloudwatch.alarm.in_alarm{alarm}}), so rules and tiles see an incident exactly as they would
 * see AWS. No request leaves the machine.
 */
public final class ScenarioCloudSource implements Source {

    /** Which of the two AWS sources this stands in for. */
    public enum Kind { COST, CLOUDWATCH }

    private final Scenario scenario;
    private final Kind kind;
    private final Duration period;

    public ScenarioCloudSource(Scenario scenario, Kind kind, Duration period) {
        this.scenario = scenario;
        this.kind = kind;
        this.period = period;
    }

    @Override
    public String id() {
        return kind == Kind.COST ? "cost" : "cloudwatch";
    }

    @Override
    public String displayName() {
        return kind == Kind.COST ? "AWS cost (scenario)" : "CloudWatch (scenario)";
    }

    @Override
    public Duration period() {
        return period;
    }

    @Override
    public PollResult poll(Instant now) {
        long t = now.toEpochMilli();
        long offset = scenario.offsetMillis(now);
        String prefix = kind == Kind.COST ? "cost." : "cloudwatch.";
        List<Sample> out = new ArrayList<>();
        scenario.series().forEach((id, curve) -> {
            if (id.name().startsWith(prefix)) {
                out.add(Sample.of(id, t, curve.at(offset)));
            }
        });
        if (kind == Kind.COST) {
            for (Scenario.CostAnomaly a : scenario.anomalies()) {
                if (offset >= a.from().toMillis()) {
                    out.add(Sample.of(MetricId.of("cost.anomaly.impact", "id", a.id()), t, a.impactUsd()));
                }
            }
        } else {
            for (Scenario.Alarm a : scenario.alarms()) {
                boolean inAlarm = Scenario.alive(a.from(), a.to(), offset);
                out.add(Sample.of(MetricId.of("cloudwatch.alarm.in_alarm", "alarm", a.name()), t, inAlarm ? 1 : 0));
            }
        }
        return PollResult.ok(out);
    }
}
