package io.vigil.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.telemetry.HealthState;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/** The Cost Explorer source with the real SDK client against the fake endpoint. */
class CostExplorerSourceTest {

    @TempDir
    Path dir;

    private static Map<MetricId, Double> byMetric(PollResult r) {
        return r.samples().stream().collect(Collectors.toMap(Sample::metric, Sample::value));
    }

    @Test
    void readsPagedDailyCostsForecastAndAnomaliesAndPublishesTheCostMetrics() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 3000, 50))) {
            CostExplorerSource source = new CostExplorerSource(f.clients, f.budget);
            PollResult r = source.poll(f.clock.instant());
            assertEquals(HealthState.OK, r.health().state(), r.health().toString());

            LocalDate today = LocalDate.of(2026, 11, 22);
            // Window: 29 days back (2026-10-24) to today, 30 days at 10 days a page = 3 pages.
            var pages = f.aws.requests("GetCostAndUsage");
            assertEquals(3, pages.size());
            assertEquals("2026-10-24", pages.getFirst().body().path("TimePeriod").path("Start").asText());
            assertEquals("2026-11-23", pages.getFirst().body().path("TimePeriod").path("End").asText());
            assertEquals("DAILY", pages.getFirst().body().path("Granularity").asText());
            assertEquals("SERVICE", pages.getFirst().body().path("GroupBy").get(0).path("Key").asText());
            assertEquals("10", pages.get(1).body().path("NextPageToken").asText(), "whole days: the token counts days");
            assertEquals("AWSInsightsIndexService.GetCostAndUsage", pages.getFirst().headers().get("x-amz-target"));
            assertEquals("application/x-amz-json-1.1", pages.getFirst().headers().get("content-type"));
            assertTrue(pages.getFirst().headers().get("authorization").contains("/us-east-1/ce/aws4_request"));
            assertEquals(2, f.aws.requests("GetAnomalies").size(), "both anomaly pages are read");
            assertEquals(1, f.aws.requests("GetCostForecast").size());

            Map<MetricId, Double> m = byMetric(r);
            double todayTotal = f.aws.dailyTotal(today);
            assertEquals(todayTotal, m.get(CostMetrics.DAILY_TOTAL_ID), 1e-6);
            double mtd = 0;
            for (LocalDate d = today.withDayOfMonth(1); !d.isAfter(today); d = d.plusDays(1)) {
                mtd += f.aws.dailyTotal(d);
            }
            assertEquals(mtd, m.get(CostMetrics.MTD_ID), 1e-6);
            assertEquals(mtd - todayTotal + f.aws.forecastUsd, m.get(CostMetrics.FORECAST_EOM_ID), 1e-6);
            assertEquals(f.aws.cost("Amazon SageMaker", today),
                    m.get(MetricId.of("cost.daily", "service", "Amazon SageMaker")), 1e-9);
            assertEquals(3000, m.get(MetricId.of("cost.budget.monthly")), 0);
            double elapsed = (21 + 10 / 24.0) / 30.0;
            assertEquals(mtd / (3000 * elapsed), m.get(MetricId.of("cost.budget.pace_ratio")), 1e-9);
            assertEquals(1180.5, m.get(MetricId.of("cost.anomaly.impact", "id", "a1b2c3d4-open")), 0);
            assertFalse(m.containsKey(MetricId.of("cost.anomaly.impact", "id", "e5f6-closed")), "closed anomaly");
            assertEquals(6, m.get(MetricId.of("cost.requests.today")), 0);
            assertEquals(6, f.budget.usedToday(), "every request, each page too, is counted");

            CostSnapshot s = source.latest();
            assertEquals(30, s.days().size());
            assertTrue(s.days().getLast().estimated(), "AWS marks the last days as estimated");
            assertEquals(2, s.anomalies().size());
            CostAnomaly open = s.anomalies().getFirst();
            assertEquals(0.92, open.maxScore(), 0);
            assertEquals("Amazon Elastic Compute Cloud - Compute · 123456789012 (ml-prod) · us-east-1 · BoxUsage:p4d.24xlarge",
                    open.rootCauses().getFirst().describe());
            assertEquals(LocalDate.of(2026, 11, 20), open.start());
            assertTrue(open.end().isEmpty());

            @SuppressWarnings("unchecked")
            Map<String, Object> budget = (Map<String, Object>) source.statusDetails().get("requestBudget");
            assertEquals(6, budget.get("usedToday"));
            assertEquals(0.06, (double) budget.get("costTodayUsd"), 1e-9);
        }
    }

    @Test
    void aDaysGroupsSplitAcrossPagesAreMergedByTimePeriod() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            // 25 groups a page with 7 services: every page boundary falls inside a day, so that day's
            // TimePeriod comes back on two pages, each with part of its services.
            f.aws.costGroupsPerPage = 25;
            CostExplorerSource source = new CostExplorerSource(f.clients, f.budget);
            PollResult r = source.poll(f.clock.instant());
            assertEquals(HealthState.OK, r.health().state(), r.health().toString());
            assertEquals((30 * f.aws.services.size() + 24) / 25, f.aws.requests("GetCostAndUsage").size());
            CostSnapshot s = source.latest();
            assertEquals(30, s.days().size());
            for (DailyCost day : s.days()) {
                assertEquals(f.aws.services.size(), day.byService().size(), "every service of " + day.day());
                assertEquals(f.aws.dailyTotal(day.day()), day.total(), 1e-6, "total of " + day.day());
            }
            LocalDate today = LocalDate.of(2026, 11, 22);
            assertEquals(f.aws.dailyTotal(today), byMetric(r).get(CostMetrics.DAILY_TOTAL_ID), 1e-6);
        }
    }

    @Test
    void cachesBetweenPollsAndRereadsOnlyRecentDaysHourly() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            CostExplorerSource source = new CostExplorerSource(f.clients, f.budget);
            source.poll(f.clock.instant());
            f.aws.clearRequests();
            f.clock.advance(Duration.ofHours(1));
            PollResult r = source.poll(f.clock.instant());
            assertEquals(HealthState.OK, r.health().state());
            var pages = f.aws.requests("GetCostAndUsage");
            assertEquals(1, pages.size(), "one page for the recent days");
            assertEquals("2026-11-20", pages.getFirst().body().path("TimePeriod").path("Start").asText());
            assertEquals(0, f.aws.requests("GetCostForecast").size(), "forecast cached");
            assertEquals(0, f.aws.requests("GetAnomalies").size(), "anomalies cached");
            assertEquals(30, source.latest().days().size(), "older days kept from the cache");
        }
    }

    @Test
    void eachFailureGivesItsHealthAndMessageThenRecovers() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("analyst", "us-east-1", 0, 50));
             SchedulerHarness h = new SchedulerHarness(f.clock, new CostExplorerSource(f.clients, f.budget))) {
            record Case(FakeAws.Fault fault, String expected) { }
            for (Case c : new Case[] {
                    new Case(FakeAws.Fault.THROTTLE, "Cost Explorer is throttling requests (ThrottlingException)"),
                    new Case(FakeAws.Fault.HTTP_500, "Cost Explorer answered HTTP 500"),
                    new Case(FakeAws.Fault.SLOW, "Cost Explorer did not answer in time"),
                    new Case(FakeAws.Fault.EXPIRED_TOKEN, "run `aws sso login --profile analyst`"),
                    new Case(FakeAws.Fault.ACCESS_DENIED, "ce:GetCostAndUsage, ce:GetCostForecast, ce:GetAnomalies, "
                            + "ce:GetAnomalyMonitors, cloudwatch:GetMetricData, cloudwatch:DescribeAlarms")}) {
                // Throttling and 5xx are retried inside the poll: fail every attempt to make the poll fail.
                int attempts = c.fault() == FakeAws.Fault.THROTTLE || c.fault() == FakeAws.Fault.HTTP_500
                        ? CostExplorerSource.PAGE_ATTEMPTS : 1;
                for (int i = 0; i < attempts; i++) {
                    f.aws.fail("GetCostAndUsage", c.fault());
                }
                h.runNextPoll();
                assertEquals(HealthState.DOWN, h.health().state(), c.fault().name());
                assertTrue(h.health().reason().contains(c.expected()), h.health().reason());
                assertTrue(h.health().reason().matches(".*retrying in \\d+ s"), h.health().reason());
                if (c.fault() == FakeAws.Fault.EXPIRED_TOKEN || c.fault() == FakeAws.Fault.ACCESS_DENIED) {
                    // Refused credentials wait for the files to change; here the analyst pressed "Retry now".
                    ((CostExplorerSource) h.scheduler.sources().getFirst()).requestRefresh();
                }
                h.runNextPoll();
                assertEquals(HealthState.OK, h.health().state(), "recovers after " + c.fault() + ": " + h.health());
            }
        }
    }

    /** Records each wait instead of sleeping. */
    static final class RecordingSleeper implements Sleeper {
        final java.util.List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void sleep(Duration d) {
            waits.add(d);
        }
    }

    private static java.util.List<String> tokens(FakeAws aws) {
        return aws.requests("GetCostAndUsage").stream()
                .map(r -> r.body().path("NextPageToken").asText("-")).toList();
    }

    private static long paidRequests(FakeAws aws) {
        return aws.requests().stream().filter(r -> r.path().equals("/")).count();
    }

    @Test
    void aThrottledPageIsRetriedWithBackoffAndThePagesBeforeItAreKept() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            RecordingSleeper sleeper = new RecordingSleeper();
            CostExplorerSource source = new CostExplorerSource(f.clients, f.budget, sleeper,
                    new java.util.SplittableRandom(7));
            f.aws.failPage("GetCostAndUsage", "10", FakeAws.Fault.THROTTLE);
            PollResult r = source.poll(f.clock.instant());
            assertEquals(HealthState.OK, r.health().state(), r.health().toString());
            assertEquals(java.util.List.of("-", "10", "10", "20"), tokens(f.aws),
                    "page 1 once, page 2 twice (throttled, then answered), page 3");
            assertEquals(30, source.latest().days().size());
            LocalDate today = LocalDate.of(2026, 11, 22);
            assertEquals(f.aws.dailyTotal(today.minusDays(15)), source.latest().days().get(14).total(), 1e-6,
                    "a day of page 2 is there");
            assertEquals(1, sleeper.waits.size());
            Duration w = sleeper.waits.getFirst();
            assertTrue(w.compareTo(Duration.ofSeconds(1)) >= 0 && w.compareTo(Duration.ofSeconds(2)) <= 0, w.toString());
            assertEquals(paidRequests(f.aws), f.budget.usedToday(), "the budget counts exactly the requests made");
            assertEquals(7, f.budget.usedToday(), "4 cost pages, forecast, 2 anomaly pages");
        }
    }

    @Test
    void aPollThatStillFailsResumesFromThePageTokenAtTheNextPoll() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50));
             SchedulerHarness h = new SchedulerHarness(f.clock, new CostExplorerSource(f.clients, f.budget,
                     new RecordingSleeper(), new java.util.SplittableRandom(7)))) {
            for (int i = 0; i < CostExplorerSource.PAGE_ATTEMPTS; i++) {
                f.aws.failPage("GetCostAndUsage", "10", FakeAws.Fault.THROTTLE);
            }
            h.runNextPoll();
            assertEquals(HealthState.DOWN, h.health().state());
            assertTrue(h.health().reason().contains("throttling"), h.health().reason());
            h.runNextPoll();
            assertEquals(HealthState.OK, h.health().state(), h.health().toString());
            assertEquals(java.util.List.of("-", "10", "10", "10", "10", "20"), tokens(f.aws),
                    "the second poll starts at page 2: page 1 is never paid for twice");
            CostExplorerSource source = (CostExplorerSource) h.scheduler.sources().getFirst();
            assertEquals(30, source.latest().days().size());
            assertEquals(paidRequests(f.aws), f.budget.usedToday());
        }
    }

    @Test
    void aSecondProcessServesFreshFiguresFromTheDatabaseAndRefreshBypassesIt() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            new CostExplorerSource(f.clients, f.budget).poll(f.clock.instant());
            long first = paidRequests(f.aws);
            assertEquals(6, first);
            f.clock.advance(Duration.ofMinutes(20));
            CostExplorerSource second = new CostExplorerSource(f.clients, f.budget); // a new process: empty memory
            PollResult r = second.poll(f.clock.instant());
            assertEquals(first, paidRequests(f.aws), "nothing sent: the figures are 20 minutes old");
            assertTrue(second.servedFromCache());
            assertEquals(f.aws.dailyTotal(LocalDate.of(2026, 11, 22)), byMetric(r).get(CostMetrics.DAILY_TOTAL_ID), 1e-6);
            assertEquals(CloudFixture.NOW.toString(), ((Map<?, ?>) second.statusDetails().get("cost")).get("asOf"));
            assertEquals(2, second.latest().anomalies().size(), "anomalies come back too");

            second.requestRefresh();
            second.poll(f.clock.instant());
            assertTrue(paidRequests(f.aws) > first, "refresh reads AWS");
            assertFalse(second.servedFromCache());

            f.clock.advance(Duration.ofHours(1));
            CostExplorerSource third = new CostExplorerSource(f.clients, f.budget);
            long before = paidRequests(f.aws);
            third.poll(f.clock.instant());
            assertEquals(before + 1, paidRequests(f.aws), "older than the period: the recent days are read again");
        }
    }

    @Test
    void unknownFiguresAreNullNotZero() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            CostExplorerSource source = new CostExplorerSource(f.clients, f.budget, new RecordingSleeper(),
                    new java.util.SplittableRandom(1));
            for (int i = 0; i < CostExplorerSource.PAGE_ATTEMPTS; i++) {
                f.aws.fail("GetCostAndUsage", FakeAws.Fault.THROTTLE);
            }
            try {
                source.poll(f.clock.instant());
            } catch (io.vigil.telemetry.SourceException expected) {
                // throttled
            }
            Map<?, ?> cost = (Map<?, ?>) source.statusDetails().get("cost");
            assertTrue(cost.containsKey("todayUsd") && cost.get("todayUsd") == null, cost.toString());
            assertEquals(null, cost.get("mtdUsd"));
            assertEquals(null, cost.get("forecastEomUsd"));
            assertEquals(null, cost.get("openAnomalies"));
            assertEquals(null, cost.get("asOf"));
        }
    }

    @Test
    void withResultsInTwoPagesTheDefaultScheduleFitsTheBudgetByConstruction() throws Exception {
        Instant midnight = Instant.parse("2026-11-22T00:00:00Z");
        try (CloudFixture f = new CloudFixture(dir, CloudSettings.defaults(), CloudFixture.FAKE_KEYS, midnight);
             SchedulerHarness h = new SchedulerHarness(f.clock, new CostExplorerSource(f.clients, f.budget))) {
            f.aws.costPagesPerQuery = 2; // every cost query answers in 2 pages, as does GetAnomalies
            int polls = 0;
            int counted = 0;
            Instant end = midnight.plus(Duration.ofDays(1));
            Instant last = midnight;
            while (true) {
                f.clock.set(h.status().nextPoll());
                if (!f.clock.instant().isBefore(end)) {
                    break;
                }
                h.tick();
                polls++;
                counted = f.budget.usedToday();
                last = f.clock.instant();
                assertEquals(HealthState.OK, h.health().state(), "poll " + polls + " at " + f.clock.instant()
                        + ": " + h.health());
            }
            long sent = paidRequests(f.aws);
            System.out.printf("cost source at defaults, 2 pages a query: %d polls, %d Cost Explorer requests in one"
                    + " UTC day, last poll %s%n", polls, sent, last);
            assertEquals(sent, counted, "the budget counted every request");
            assertTrue(sent <= 50, sent + " requests a day exceed the default budget of 50");
            assertTrue(Duration.between(last, end).compareTo(Duration.ofHours(3)) < 0,
                    "polls are spread over the whole day, not bunched at its start: last at " + last);
            java.util.Map<LocalDate, Double> seen = new java.util.HashMap<>();
            CostExplorerSource source = (CostExplorerSource) h.scheduler.sources().getFirst();
            source.latest().days().forEach(d -> seen.put(d.day(), d.total()));
            LocalDate day = LocalDate.of(2026, 11, 21);
            assertEquals(f.aws.dailyTotal(day), seen.get(day), 1e-6, "a day whose groups span two pages is whole");
        }
    }

    @Test
    void failingAnomalyQueryOnlyDegradesTheSource() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50))) {
            CostExplorerSource source = new CostExplorerSource(f.clients, f.budget);
            f.aws.fail("GetAnomalies", FakeAws.Fault.ACCESS_DENIED);
            PollResult r = source.poll(f.clock.instant());
            assertEquals(HealthState.DEGRADED, r.health().state());
            assertTrue(r.health().reason().startsWith("anomalies unavailable: Cost Explorer denied ce:GetAnomalies"));
            assertTrue(byMetric(r).containsKey(CostMetrics.MTD_ID), "costs still flow");
        }
    }

    @Test
    void withoutCredentialsSaysHowToSetThemUpAndSendsNothing() throws Exception {
        Path emptyConfig = Files.writeString(dir.resolve("config"), "[profile other]\nregion = us-east-1\n");
        var chain = AwsCredentialsProviderChain.of(ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(emptyConfig).type(ProfileFile.Type.CONFIGURATION).build())
                .profileName("analyst").build());
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("analyst", "us-east-1", 0, 50), chain,
                CloudFixture.NOW);
             SchedulerHarness h = new SchedulerHarness(f.clock, new CostExplorerSource(f.clients, f.budget))) {
            CostExplorerSource source = (CostExplorerSource) h.scheduler.sources().getFirst();
            h.runNextPoll();
            assertEquals(HealthState.DOWN, h.health().state());
            assertTrue(h.health().reason().startsWith("No AWS credentials found for profile 'analyst'"), h.health().reason());
            assertTrue(h.health().reason().contains("aws configure sso"));
            assertEquals(AwsProblem.Kind.NO_CREDENTIALS, source.latest().problem().orElseThrow().kind());
            assertEquals(0, f.aws.requests().size(), "nothing reached AWS");
            assertEquals(0, f.budget.usedToday(), "nothing was counted");
        }
    }

    @Test
    void budgetIsNeverExceededAndCachedFiguresStayWhenItRunsOut() throws Exception {
        // 8 requests a day: the first poll needs 6 (3 cost pages, forecast, 2 anomaly pages).
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 8))) {
            CostExplorerSource source = new CostExplorerSource(f.clients, f.budget);
            assertEquals(HealthState.OK, source.poll(f.clock.instant()).health().state());
            f.aws.costDaysPerPage = 1; // recent re-read now needs 3 pages; only 2 are left
            f.clock.advance(Duration.ofHours(1));
            PollResult r = source.poll(f.clock.instant());
            assertEquals(8, f.aws.requests().size(), "exactly the budget reached AWS");
            assertEquals(8, f.budget.usedToday());
            assertEquals(HealthState.DEGRADED, r.health().state());
            assertTrue(r.health().reason().contains("daily budget of 8 Cost Explorer requests is used up"),
                    r.health().reason());
            assertTrue(byMetric(r).containsKey(CostMetrics.MTD_ID), "cached figures still published");
            f.clock.advance(Duration.ofHours(1));
            source.poll(f.clock.instant());
            assertEquals(8, f.aws.requests().size(), "nothing more is sent today");
        }
    }

    @Test
    void requestsPerDayAtDefaultSettingsStayWithinTheBudget() throws Exception {
        Instant midnight = Instant.parse("2026-11-22T00:00:00Z");
        try (CloudFixture f = new CloudFixture(dir, CloudSettings.defaults(), CloudFixture.FAKE_KEYS, midnight);
             SchedulerHarness h = new SchedulerHarness(f.clock, new CostExplorerSource(f.clients, f.budget))) {
            int polls = 0;
            int counted = 0;
            Instant end = midnight.plus(Duration.ofDays(1));
            while (true) {
                f.clock.set(h.status().nextPoll());
                if (!f.clock.instant().isBefore(end)) {
                    break;
                }
                h.tick();
                polls++;
                counted = f.budget.usedToday();
                assertEquals(HealthState.OK, h.health().state(), h.health().toString());
            }
            long sent = f.aws.requests().stream().filter(r -> r.path().equals("/")).count();
            System.out.printf("cost source at defaults: %d polls, %d Cost Explorer requests in one UTC day%n", polls, sent);
            assertEquals(24, polls);
            assertEquals(sent, counted, "the budget counted every request");
            assertTrue(sent <= CloudSettings.defaults().costExplorer().dailyRequestBudget(),
                    sent + " requests a day exceed the default budget");
        }
    }
}
