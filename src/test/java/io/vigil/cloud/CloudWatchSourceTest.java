package io.vigil.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CloudWatch source with the real SDK client (Smithy RPC v2 CBOR) against the fake endpoint. */
class CloudWatchSourceTest {

    @TempDir
    Path dir;

    @Test
    void readsEstimatedChargesInUsEast1AndAlarmsOfTheConfiguredRegionBillingFirst() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "eu-west-1", 0, 50))) {
            CloudWatchSource source = new CloudWatchSource(f.clients);
            PollResult r = source.poll(f.clock.instant());
            assertEquals(HealthState.OK, r.health().state());

            var metricData = f.aws.requests("GetMetricData");
            assertEquals(1, metricData.size());
            var req = metricData.getFirst();
            assertEquals(FakeAws.CW_PREFIX + "GetMetricData", req.path());
            assertEquals("rpc-v2-cbor", req.headers().get("smithy-protocol"));
            assertEquals("application/cbor", req.headers().get("content-type"));
            assertTrue(req.headers().get("authorization").contains("/us-east-1/monitoring/aws4_request"),
                    "EstimatedCharges is read in us-east-1 whatever the region");
            var stat = req.body().path("MetricDataQueries").get(0).path("MetricStat");
            assertEquals("AWS/Billing", stat.path("Metric").path("Namespace").asText());
            assertEquals("EstimatedCharges", stat.path("Metric").path("MetricName").asText());
            assertEquals("Currency", stat.path("Metric").path("Dimensions").get(0).path("Name").asText());

            var alarmCalls = f.aws.requests("DescribeAlarms");
            List<String> regions = alarmCalls.stream().map(c -> c.headers().get("authorization")
                    .replaceAll(".*/\\d{8}/([a-z0-9-]+)/monitoring/.*", "$1")).distinct().toList();
            assertEquals(List.of("eu-west-1", "us-east-1"), regions, "alarms of the region, then billing alarms of us-east-1");
            assertTrue(alarmCalls.stream().anyMatch(c -> c.body().has("NextToken")), "alarm pages followed");

            BillingSnapshot s = source.latest();
            assertEquals(1234.56, s.estimatedChargesUsd().orElseThrow(), 0);
            assertEquals(Instant.parse("2026-11-20T12:00:00Z"), s.estimatedChargesAt().orElseThrow(),
                    "the newest datapoint and its own timestamp");
            assertTrue(s.alarms().getFirst().billing(), "billing alarms first");
            Map<MetricId, Double> m = r.samples().stream().collect(Collectors.toMap(Sample::metric, Sample::value,
                    (a, b) -> a));
            assertEquals(1234.56, m.get(CostMetrics.ESTIMATED_CHARGES_ID), 0);
            assertEquals(1.0, m.get(MetricId.of("cloudwatch.alarm.in_alarm", "alarm", "api-5xx-rate")), 0);
            assertEquals(0.0, m.get(MetricId.of("cloudwatch.alarm.in_alarm", "alarm", "billing-over-2000")), 0);
            assertEquals(0, f.budget.usedToday(), "CloudWatch requests are not Cost Explorer's paid ones");
        }
    }

    @Test
    void throttlingAndServerErrorsMarkItDownWithARetryThenItRecovers() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("ops", "us-east-1", 0, 50));
             SchedulerHarness h = new SchedulerHarness(f.clock, new CloudWatchSource(f.clients))) {
            record Case(FakeAws.Fault fault, String expected) { }
            for (Case c : new Case[] {
                    new Case(FakeAws.Fault.THROTTLE, "CloudWatch is throttling requests"),
                    new Case(FakeAws.Fault.HTTP_500, "CloudWatch answered HTTP 500"),
                    new Case(FakeAws.Fault.SLOW, "CloudWatch did not answer in time"),
                    new Case(FakeAws.Fault.EXPIRED_TOKEN, "run `aws sso login --profile ops`"),
                    new Case(FakeAws.Fault.ACCESS_DENIED, "cloudwatch:GetMetricData, cloudwatch:DescribeAlarms")}) {
                f.aws.fail("GetMetricData", c.fault());
                h.runNextPoll();
                assertEquals(HealthState.DOWN, h.health().state());
                assertTrue(h.health().reason().contains(c.expected()), h.health().reason());
                assertTrue(h.health().reason().matches(".*retrying in \\d+ s"), h.health().reason());
                if (c.fault() == FakeAws.Fault.EXPIRED_TOKEN || c.fault() == FakeAws.Fault.ACCESS_DENIED) {
                    // Refused credentials wait for the files to change; the analyst fixed them elsewhere
                    // and pressed "Retry now" (CloudRecoveryTest covers the file change).
                    ((CloudWatchSource) h.scheduler.sources().getFirst()).requestRetry();
                }
                h.runNextPoll();
                assertEquals(HealthState.OK, h.health().state(), "recovers after " + c.fault());
            }
        }
    }
}
