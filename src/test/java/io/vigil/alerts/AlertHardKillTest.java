package io.vigil.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.store.Database;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the alert lifecycle: a JVM acknowledges an alert and is killed hard (SIGKILL)
 * while it keeps writing; after reopening the file the acknowledgement is there and the database is
 * intact.
 */
class AlertHardKillTest {

    @TempDir
    Path dir;

    @Test
    void anAcknowledgementSurvivesAHardKill() throws Exception {
        Path file = dir.resolve("vigil.db");
        List<String> cp = new ArrayList<>();
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                cp.add(v);
            }
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp",
                String.join(File.pathSeparator, cp), AckHardKillMain.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        long id = -1;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("ACKED ")) {
                    id = Long.parseLong(line.substring("ACKED ".length()).trim());
                    break;
                }
            }
            assertTrue(id > 0, "the child acknowledged an alert; output:\n" + output);
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-write
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        try (Database db = Database.open(file)) {
            String check = db.read(c -> {
                try (var rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertEquals("ok", check);
            List<Alert> all = AlertManager.readAll(db, 10);
            long ackedId = id;
            Alert a = all.stream().filter(x -> x.id() == ackedId).findFirst().orElseThrow();
            assertEquals(AlertState.ACKNOWLEDGED, a.state(), "the acknowledgement was committed before it was reported");
            AlertManager alerts = new AlertManager(db, java.time.Clock.systemUTC(), rule -> java.util.Optional.empty());
            assertTrue(alerts.events(ackedId).stream().anyMatch(e -> e.kind().equals("acknowledged") && e.detail().equals("on it")),
                    "the acknowledged event and its note are there");
            assertEquals(AlertState.ACKNOWLEDGED, alerts.open().getFirst().state(), "and it is restored as acknowledged");
        }
    }
}
