package io.vigil.cloud;

import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import io.vigil.telemetry.Source;
import io.vigil.telemetry.SourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Source {@code cloudwatch}: the {@code AWS/Billing EstimatedCharges} metric (always read in
 * us-east-1, the only region that has it) and the states of CloudWatch metric alarms in the
 * configured region, plus the billing alarms of us-east-1 when the region differs. Default period
 * 5 minutes; CloudWatch requests are not Cost Explorer's paid ones.
 *
 * <p>Thread-safety: {@link #poll} runs on one thread at a time; {@link #latest()} and
 * {@link #statusDetails()} may be called from any thread.
 */
public final class CloudWatchSource implements Source, BillingReadings {

    static final String BILLING_NAMESPACE = "AWS/Billing";
    static final String ESTIMATED_CHARGES = "EstimatedCharges";
    /** AWS publishes EstimatedCharges every few hours; two days always hold the latest point. */
    static final Duration LOOKBACK = Duration.ofDays(2);
    private static final String SERVICE = "CloudWatch";

    private final AwsClients clients;
    private final CloudSettings settings;
    private int consecutiveFailures;
    private volatile BillingSnapshot latest = BillingSnapshot.empty();

    private final CredentialGate gate;

    public CloudWatchSource(AwsClients clients) {
        this(clients, CredentialGate.forEnvironment(System.getenv()));
    }

    /** @param gate holds polls back after refused credentials until the credential files change */
    public CloudWatchSource(AwsClients clients, CredentialGate gate) {
        this.clients = clients;
        this.settings = clients.settings();
        this.gate = gate;
    }

    /** "Retry now": the next poll sends even if refused credentials have not changed on disk. */
    @Override
    public void requestRetry() {
        gate.reset();
    }

    @Override
    public String id() {
        return "cloudwatch";
    }

    @Override
    public String displayName() {
        return "CloudWatch";
    }

    @Override
    public Duration period() {
        return settings.cloudWatch().period();
    }

    @Override
    public Duration pollTimeout() {
        return Duration.ofMinutes(2);
    }

    @Override
    public BillingSnapshot latest() {
        return latest;
    }

    @Override
    public PollResult poll(Instant now) throws SourceException {
        OptionalDouble charges;
        Optional<Instant> chargesAt;
        List<AlarmState> alarms = new ArrayList<>();
        Optional<AwsProblem> refused = gate.stillRefused(now);
        if (refused.isPresent()) {
            latest = latest.withProblem(refused.get());
            throw new SourceException(refused.get().message() + " (waiting for the AWS credential files to change)",
                    CredentialGate.RECHECK, null);
        }
        try {
            CloudWatchClient billing = clients.billingCloudWatch();
            GetMetricDataResponse r = billing.getMetricData(b -> b
                    .startTime(now.minus(LOOKBACK))
                    .endTime(now)
                    .scanBy(ScanBy.TIMESTAMP_DESCENDING)
                    .metricDataQueries(MetricDataQuery.builder().id("charges").returnData(true)
                            .metricStat(ms -> ms.stat("Maximum").period(21_600)
                                    .metric(m -> m.namespace(BILLING_NAMESPACE).metricName(ESTIMATED_CHARGES)
                                            .dimensions(Dimension.builder().name("Currency").value("USD").build())))
                            .build()));
            charges = OptionalDouble.empty();
            chargesAt = Optional.empty();
            for (MetricDataResult res : r.metricDataResults()) {
                // Pick the newest point whatever order the results came in.
                for (int i = 0; i < Math.min(res.timestamps().size(), res.values().size()); i++) {
                    Instant t = res.timestamps().get(i);
                    if (chargesAt.isEmpty() || t.isAfter(chargesAt.get())) {
                        chargesAt = Optional.of(t);
                        charges = OptionalDouble.of(res.values().get(i));
                    }
                }
            }
            alarms.addAll(readAlarms(clients.cloudWatch(), settings.region(), false));
            if (clients.alarmRegionDiffers()) {
                alarms.addAll(readAlarms(billing, AwsClients.BILLING_REGION.id(), true));
            }
        } catch (RuntimeException e) {
            consecutiveFailures++;
            AwsProblem p = AwsProblem.classify(e, SERVICE, clients.profileName(), consecutiveFailures);
            latest = latest.withProblem(p);
            throw new SourceException(p.message(), gate.failed(p, now), e);
        }
        consecutiveFailures = 0;
        gate.succeeded();
        alarms.sort(Comparator.comparing((AlarmState a) -> !a.billing())
                .thenComparing(a -> !a.inAlarm())
                .thenComparing(AlarmState::name));
        latest = new BillingSnapshot(Optional.of(now), charges, chargesAt, alarms, Optional.empty());

        long t = now.toEpochMilli();
        List<Sample> samples = new ArrayList<>();
        charges.ifPresent(v -> samples.add(Sample.of(CostMetrics.ESTIMATED_CHARGES_ID, t, v)));
        for (AlarmState a : alarms) {
            samples.add(Sample.of(MetricId.of(CostMetrics.ALARM_IN_ALARM, "alarm", a.name()), t, a.inAlarm() ? 1 : 0));
        }
        return PollResult.ok(samples);
    }

    /** Metric alarms of one region; {@code billingOnly} keeps those on AWS/Billing. */
    private static List<AlarmState> readAlarms(CloudWatchClient cw, String region, boolean billingOnly) {
        List<AlarmState> out = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            DescribeAlarmsResponse r = cw.describeAlarms(b -> b.nextToken(page).maxRecords(100));
            for (MetricAlarm a : r.metricAlarms()) {
                boolean billing = BILLING_NAMESPACE.equals(a.namespace());
                if (billingOnly && !billing) {
                    continue;
                }
                out.add(new AlarmState(a.alarmName(), a.alarmArn() == null ? "" : a.alarmArn(),
                        a.stateValueAsString(), a.stateReason() == null ? "" : a.stateReason(),
                        Optional.ofNullable(a.stateUpdatedTimestamp()), a.namespace() == null ? "" : a.namespace(),
                        a.metricName() == null ? "" : a.metricName(), region, billing));
            }
            token = r.nextToken();
        } while (token != null && !token.isEmpty());
        return out;
    }

    @Override
    public Map<String, Object> statusDetails() {
        BillingSnapshot s = latest;
        Map<String, Object> billing = new LinkedHashMap<>();
        billing.put("estimatedChargesUsd", s.estimatedChargesUsd().isPresent()
                ? CostExplorerSource.round2(s.estimatedChargesUsd().getAsDouble()) : null);
        billing.put("timestamp", s.estimatedChargesAt().map(Instant::toString).orElse(null));
        billing.put("region", AwsClients.BILLING_REGION.id());
        billing.put("asOf", s.asOf().map(Instant::toString).orElse(null));
        List<Map<String, Object>> alarms = new ArrayList<>();
        for (AlarmState a : s.alarms()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", a.name());
            m.put("state", a.state());
            m.put("billing", a.billing());
            m.put("region", a.region());
            alarms.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("billing", billing);
        out.put("alarms", alarms);
        s.problem().ifPresent(p -> out.put("problem", p.message()));
        return out;
    }

    @Override
    public void close() {
        clients.close();
    }
}
