package io.vigil.alerts;

import io.vigil.rules.Evaluation;
import io.vigil.rules.InstancePhase;
import io.vigil.rules.RuleInstance;
import io.vigil.rules.Severity;
import io.vigil.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Run in a separate JVM by {@link AlertHardKillTest}: raises an alert, acknowledges it, prints
 * "ACKED id" once {@code acknowledge} has returned, then keeps writing notes until it is killed hard.
 */
public final class AckHardKillMain {

    public static void main(String[] args) throws Exception {
        Database db = Database.open(Path.of(args[0]));
        AlertManager alerts = new AlertManager(db, Clock.systemUTC(), id -> Optional.empty(), Duration.ofMinutes(10));
        Instant now = Instant.now();
        alerts.reconcile(new Evaluation(now, List.of(new RuleInstance("miner", Map.of("pid", "4711"), Map.of("pid", "4711"),
                "pid 4711", Severity.CRITICAL, 3, InstancePhase.FIRING, now, now, "")), Map.of()));
        long id = alerts.open().getFirst().id();
        alerts.acknowledge(id, "on it");
        System.out.println("ACKED " + id);
        System.out.flush();
        for (int n = 0; ; n++) {
            alerts.annotate(id, "note " + n);
        }
    }
}
