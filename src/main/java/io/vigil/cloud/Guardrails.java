package io.vigil.cloud;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.costexplorer.model.AnomalyMonitor;
import software.amazon.awssdk.services.costexplorer.model.AnomalySubscriptionFrequency;
import software.amazon.awssdk.services.costexplorer.model.DimensionValues;
import software.amazon.awssdk.services.costexplorer.model.Expression;
import software.amazon.awssdk.services.costexplorer.model.GetAnomalyMonitorsResponse;
import software.amazon.awssdk.services.costexplorer.model.MatchOption;
import software.amazon.awssdk.services.costexplorer.model.MonitorDimension;
import software.amazon.awssdk.services.costexplorer.model.MonitorType;
import software.amazon.awssdk.services.costexplorer.model.Subscriber;
import software.amazon.awssdk.services.costexplorer.model.SubscriberType;

/**
 * AWS cost guardrails: a Cost Anomaly Detection monitor (dimensional, by service) with a
 * subscription that notifies an e-mail address or an SNS topic above an impact threshold, and a
 * CloudWatch alarm on {@code AWS/Billing EstimatedCharges} (in us-east-1, where billing metrics live).
 *
 * <p>Two steps so that nothing is created unseen: {@link #plan} validates the request and reads
 * (never writes) what exists, returning exactly what {@link #apply} will create; {@link #apply}
 * creates it and returns the ARNs. No UI here: the Cloud view and playbooks both call it, off the
 * UI thread (each call talks to AWS). Thread-safe (stateless apart from the shared clients).
 */
public final class Guardrails {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern SNS_ARN = Pattern.compile("^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,256}$");
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9 _.:/=+@-]{1,255}$");

    private final AwsClients clients;

    public Guardrails(AwsClients clients) {
        this.clients = clients;
    }

    /** How anomaly alerts are delivered. */
    public enum Channel {
        /** An e-mail address; AWS sends a daily summary (IMMEDIATE is only for SNS). */
        EMAIL,
        /** An SNS topic ARN; AWS publishes each anomaly at once. */
        SNS
    }

    /**
     * What the analyst asked for.
     *
     * @param name                     base name of the monitor, subscription and alarm
     * @param channel                  how anomaly alerts are delivered
     * @param address                  the e-mail address or SNS topic ARN
     * @param anomalyImpactThresholdUsd notify for anomalies with a total impact of at least this
     * @param billingAlarmThresholdUsd alarm when month-to-date EstimatedCharges exceed this
     */
    public record Request(String name, Channel channel, String address, double anomalyImpactThresholdUsd,
                          double billingAlarmThresholdUsd) {
    }

    /** One thing {@link #apply} will do: the API action and a sentence for the analyst. */
    public record Action(String apiAction, String description) {
    }

    /**
     * Exactly what {@link #apply} will create. {@code existingMonitorArn} is set when the account
     * already has a dimensional SERVICE monitor (AWS allows one), which is then reused.
     */
    public record Plan(Request request, Optional<String> existingMonitorArn, List<Action> actions) {
        public Plan {
            actions = List.copyOf(actions);
        }

        /** The actions as lines of text, for a confirmation dialog or a playbook's dry run. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (Action a : actions) {
                sb.append("• ").append(a.apiAction()).append(": ").append(a.description()).append('\n');
            }
            return sb.toString().strip();
        }
    }

    /** What {@link #apply} created. */
    public record Result(String monitorArn, boolean monitorReused, String subscriptionArn, String alarmName,
                         String alarmArn) {
    }

    /**
     * Validates {@code request} and looks up existing anomaly monitors (one paid Cost Explorer
     * request per page). Creates nothing.
     *
     * @throws IllegalArgumentException when the request is invalid, with what is wrong
     */
    public Plan plan(Request request) {
        validate(request);
        Optional<String> existing = findServiceMonitor(clients.costExplorer());
        List<Action> actions = new ArrayList<>();
        String monitorName = request.name() + "-services";
        if (existing.isEmpty()) {
            actions.add(new Action("ce:CreateAnomalyMonitor", "create the Cost Anomaly Detection monitor '"
                    + monitorName + "' (DIMENSIONAL, by SERVICE)"));
        } else {
            actions.add(new Action("(reuse)", "use the existing AWS services monitor " + existing.get()
                    + " (AWS allows one per account)"));
        }
        String frequency = frequency(request.channel()).toString();
        actions.add(new Action("ce:CreateAnomalySubscription", "create the subscription '" + request.name()
                + "-alerts': " + frequency + " alerts to " + request.channel() + " " + request.address()
                + " for anomalies with total impact ≥ $" + usd(request.anomalyImpactThresholdUsd())));
        actions.add(new Action("cloudwatch:PutMetricAlarm", "create the alarm '" + alarmName(request)
                + "' in us-east-1 when AWS/Billing EstimatedCharges (USD) > $" + usd(request.billingAlarmThresholdUsd())
                + (request.channel() == Channel.SNS ? ", notifying " + request.address() : " (no action: add an SNS topic to be notified)")));
        return new Plan(request, existing, actions);
    }

    /** Creates what {@code plan} lists, in its order, and returns the ARNs. */
    public Result apply(Plan plan) {
        Request r = plan.request();
        validate(r);
        CostExplorerClient ce = clients.costExplorer();
        String monitorArn;
        boolean reused = plan.existingMonitorArn().isPresent();
        if (reused) {
            monitorArn = plan.existingMonitorArn().get();
        } else {
            monitorArn = ce.createAnomalyMonitor(b -> b.anomalyMonitor(AnomalyMonitor.builder()
                    .monitorName(r.name() + "-services")
                    .monitorType(MonitorType.DIMENSIONAL)
                    .monitorDimension(MonitorDimension.SERVICE)
                    .build())).monitorArn();
        }
        String subscriptionArn = ce.createAnomalySubscription(b -> b.anomalySubscription(s -> s
                .subscriptionName(r.name() + "-alerts")
                .monitorArnList(monitorArn)
                .frequency(frequency(r.channel()))
                .subscribers(Subscriber.builder()
                        .type(r.channel() == Channel.SNS ? SubscriberType.SNS : SubscriberType.EMAIL)
                        .address(r.address()).build())
                .thresholdExpression(Expression.builder().dimensions(DimensionValues.builder()
                        .key("ANOMALY_TOTAL_IMPACT_ABSOLUTE")
                        .matchOptions(MatchOption.GREATER_THAN_OR_EQUAL)
                        .values(usd(r.anomalyImpactThresholdUsd())).build()).build()))).subscriptionArn();

        CloudWatchClient cw = clients.billingCloudWatch();
        String alarmName = alarmName(r);
        cw.putMetricAlarm(b -> {
            b.alarmName(alarmName)
                    .alarmDescription("Created by Vigil: month-to-date estimated AWS charges above $"
                            + usd(r.billingAlarmThresholdUsd()))
                    .namespace(CloudWatchSource.BILLING_NAMESPACE)
                    .metricName(CloudWatchSource.ESTIMATED_CHARGES)
                    .dimensions(Dimension.builder().name("Currency").value("USD").build())
                    .statistic(Statistic.MAXIMUM)
                    .period(21_600)
                    .evaluationPeriods(1)
                    .threshold(r.billingAlarmThresholdUsd())
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .treatMissingData("notBreaching");
            if (r.channel() == Channel.SNS) {
                b.alarmActions(r.address());
            }
        });
        // PutMetricAlarm returns no ARN; read it back.
        String alarmArn = cw.describeAlarms(b -> b.alarmNames(alarmName)).metricAlarms().stream()
                .map(MetricAlarm::alarmArn).findFirst().orElse("");
        return new Result(monitorArn, reused, subscriptionArn, alarmName, alarmArn);
    }

    private static Optional<String> findServiceMonitor(CostExplorerClient ce) {
        String token = null;
        do {
            String page = token;
            GetAnomalyMonitorsResponse r = ce.getAnomalyMonitors(b -> b.nextPageToken(page));
            for (AnomalyMonitor m : r.anomalyMonitors()) {
                if (m.monitorType() == MonitorType.DIMENSIONAL && m.monitorDimension() == MonitorDimension.SERVICE) {
                    return Optional.of(m.monitorArn());
                }
            }
            token = r.nextPageToken();
        } while (token != null && !token.isEmpty());
        return Optional.empty();
    }

    static AnomalySubscriptionFrequency frequency(Channel channel) {
        return channel == Channel.SNS ? AnomalySubscriptionFrequency.IMMEDIATE : AnomalySubscriptionFrequency.DAILY;
    }

    static String alarmName(Request r) {
        return r.name() + "-estimated-charges";
    }

    static void validate(Request r) {
        if (r.name() == null || !NAME.matcher(r.name()).matches() || r.name().length() > 200) {
            throw new IllegalArgumentException("name: use 1–200 letters, digits, spaces or _.:/=+@- (was '"
                    + r.name() + "')");
        }
        if (r.channel() == null) {
            throw new IllegalArgumentException("channel: choose EMAIL or SNS");
        }
        if (r.address() == null || (r.channel() == Channel.EMAIL ? !EMAIL.matcher(r.address()).matches()
                : !SNS_ARN.matcher(r.address()).matches())) {
            throw new IllegalArgumentException(r.channel() == Channel.EMAIL
                    ? "address: expected an e-mail address like soc@example.com, was '" + r.address() + "'"
                    : "address: expected an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:cost-alerts, was '"
                            + r.address() + "'");
        }
        if (!(r.anomalyImpactThresholdUsd() > 0) || Double.isInfinite(r.anomalyImpactThresholdUsd())) {
            throw new IllegalArgumentException("anomaly threshold: expected an amount in USD above 0");
        }
        if (!(r.billingAlarmThresholdUsd() > 0) || Double.isInfinite(r.billingAlarmThresholdUsd())) {
            throw new IllegalArgumentException("billing alarm threshold: expected an amount in USD above 0");
        }
    }

    private static String usd(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
