package io.vigil.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guardrail creation against the fake endpoint: nothing is created before apply. */
class GuardrailsTest {

    @TempDir
    Path dir;

    private static final Guardrails.Request SNS = new Guardrails.Request("vigil", Guardrails.Channel.SNS,
            "arn:aws:sns:us-east-1:123456789012:cost-alerts", 100, 2500);

    @Test
    void planOnlyReadsAndApplySendsTheCreateRequests() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "eu-west-1", 0, 50))) {
            Guardrails guardrails = new Guardrails(f.clients);
            Guardrails.Plan plan = guardrails.plan(SNS);
            assertEquals(List.of("GetAnomalyMonitors", "GetAnomalySubscriptions", "DescribeAlarms"),
                    f.aws.requests().stream().map(FakeAws.Recorded::operation).toList(), "planning only reads");
            assertEquals(List.of(Guardrails.Change.CREATE, Guardrails.Change.CREATE, Guardrails.Change.CREATE),
                    plan.actions().stream().map(Guardrails.Action::change).toList());
            assertEquals(List.of("ce:CreateAnomalyMonitor", "ce:CreateAnomalySubscription", "cloudwatch:PutMetricAlarm"),
                    plan.actions().stream().map(Guardrails.Action::apiAction).toList());
            assertTrue(plan.describe().contains("IMMEDIATE alerts to SNS arn:aws:sns:us-east-1:123456789012:cost-alerts"));
            assertTrue(plan.describe().contains("EstimatedCharges (USD) > $2500"));

            f.aws.clearRequests();
            Guardrails.Result result = guardrails.apply(plan);
            assertEquals(List.of("CreateAnomalyMonitor", "CreateAnomalySubscription", "PutMetricAlarm", "DescribeAlarms"),
                    f.aws.requests().stream().map(FakeAws.Recorded::operation).toList());

            var monitor = f.aws.requests("CreateAnomalyMonitor").getFirst().body().path("AnomalyMonitor");
            assertEquals("DIMENSIONAL", monitor.path("MonitorType").asText());
            assertEquals("SERVICE", monitor.path("MonitorDimension").asText());
            assertEquals("vigil-services", monitor.path("MonitorName").asText());

            var sub = f.aws.requests("CreateAnomalySubscription").getFirst().body().path("AnomalySubscription");
            assertEquals(result.monitorArn(), sub.path("MonitorArnList").get(0).asText());
            assertEquals("IMMEDIATE", sub.path("Frequency").asText());
            assertEquals("SNS", sub.path("Subscribers").get(0).path("Type").asText());
            assertEquals(SNS.address(), sub.path("Subscribers").get(0).path("Address").asText());
            var threshold = sub.path("ThresholdExpression").path("Dimensions");
            assertEquals("ANOMALY_TOTAL_IMPACT_ABSOLUTE", threshold.path("Key").asText());
            assertEquals("GREATER_THAN_OR_EQUAL", threshold.path("MatchOptions").get(0).asText());
            assertEquals("100", threshold.path("Values").get(0).asText());

            var alarm = f.aws.requests("PutMetricAlarm").getFirst();
            assertTrue(alarm.headers().get("authorization").contains("/us-east-1/monitoring/"),
                    "billing alarms are created in us-east-1");
            assertEquals("AWS/Billing", alarm.body().path("Namespace").asText());
            assertEquals("EstimatedCharges", alarm.body().path("MetricName").asText());
            assertEquals(2500.0, alarm.body().path("Threshold").asDouble(), 0);
            assertEquals("GreaterThanThreshold", alarm.body().path("ComparisonOperator").asText());
            assertEquals(SNS.address(), alarm.body().path("AlarmActions").get(0).asText());

            assertEquals("arn:aws:ce::123456789012:anomalymonitor/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", result.monitorArn());
            assertEquals("arn:aws:ce::123456789012:anomalysubscription/9a8b7c6d-5e4f-3a2b-1c0d-ef0123456789",
                    result.subscriptionArn());
            assertEquals("arn:aws:cloudwatch:us-east-1:123456789012:alarm:vigil-estimated-charges", result.alarmArn());
            assertEquals(4, f.budget.usedToday(), "the 4 Cost Explorer calls of plan and apply are counted");
        }
    }

    @Test
    void reusesTheAccountsExistingServiceMonitorAndMailsDaily() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            f.aws.existingMonitorArn = "arn:aws:ce::123456789012:anomalymonitor/existing";
            Guardrails guardrails = new Guardrails(f.clients);
            Guardrails.Plan plan = guardrails.plan(new Guardrails.Request("soc", Guardrails.Channel.EMAIL,
                    "soc@example.com", 50, 1000));
            assertTrue(plan.describe().contains("use the existing monitor 'Default-Services-Monitor'"));
            Guardrails.Result result = guardrails.apply(plan);
            assertTrue(result.monitorReused());
            assertEquals(0, f.aws.requests("CreateAnomalyMonitor").size());
            var sub = f.aws.requests("CreateAnomalySubscription").getFirst().body().path("AnomalySubscription");
            assertEquals("DAILY", sub.path("Frequency").asText(), "AWS allows e-mail only as a summary");
            assertEquals("arn:aws:ce::123456789012:anomalymonitor/existing", sub.path("MonitorArnList").get(0).asText());
            assertTrue(f.aws.requests("PutMetricAlarm").getFirst().body().path("AlarmActions").isMissingNode());
        }
    }

    private static final String TOPIC_2 = "arn:aws:sns:us-east-1:123456789012:oncall";

    private static List<String> texts(com.fasterxml.jackson.databind.JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void runningTwiceChangesNothingAndASecondTopicIsMergedNotSwapped() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            Guardrails guardrails = new Guardrails(f.clients);
            Guardrails.Result first = guardrails.apply(guardrails.plan(SNS));

            // Same request again: the diff says unchanged, and nothing is written.
            f.aws.clearRequests();
            Guardrails.Plan again = guardrails.plan(SNS);
            assertEquals(List.of(Guardrails.Change.UNCHANGED, Guardrails.Change.UNCHANGED, Guardrails.Change.UNCHANGED),
                    again.actions().stream().map(Guardrails.Action::change).toList(), again.describe());
            Guardrails.Result second = guardrails.apply(again);
            assertEquals(List.of("GetAnomalyMonitors", "GetAnomalySubscriptions", "DescribeAlarms"),
                    f.aws.requests().stream().map(FakeAws.Recorded::operation).toList(), "a second run only reads");
            assertEquals(1, f.aws.subscriptions().size(), "no second subscription with the same name");
            assertEquals(first.subscriptionArn(), second.subscriptionArn());
            assertEquals(first.monitorArn(), second.monitorArn());
            assertEquals(first.alarmArn(), second.alarmArn());

            // A second topic under the same name: updated in place, the first topic kept and the diff says so.
            Guardrails.Request other = new Guardrails.Request("vigil", Guardrails.Channel.SNS, TOPIC_2, 250, 2500);
            Guardrails.Plan merge = guardrails.plan(other);
            assertEquals(List.of(Guardrails.Change.UNCHANGED, Guardrails.Change.UPDATE, Guardrails.Change.UPDATE),
                    merge.actions().stream().map(Guardrails.Action::change).toList(), merge.describe());
            assertTrue(merge.describe().contains("keeps alarm action " + SNS.address() + " (merged)"), merge.describe());
            assertTrue(merge.describe().contains("keeps subscriber SNS " + SNS.address() + " (merged)"), merge.describe());
            assertTrue(merge.describe().contains("total impact threshold $100 → $250"), merge.describe());
            assertEquals(List.of(), merge.removals());
            f.aws.clearRequests();
            guardrails.apply(merge);
            assertEquals(1, f.aws.requests("UpdateAnomalySubscription").size());
            assertEquals(0, f.aws.requests("CreateAnomalySubscription").size());
            assertEquals(1, f.aws.subscriptions().size());
            var sub = f.aws.subscriptions().getFirst();
            assertEquals(first.subscriptionArn(), sub.path("SubscriptionArn").asText());
            assertEquals(List.of(SNS.address(), TOPIC_2), sub.path("Subscribers").findValues("Address").stream()
                    .map(com.fasterxml.jackson.databind.JsonNode::asText).toList());
            // What DescribeAlarms returns (parsed by the SDK from CBOR) keeps the first run's action.
            assertEquals(List.of(SNS.address(), TOPIC_2), texts(f.aws.alarm("vigil-estimated-charges").path("AlarmActions")));
            Guardrails.Plan third = guardrails.plan(other);
            assertTrue(third.actions().stream().allMatch(a -> a.change() == Guardrails.Change.UNCHANGED), third.describe());
        }
    }

    @Test
    void replacingSaysWhichActionsAndSubscribersItRemoves() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            Guardrails guardrails = new Guardrails(f.clients);
            guardrails.apply(guardrails.plan(SNS));
            Guardrails.Plan replace = guardrails.plan(new Guardrails.Request("vigil", Guardrails.Channel.SNS, TOPIC_2,
                    100, 2500, Guardrails.Existing.REPLACE));
            assertEquals(List.of("subscriber SNS " + SNS.address() + " from subscription 'vigil-alerts'",
                    "alarm action " + SNS.address() + " from alarm 'vigil-estimated-charges'"), replace.removals());
            assertTrue(replace.describe().contains("REMOVES alarm action " + SNS.address()), replace.describe());
            guardrails.apply(replace);
            assertEquals(List.of(TOPIC_2), texts(f.aws.alarm("vigil-estimated-charges").path("AlarmActions")));
        }
    }

    @Test
    void anEmailRequestCannotSilentlyDropAnSnsSubscriber() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            Guardrails guardrails = new Guardrails(f.clients);
            guardrails.apply(guardrails.plan(SNS));
            var e = assertThrows(IllegalArgumentException.class, () -> guardrails.plan(new Guardrails.Request("vigil",
                    Guardrails.Channel.EMAIL, "soc@example.com", 100, 2500)));
            assertTrue(e.getMessage().contains("choose another name"), e.getMessage());
        }
    }

    @Test
    void rejectsBadInputBeforeTalkingToAws() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            Guardrails guardrails = new Guardrails(f.clients);
            var e = assertThrows(IllegalArgumentException.class, () -> guardrails.plan(
                    new Guardrails.Request("soc", Guardrails.Channel.EMAIL, "not-an-address", 50, 1000)));
            assertTrue(e.getMessage().startsWith("address: expected an e-mail address"));
            assertThrows(IllegalArgumentException.class, () -> guardrails.plan(
                    new Guardrails.Request("soc", Guardrails.Channel.SNS, "soc@example.com", 50, 1000)));
            assertThrows(IllegalArgumentException.class, () -> guardrails.plan(
                    new Guardrails.Request("soc", Guardrails.Channel.EMAIL, "soc@example.com", 0, 1000)));
            assertThrows(IllegalArgumentException.class, () -> guardrails.plan(
                    new Guardrails.Request("a;b", Guardrails.Channel.EMAIL, "soc@example.com", 5, 1000)));
            assertEquals(0, f.aws.requests().size());
        }
    }
}
