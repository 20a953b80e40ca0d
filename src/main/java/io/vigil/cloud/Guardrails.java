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
import software.amazon.awssdk.services.costexplorer.model.AnomalySubscription;
import software.amazon.awssdk.services.costexplorer.model.GetAnomalySubscriptionsResponse;
import software.amazon.awssdk.services.costexplorer.model.AnomalySubscriptionFrequency;
import software.amazon.awssdk.services.costexplorer.model.DimensionValues;
import software.amazon.awssdk.services.costexplorer.model.Expression;
import software.amazon.awssdk.services.costexplorer.model.GetAnomalyMonitorsResponse;
import software.amazon.awssdk.services.costexplorer.model.MatchOption;
import software.amazon.awssdk.services.costexplorer.model.MonitorDimension;
import software.amazon.awssdk.services.costexplorer.model.MonitorType;
import software.amazon.awssdk.services.costexplorer.model.Subscriber;

/**
 * AWS cost guardrails: a Cost Anomaly Detection monitor (dimensional, by service) with a
 * subscription that notifies an e-mail address or an SNS topic above an impact threshold, and a
 * CloudWatch alarm on {@code AWS/Billing EstimatedCharges} (in us-east-1, where billing metrics live).
 *
 * <p>Two steps so that nothing is changed unseen: {@link #plan} validates the request and reads
 * (never writes) the monitors, the subscription and the alarm that exist under the request's names,
 * returning a diff (create / update in place / unchanged); {@link #apply} executes exactly that.
 * Idempotent: a second run with the same request changes nothing. Existing subscribers and alarm
 * actions are kept (merged) unless the request says {@link Existing#REPLACE}, and then the plan
 * lists every one it removes. No UI here: the Cloud view and playbooks both call it, off the
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
     * @param existing                 what to do with notification targets already on the resources
     */
    public record Request(String name, Channel channel, String address, double anomalyImpactThresholdUsd,
                          double billingAlarmThresholdUsd, Existing existing) {
        /** A request that keeps every existing notification target ({@link Existing#MERGE}). */
        public Request(String name, Channel channel, String address, double anomalyImpactThresholdUsd,
                       double billingAlarmThresholdUsd) {
            this(name, channel, address, anomalyImpactThresholdUsd, billingAlarmThresholdUsd, Existing.MERGE);
        }
    }

    /**
     * What to do with notification targets that already exist on the subscription or the alarm but
     * are not in the request. Closed set: the default never removes anything.
     */
    public enum Existing {
        /** Keep them: the new address is added next to them (the default). */
        MERGE,
        /** Drop them: the plan lists each one it would remove. */
        REPLACE
    }

    /** How {@link #apply} treats one resource. */
    public enum Change {
        /** It does not exist yet and is created. */
        CREATE,
        /** It exists and is changed in place (same name, same ARN). */
        UPDATE,
        /** It exists as requested; nothing is sent. */
        UNCHANGED
    }

    /**
     * One line of the plan: the API action (or "(none)" for an unchanged resource), what happens to
     * the resource, a sentence for the analyst, and every notification target it would remove.
     */
    public record Action(String apiAction, Change change, String description, List<String> removals) {
        public Action {
            removals = List.copyOf(removals);
        }
    }

    /** An anomaly subscriber as AWS holds it: its type ({@code EMAIL}, {@code SNS}) and address. */
    public record Target(String type, String address) {
        @Override
        public String toString() {
            return type + " " + address;
        }
    }

    /**
     * Exactly what {@link #apply} will do, a diff against what the account holds. The existing ARNs
     * are set when the resource exists (found by name; the monitor also by type, as AWS allows one
     * dimensional SERVICE monitor). {@code subscribers} and {@code alarmActions} are the complete
     * lists {@link #apply} will send: existing ones merged with the new one unless the request says
     * {@link Existing#REPLACE}. {@code keptAlarmActions} carries the existing alarm's OK and
     * insufficient-data actions, which PutMetricAlarm would otherwise clear.
     */
    public record Plan(Request request, Optional<String> existingMonitorArn, Optional<String> existingSubscriptionArn,
                       List<String> subscriptionMonitors, List<Target> subscribers, Optional<String> existingAlarmArn,
                       List<String> alarmActions, List<String> okActions, List<String> insufficientDataActions,
                       List<Action> actions) {
        public Plan {
            subscriptionMonitors = List.copyOf(subscriptionMonitors);
            subscribers = List.copyOf(subscribers);
            alarmActions = List.copyOf(alarmActions);
            okActions = List.copyOf(okActions);
            insufficientDataActions = List.copyOf(insufficientDataActions);
            actions = List.copyOf(actions);
        }

        /** The diff as lines of text, for a confirmation dialog or a playbook's output. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (Action a : actions) {
                sb.append("• ").append(a.change()).append(' ').append(a.apiAction()).append(": ")
                        .append(a.description()).append('\n');
                for (String r : a.removals()) {
                    sb.append("    REMOVES ").append(r).append('\n');
                }
            }
            return sb.toString().strip();
        }

        /** Every notification target this plan removes; empty unless the request said REPLACE. */
        public List<String> removals() {
            return actions.stream().flatMap(a -> a.removals().stream()).toList();
        }
    }

    /** What {@link #apply} did. */
    public record Result(String monitorArn, boolean monitorReused, String subscriptionArn, String alarmName,
                         String alarmArn, List<Action> actions) {
        public Result {
            actions = List.copyOf(actions);
        }
    }

    /**
     * Validates {@code request} and reads (never writes) the existing monitors, subscriptions (one
     * paid Cost Explorer request per page each) and the billing alarm, then computes the diff.
     *
     * @throws IllegalArgumentException when the request is invalid or cannot be merged, with why
     */
    public Plan plan(Request request) {
        validate(request);
        CostExplorerClient ce = clients.costExplorer();
        String monitorName = request.name() + "-services";
        String subscriptionName = request.name() + "-alerts";
        String alarmName = alarmName(request);
        Optional<AnomalyMonitor> monitor = findMonitor(ce, monitorName);
        Optional<AnomalySubscription> subscription = findSubscription(ce, subscriptionName);
        Optional<MetricAlarm> alarm = clients.billingCloudWatch().describeAlarms(b -> b.alarmNames(alarmName))
                .metricAlarms().stream().filter(a -> a.alarmName().equals(alarmName)).findFirst();
        boolean replace = request.existing() == Existing.REPLACE;
        List<Action> actions = new ArrayList<>();

        if (monitor.isEmpty()) {
            actions.add(new Action("ce:CreateAnomalyMonitor", Change.CREATE, "the Cost Anomaly Detection monitor '"
                    + monitorName + "' (DIMENSIONAL, by SERVICE)", List.of()));
        } else {
            actions.add(new Action("(none)", Change.UNCHANGED, "use the existing monitor '"
                    + monitor.get().monitorName() + "' " + monitor.get().monitorArn()
                    + " (AWS allows one services monitor per account)", List.of()));
        }

        Target wanted = new Target(request.channel() == Channel.SNS ? "SNS" : "EMAIL", request.address());
        String frequency = frequency(request.channel()).toString();
        String threshold = usd(request.anomalyImpactThresholdUsd());
        List<Target> subscribers = new ArrayList<>();
        List<String> monitors = new ArrayList<>();
        monitor.ifPresent(m -> monitors.add(m.monitorArn()));
        if (subscription.isEmpty()) {
            subscribers.add(wanted);
            actions.add(new Action("ce:CreateAnomalySubscription", Change.CREATE, "the subscription '"
                    + subscriptionName + "': " + frequency + " alerts to " + wanted + " for anomalies with total impact ≥ $"
                    + threshold, List.of()));
        } else {
            AnomalySubscription s = subscription.get();
            List<Target> existing = s.subscribers().stream()
                    .map(x -> new Target(x.typeAsString(), x.address())).toList();
            List<String> removed = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (Target t : existing) {
                if (t.equals(wanted)) {
                    continue;
                }
                if (replace) {
                    removed.add("subscriber " + t + " from subscription '" + subscriptionName + "'");
                } else {
                    subscribers.add(t);
                    notes.add("keeps subscriber " + t + " (merged)");
                }
            }
            subscribers.add(wanted);
            if (!existing.contains(wanted)) {
                notes.add("adds subscriber " + wanted);
            }
            // The monitor list is merged too: the subscription may watch other monitors as well.
            for (String m : s.monitorArnList()) {
                if (!monitors.contains(m)) {
                    monitors.add(m);
                }
            }
            if (monitor.isPresent() && !s.monitorArnList().contains(monitor.get().monitorArn())) {
                notes.add("adds monitor " + monitor.get().monitorArn());
            } else if (monitor.isEmpty()) {
                notes.add("adds the new monitor '" + monitorName + "'");
            }
            String oldThreshold = subscriptionThreshold(s);
            if (!threshold.equals(oldThreshold)) {
                notes.add("total impact threshold $" + oldThreshold + " → $" + threshold);
            }
            if (!frequency.equals(s.frequencyAsString())) {
                notes.add("frequency " + s.frequencyAsString() + " → " + frequency);
            }
            // AWS alerts SNS topics IMMEDIATE and e-mail only as DAILY/WEEKLY summaries, so one
            // subscription cannot hold both kinds: refuse rather than silently drop the other kind.
            List<Target> otherKind = subscribers.stream().filter(t -> !t.type().equals(wanted.type())).toList();
            if (!otherKind.isEmpty()) {
                throw new IllegalArgumentException("subscription '" + subscriptionName + "' already alerts " + otherKind
                        + ", which AWS cannot combine with " + wanted.type() + " subscribers in one subscription:"
                        + " choose another name");
            }
            boolean changed = !removed.isEmpty() || !notes.stream().allMatch(n -> n.endsWith("(merged)"));
            actions.add(new Action(changed ? "ce:UpdateAnomalySubscription" : "(none)",
                    changed ? Change.UPDATE : Change.UNCHANGED, "the subscription '" + subscriptionName + "' "
                    + s.subscriptionArn() + ": " + frequency + " alerts to " + subscribers + " for anomalies with total impact ≥ $"
                    + threshold + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)), removed));
        }

        List<String> alarmActions = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        List<String> insufficient = new ArrayList<>();
        String alarmWhat = "the alarm '" + alarmName + "' in us-east-1 when AWS/Billing EstimatedCharges (USD) > $"
                + usd(request.billingAlarmThresholdUsd());
        if (alarm.isEmpty()) {
            if (request.channel() == Channel.SNS) {
                alarmActions.add(request.address());
            }
            actions.add(new Action("cloudwatch:PutMetricAlarm", Change.CREATE, alarmWhat + (alarmActions.isEmpty()
                    ? " (no action: add an SNS topic to be notified)" : ", notifying " + alarmActions), List.of()));
        } else {
            MetricAlarm a = alarm.get();
            List<String> removed = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (String existing : a.alarmActions()) {
                boolean isNew = request.channel() == Channel.SNS && existing.equals(request.address());
                if (isNew) {
                    continue;
                }
                if (replace) {
                    removed.add("alarm action " + existing + " from alarm '" + alarmName + "'");
                } else {
                    alarmActions.add(existing);
                    notes.add("keeps alarm action " + existing + " (merged)");
                }
            }
            if (request.channel() == Channel.SNS) {
                alarmActions.add(request.address());
                if (!a.alarmActions().contains(request.address())) {
                    notes.add("adds alarm action " + request.address());
                }
            }
            // PutMetricAlarm replaces the whole alarm: carry the actions this plan does not manage.
            ok.addAll(a.okActions());
            insufficient.addAll(a.insufficientDataActions());
            if (a.threshold() == null || a.threshold() != request.billingAlarmThresholdUsd()) {
                notes.add("threshold $" + (a.threshold() == null ? "?" : usd(a.threshold())) + " → $"
                        + usd(request.billingAlarmThresholdUsd()));
            }
            boolean changed = !removed.isEmpty() || !notes.stream().allMatch(n -> n.endsWith("(merged)"));
            actions.add(new Action(changed ? "cloudwatch:PutMetricAlarm" : "(none)", changed ? Change.UPDATE : Change.UNCHANGED,
                    alarmWhat + ", notifying " + alarmActions + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)),
                    removed));
        }
        return new Plan(request, monitor.map(AnomalyMonitor::monitorArn), subscription.map(AnomalySubscription::subscriptionArn),
                monitors, subscribers, alarm.map(MetricAlarm::alarmArn), alarmActions, ok, insufficient, actions);
    }

    /** Does what {@code plan} lists, in its order, skipping what is unchanged, and returns the ARNs. */
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
        List<String> monitors = new ArrayList<>(plan.subscriptionMonitors());
        if (!monitors.contains(monitorArn)) {
            monitors.addFirst(monitorArn);
        }
        List<Subscriber> subscribers = plan.subscribers().stream()
                .map(t -> Subscriber.builder().type(t.type()).address(t.address()).build()).toList();
        Expression threshold = Expression.builder().dimensions(DimensionValues.builder()
                .key("ANOMALY_TOTAL_IMPACT_ABSOLUTE")
                .matchOptions(MatchOption.GREATER_THAN_OR_EQUAL)
                .values(usd(r.anomalyImpactThresholdUsd())).build()).build();
        Action subAction = plan.actions().get(1);
        String subscriptionArn;
        if (plan.existingSubscriptionArn().isEmpty()) {
            subscriptionArn = ce.createAnomalySubscription(b -> b.anomalySubscription(s -> s
                    .subscriptionName(r.name() + "-alerts")
                    .monitorArnList(monitors)
                    .frequency(frequency(r.channel()))
                    .subscribers(subscribers)
                    .thresholdExpression(threshold))).subscriptionArn();
        } else {
            subscriptionArn = plan.existingSubscriptionArn().get();
            if (subAction.change() == Change.UPDATE) {
                ce.updateAnomalySubscription(b -> b.subscriptionArn(plan.existingSubscriptionArn().get())
                        .monitorArnList(monitors)
                        .frequency(frequency(r.channel()))
                        .subscribers(subscribers)
                        .thresholdExpression(threshold));
            }
        }

        CloudWatchClient cw = clients.billingCloudWatch();
        String alarmName = alarmName(r);
        Action alarmAction = plan.actions().get(2);
        if (alarmAction.change() != Change.UNCHANGED) {
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
                if (!plan.alarmActions().isEmpty()) {
                    b.alarmActions(plan.alarmActions());
                }
                if (!plan.okActions().isEmpty()) {
                    b.okActions(plan.okActions());
                }
                if (!plan.insufficientDataActions().isEmpty()) {
                    b.insufficientDataActions(plan.insufficientDataActions());
                }
            });
        }
        // PutMetricAlarm returns no ARN; read it back when the plan did not already know it.
        String alarmArn = plan.existingAlarmArn().orElseGet(() -> cw.describeAlarms(b -> b.alarmNames(alarmName))
                .metricAlarms().stream().map(MetricAlarm::alarmArn).findFirst().orElse(""));
        return new Result(monitorArn, reused, subscriptionArn, alarmName, alarmArn, plan.actions());
    }

    /** The monitor named {@code name}, else the account's dimensional SERVICE monitor (AWS allows one). */
    private static Optional<AnomalyMonitor> findMonitor(CostExplorerClient ce, String name) {
        AnomalyMonitor byType = null;
        String token = null;
        do {
            String page = token;
            GetAnomalyMonitorsResponse r = ce.getAnomalyMonitors(b -> b.nextPageToken(page));
            for (AnomalyMonitor m : r.anomalyMonitors()) {
                if (name.equals(m.monitorName())) {
                    return Optional.of(m);
                }
                if (byType == null && m.monitorType() == MonitorType.DIMENSIONAL
                        && m.monitorDimension() == MonitorDimension.SERVICE) {
                    byType = m;
                }
            }
            token = r.nextPageToken();
        } while (token != null && !token.isEmpty());
        return Optional.ofNullable(byType);
    }

    private static Optional<AnomalySubscription> findSubscription(CostExplorerClient ce, String name) {
        String token = null;
        do {
            String page = token;
            GetAnomalySubscriptionsResponse r = ce.getAnomalySubscriptions(b -> b.nextPageToken(page));
            for (AnomalySubscription s : r.anomalySubscriptions()) {
                if (name.equals(s.subscriptionName())) {
                    return Optional.of(s);
                }
            }
            token = r.nextPageToken();
        } while (token != null && !token.isEmpty());
        return Optional.empty();
    }

    /** The subscription's impact threshold as written by {@link #usd}, or "?" when it is not one we recognise. */
    private static String subscriptionThreshold(AnomalySubscription s) {
        Expression e = s.thresholdExpression();
        if (e != null && e.dimensions() != null && !e.dimensions().values().isEmpty()) {
            try {
                return usd(Double.parseDouble(e.dimensions().values().getFirst()));
            } catch (NumberFormatException ignored) {
                return e.dimensions().values().getFirst();
            }
        }
        return s.threshold() == null ? "?" : usd(s.threshold());
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
        if (r.existing() == null) {
            throw new IllegalArgumentException("existing: choose MERGE or REPLACE");
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
