package io.vigil.scenario;

import io.vigil.cloud.AlarmState;
import io.vigil.cloud.BillingReadings;
import io.vigil.cloud.BillingSnapshot;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Source {@code cloudwatch} of a scenario replay, standing in for CloudWatch: the
 * {@code cloudwatch.*} curves and {@code cloudwatch.alarm.in_alarm{alarm}} for the rules, and the
 * same {@link BillingSnapshot} the Cloud view reads from AWS (ADR 0850): the EstimatedCharges curve
 * (published on the hour, as AWS does a few times a day) and each scenario alarm as OK or ALARM with
 * the reason CloudWatch would give. No request leaves the machine.
 *
 * <p>Thread-safe: {@link #poll} runs on one thread at a time; {@link #latest()} from any thread.
 */
public final class ScenarioBillingSource implements Source, BillingReadings {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String ESTIMATED_CHARGES = "EstimatedCharges";

    private final Scenario scenario;
    private final Duration period;
    private volatile BillingSnapshot latest = BillingSnapshot.empty();

    public ScenarioBillingSource(Scenario scenario, Duration period) {
        this.scenario = scenario;
        this.period = period;
    }

    @Override
    public String id() {
        return "cloudwatch";
    }

    @Override
    public String displayName() {
        return "CloudWatch (scenario)";
    }

    @Override
    public Duration period() {
        return period;
    }

    @Override
    public BillingSnapshot latest() {
        return latest;
    }

    @Override
    public PollResult poll(Instant now) {
        long t = now.toEpochMilli();
        long offset = scenario.offsetMillis(now);
        List<Sample> out = new ArrayList<>(scenario.samplesOf("cloudwatch.", now, false));
        for (Scenario.Alarm a : scenario.alarms()) {
            out.add(Sample.of(MetricId.of("cloudwatch.alarm.in_alarm", "alarm", a.name()), t,
                    Scenario.alive(a.from(), a.to(), offset) ? 1 : 0));
        }
        latest = snapshot(scenario.virtualNow(now), offset);
        return PollResult.ok(out);
    }

    BillingSnapshot snapshot(Instant at, long offset) {
        Optional<Curve> charges = scenario.curve(MetricId.of("cloudwatch.billing.estimated_charges"));
        OptionalDouble chargesUsd = charges.isPresent() ? OptionalDouble.of(charges.get().at(offset)) : OptionalDouble.empty();
        List<AlarmState> alarms = new ArrayList<>();
        for (Scenario.Alarm a : scenario.alarms()) {
            boolean in = Scenario.alive(a.from(), a.to(), offset);
            boolean billing = ESTIMATED_CHARGES.equals(a.metric());
            String namespace = billing ? "AWS/Billing" : "AWS/EC2";
            String reason;
            if (billing && chargesUsd.isPresent()) {
                reason = String.format(Locale.ROOT, "Threshold Crossed: 1 datapoint [%.2f] was %sgreater than the "
                        + "threshold (%.1f).", chargesUsd.getAsDouble(), in ? "" : "not ", a.threshold());
            } else {
                reason = in ? "Threshold Crossed: the datapoint was greater than the threshold ("
                        + a.threshold() + ")." : "Threshold not crossed.";
            }
            // The state changed when the alarm went in, or (back to OK) when it came out of ALARM.
            Instant changed = scenario.start().plus(in ? a.from() : offset >= a.to().toMillis() ? a.to() : Duration.ZERO);
            alarms.add(new AlarmState(a.name(), "arn:aws:cloudwatch:" + REGION + ":" + ACCOUNT + ":alarm:" + a.name(),
                    in ? "ALARM" : "OK", reason, Optional.of(changed), namespace, a.metric(), REGION, billing));
        }
        alarms.sort(Comparator.comparing((AlarmState a) -> !a.billing()).thenComparing(a -> !a.inAlarm())
                .thenComparing(AlarmState::name));
        return new BillingSnapshot(Optional.of(at), chargesUsd, Optional.of(at.truncatedTo(ChronoUnit.HOURS)), alarms,
                Optional.empty());
    }
}
