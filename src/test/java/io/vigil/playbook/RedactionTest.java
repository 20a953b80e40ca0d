package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Secrets in program output never reach a listener (the view), the database, an export or the log. */
class RedactionTest {

    static final List<String> SECRETS = List.of("AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "hunter2hunter2", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "xoxb-123456789012-abcdefghijkl",
            "s3cr3t-t0ken-value", "dbpass-9876");

    @TempDir
    Path dir;

    @Test
    void redactorMasksEachKindOfSecretAndKeepsTheRest() {
        SecretRedactor r = new SecretRedactor();
        assertEquals("key [REDACTED] used", r.redact("key AKIAIOSFODNN7EXAMPLE used"));
        assertEquals("aws_secret_access_key = [REDACTED]", r.redact("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assertEquals("Authorization: Bearer [REDACTED]", r.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
        assertEquals("{\"password\": [REDACTED]}", r.redact("{\"password\": \"hunter2\"}"));
        assertEquals("https://bob:[REDACTED]@db.example", r.redact("https://bob:dbpass-9876@db.example"));
        String hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  model.bin";
        assertEquals(hash, r.redact(hash), "hashes are not secrets");
        assertEquals("pid 4242 user root cpu 99.0%", r.redact("pid 4242 user root cpu 99.0%"));
    }

    @Test
    void secretsNeverReachTheListenerTheDatabaseTheExportOrTheLog() throws Exception {
        // Tests run inside the io.vigil module, which does not read Logback (only SLF4J): add the edge here.
        for (String m : List.of("ch.qos.logback.classic", "ch.qos.logback.core")) {
            ModuleLayer.boot().findModule(m).ifPresent(getClass().getModule()::addReads);
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try (Rig rig = new Rig(dir)) {
            Path leak = Files.writeString(rig.roots.resolve("leak.txt"), String.join("\n",
                    "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
                    "session ASIAY34FZKBOKMUTVV7A",
                    "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'",
                    "password=hunter2hunter2",
                    "GITHUB_TOKEN ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                    "slack xoxb-123456789012-abcdefghijkl",
                    "{\"api_key\": \"s3cr3t-t0ken-value\"}",
                    "postgres://app:dbpass-9876@db:5432/x",
                    "an ordinary line") + "\n");
            Playbook p = rig.playbook("leaky", """
                    name: Leaky
                    parameters:
                      - {name: path, type: path}
                    steps:
                      - name: print a file full of secrets
                        run: [cat, "{{path}}"]
                      - name: and fail with them
                        run: [sh, -c, 'cat "$VIGIL_PARAM_PATH" >&2; exit 1']
                    """);
            RecordingListener l = new RecordingListener(null);
            RunResult r = rig.runner.run(rig.runner.plan(p, Map.of("path", leak.toString()), Map.of()), l, false);
            assertEquals(RunStatus.FAILED, r.status());
            assertTrue(l.lines.contains("an ordinary line"));
            StringWriter export = new StringWriter();
            rig.audit.exportJsonLines(export);
            StringBuilder everything = new StringBuilder(String.join("\n", l.lines)).append(export);
            for (StepResult s : r.steps()) {
                everything.append(s.output()).append(s.message());
            }
            for (AuditEntry e : rig.audit.entries()) {
                everything.append(e.toMap());
            }
            logged.list.forEach(e -> everything.append(e.getFormattedMessage()));
            for (String secret : SECRETS) {
                assertFalse(everything.toString().contains(secret), secret + " leaked");
            }
            assertTrue(logged.list.size() > 0, "the runner did log (without secrets)");
        } finally {
            root.detachAppender(logged);
        }
    }
}
