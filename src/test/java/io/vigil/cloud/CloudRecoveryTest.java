package io.vigil.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.telemetry.HealthState;
import io.vigil.ui.cloud.CloudViewModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery after refused credentials, "Retry now", and which cause the Cloud view shows. */
class CloudRecoveryTest {

    @TempDir
    Path dir;

    private static long paid(FakeAws aws) {
        return aws.requests().stream().filter(r -> r.path().equals("/")).count();
    }

    @Test
    void afterExpiredCredentialsAChangedCredentialFileIsPickedUpWithinAMinuteAndNothingIsPaidMeanwhile()
            throws Exception {
        Path credentials = Files.writeString(dir.resolve("credentials"), "[default]\n");
        CredentialGate gate = new CredentialGate(List.of(credentials, dir.resolve("sso-cache")));
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("analyst", "us-east-1", 0, 50));
             SchedulerHarness h = new SchedulerHarness(f.clock, new CostExplorerSource(f.clients, f.budget,
                     d -> { }, new SplittableRandom(3), gate))) {
            f.aws.fail("GetCostAndUsage", FakeAws.Fault.EXPIRED_TOKEN);
            h.runNextPoll();
            Instant failedAt = f.clock.instant();
            assertEquals(HealthState.DOWN, h.health().state());
            assertTrue(h.health().reason().contains("aws sso login --profile analyst"), h.health().reason());
            assertEquals(CredentialGate.RECHECK, Duration.between(failedAt, h.status().nextPoll()));
            long paidAfterFailure = paid(f.aws);

            h.runNextPoll(); // files unchanged: the same cause, nothing sent
            assertEquals(HealthState.DOWN, h.health().state());
            assertTrue(h.health().reason().contains("expired"), h.health().reason());
            assertEquals(paidAfterFailure, paid(f.aws), "no paid request while nothing changed");

            Files.setLastModifiedTime(credentials, FileTime.from(Instant.now().plusSeconds(30))); // aws sso login
            h.runNextPoll();
            assertEquals(HealthState.OK, h.health().state(), h.health().toString());
            assertTrue(Duration.between(failedAt, f.clock.instant()).compareTo(Duration.ofMinutes(3)) <= 0,
                    "recovered " + Duration.between(failedAt, f.clock.instant()) + " after the failure, not 15 min");
        }
    }

    @Test
    void accessDeniedNamesTheActionAwsRefusedBeforeTheFullList() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50));
             SchedulerHarness h = new SchedulerHarness(f.clock, new CostExplorerSource(f.clients, f.budget))) {
            f.aws.fail("GetCostAndUsage", FakeAws.Fault.ACCESS_DENIED);
            h.runNextPoll();
            String reason = h.health().reason();
            assertTrue(reason.startsWith("Cost Explorer denied ce:GetCostAndUsage (AccessDeniedException). "
                    + "Grant ce:GetCostAndUsage. Vigil needs these read-only IAM actions: "), reason);
        }
    }

    @Test
    void retryNowCutsTheBackoffShortAndReadsAwsAtOnce() throws Exception {
        try (CloudFixture f = new CloudFixture(dir, CloudFixture.settings("", "us-east-1", 0, 50));
             SchedulerHarness h = new SchedulerHarness(f.clock, new CostExplorerSource(f.clients, f.budget,
                     d -> { }, new SplittableRandom(3)))) {
            for (int i = 0; i < CostExplorerSource.PAGE_ATTEMPTS; i++) {
                f.aws.fail("GetCostAndUsage", FakeAws.Fault.THROTTLE);
            }
            h.runNextPoll();
            assertEquals(HealthState.DOWN, h.health().state());
            assertTrue(h.status().nextPoll().isAfter(f.clock.instant().plusSeconds(20)), "backing off");
            List<Future<?>> started = h.scheduler.retryNow(s -> s.id().equals("cost"));
            assertEquals(1, started.size(), "Retry now starts the poll at once");
            started.getFirst().get(30, TimeUnit.SECONDS);
            assertEquals(HealthState.OK, h.health().state(), h.health().toString());
        }
    }

    @Test
    void theBannerShowsTheCauseTheAnalystMustFixNotAStaleThrottle() {
        AwsProblem throttled = new AwsProblem(AwsProblem.Kind.THROTTLED, "Cost Explorer is throttling requests",
                Duration.ofMinutes(2));
        AwsProblem expired = new AwsProblem(AwsProblem.Kind.EXPIRED, "AWS credentials have expired", Duration.ofMinutes(1));
        CostSnapshot cost = CostSnapshot.empty(0, 50).withProblem(throttled, 3);
        BillingSnapshot billing = BillingSnapshot.empty().withProblem(expired);
        CloudViewModel model = new CloudViewModel(() -> cost, () -> billing, ZoneOffset.UTC);
        assertEquals(AwsProblem.Kind.EXPIRED, model.banner().orElseThrow().kind());
    }
}
