package io.vigil.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.store.Database;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.SourceException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The test JVM never reaches real AWS: the SDK's default chain (as a full Wiring uses it) finds the
 * fake keys of the build's test environment and every default endpoint is a closed loopback port.
 */
class NoRealAwsTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultChainFindsOnlyTheTestKeys() {
        try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            assertEquals("AKIAVIGILTESTS000000", chain.resolveCredentials().accessKeyId(),
                    "surefire must set fake keys ahead of any real profile");
        }
        assertTrue(String.valueOf(System.getenv("AWS_ENDPOINT_URL")).startsWith("http://127.0.0.1:"),
                "surefire must point every SDK client at loopback");
    }

    @Test
    void servicesBuiltLikeTheAppsFailOnLoopbackAndSendNothingAnywhere() throws Exception {
        try (Database db = Database.open(dir.resolve("vigil.db"))) {
            RequestBudget budget = new RequestBudget(db, new ManualClock(CloudFixture.NOW), 50);
            CloudServices cloud = CloudServices.create(CloudSettings.defaults(), budget);
            SourceException e = assertThrows(SourceException.class, () -> cloud.cost().poll(CloudFixture.NOW));
            assertTrue(AwsProblem.find(e, java.net.ConnectException.class) != null
                    || String.valueOf(e.getMessage()).contains("127.0.0.1"), e.toString());
            cloud.cost().close();
        }
    }
}
