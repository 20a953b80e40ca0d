package io.vigil.cloud;

import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** A fake AWS endpoint, a database, a manual clock and clients wired to them, with fake static keys. */
final class CloudFixture implements AutoCloseable {

    /** Generous: the first call of a fresh client loads much of the SDK (≈0.7 s, more on a busy machine). */
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(3);
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final AwsCredentialsProvider FAKE_KEYS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAFAKEFAKEFAKE0000", "fake/secret/key/for/tests/only/00000000"));

    final FakeAws aws;
    final ManualClock clock;
    final Path dbFile;
    Database database;
    RequestBudget budget;
    AwsClients clients;

    CloudFixture(Path dir, CloudSettings settings) throws Exception {
        this(dir, settings, FAKE_KEYS, NOW);
    }

    CloudFixture(Path dir, CloudSettings settings, AwsCredentialsProvider credentials, Instant start) throws Exception {
        aws = new FakeAws();
        clock = new ManualClock(start);
        dbFile = dir.resolve("vigil.db");
        database = Database.open(dbFile);
        budget = new RequestBudget(database, clock, settings.costExplorer().dailyRequestBudget());
        clients = new AwsClients(settings, credentials, aws.uri(), budget, API_CALL_TIMEOUT);
    }

    static CloudSettings settings(String profile, String region, double monthlyBudget, int dailyRequests) {
        return new CloudSettings(profile, region, monthlyBudget,
                new CloudSettings.CostExplorer(dailyRequests, 0, 0, 0, 0), null);
    }

    @Override
    public void close() {
        clients.close();
        database.close();
        aws.close();
    }
}
