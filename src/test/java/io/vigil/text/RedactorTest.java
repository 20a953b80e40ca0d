package io.vigil.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every secret form is masked, ordinary text (PWD, hashes, paths) is kept, and time stays linear. */
class RedactorTest {

    private final Redactor r = new Redactor();

    private static final String RSA_BODY = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";

    @Test
    void existingFormsStayMasked() {
        assertEquals("key [REDACTED] used", r.redact("key AKIAIOSFODNN7EXAMPLE used"));
        assertEquals("aws_secret_access_key = [REDACTED]",
                r.redact("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assertEquals("[REDACTED]", r.redact("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assertEquals("Authorization: Bearer [REDACTED]",
                r.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"));
        assertEquals("{\"password\": [REDACTED]}", r.redact("{\"password\": \"hunter2\"}"));
        assertEquals("https://bob:[REDACTED]@db.example", r.redact("https://bob:dbpass-9876@db.example"));
        assertEquals("GITHUB_TOKEN [REDACTED]", r.redact("GITHUB_TOKEN ghp_abcdefghijklmnopqrstuvwxyz0123456789"));
        assertEquals("slack [REDACTED]", r.redact("slack xoxb-123456789012-abcdefghijkl"));
        assertEquals("https://hooks.slack.com/services/[REDACTED]",
                r.redact("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX"));
    }

    @Test
    void newTokenFormsAreMasked() {
        assertEquals("HF [REDACTED]", r.redact("HF hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567"));
        assertEquals("key [REDACTED] ok", r.redact("key sk-AbCdEfGhIjKlMnOpQrStUvWx0123456789AbCdEfGhIjKl ok"));
        assertEquals("[REDACTED]", r.redact("sk-proj-Ab3dEfGh_IjKlMnOp-QrStUvWx0123456789"));
        assertEquals("maps [REDACTED]", r.redact("maps AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v"));
    }

    @Test
    void commandLineCredentialsAreMasked() {
        assertEquals("mysql --password [REDACTED] db", r.redact("mysql --password hunter2 db"));
        assertEquals("mysql --password=[REDACTED] db", r.redact("mysql --password=hunter2 db"));
        assertEquals("huggingface-cli login --hf-token [REDACTED]", r.redact("huggingface-cli login --hf-token abcdef123"));
        assertEquals("vllm --token [REDACTED] --port 8000", r.redact("vllm --token tok123 --port 8000"));
        assertEquals("curl -u alice:[REDACTED] https://x", r.redact("curl -u alice:pa55 https://x"));
        assertEquals("curl --user alice:[REDACTED] https://x", r.redact("curl --user alice:pa55 https://x"));
        assertEquals("app --token-file /run/secrets/t", r.redact("app --token-file /run/secrets/t"),
                "a flag naming a file is followed by a path, not a secret");
        assertEquals("ps -u root", r.redact("ps -u root"));
        assertEquals("docker login --password-stdin registry.example", r.redact("docker login --password-stdin registry.example"));
    }

    @Test
    void workingDirectoriesAreNotPasswords() {
        assertEquals("PWD=/home/alice/train", r.redact("PWD=/home/alice/train"));
        assertEquals("OLDPWD=/srv/models", r.redact("OLDPWD=/srv/models"));
        assertEquals("DB_PWD=[REDACTED]", r.redact("DB_PWD=hunter2"));
        assertEquals("Server=db;Pwd=[REDACTED];", r.redact("Server=db;Pwd=hunter2;"));
    }

    @Test
    void ordinaryTextIsKept() {
        String hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  model.bin";
        assertEquals(hash, r.redact(hash));
        assertEquals("pid 4242 user root cpu 99.0%", r.redact("pid 4242 user root cpu 99.0%"));
        assertEquals("task-runner-abcdefghijklmnopqrstuvwxyz-12345", r.redact("task-runner-abcdefghijklmnopqrstuvwxyz-12345"));
        assertEquals("hf_transfer_enabled=1", r.redact("hf_transfer_enabled=1"));
        assertEquals("at 12:30:00 token count 5", r.redact("at 12:30:00 token count 5"));
    }

    @Test
    void privateKeyBlocksAreMaskedInOneText() {
        for (String kind : List.of("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY",
                "ENCRYPTED PRIVATE KEY")) {
            String text = "before\n-----BEGIN " + kind + "-----\n" + RSA_BODY + "\n" + RSA_BODY + "\n-----END " + kind
                    + "-----\nafter";
            String out = r.redact(text);
            assertFalse(out.contains(RSA_BODY), kind + ": " + out);
            assertTrue(out.startsWith("before\n-----BEGIN " + kind + "-----"), out);
            assertTrue(out.endsWith("-----END " + kind + "-----\nafter"), out);
        }
        String inline = "SSH_KEY=-----BEGIN OPENSSH PRIVATE KEY-----\\n" + RSA_BODY + "\\n-----END OPENSSH PRIVATE KEY----- X=1";
        String out = r.redact(inline);
        assertFalse(out.contains(RSA_BODY), out);
        assertTrue(out.endsWith("X=1"), out);
        String pub = "-----BEGIN PUBLIC KEY-----\n" + RSA_BODY + "\n-----END PUBLIC KEY-----";
        assertEquals(pub, r.redact(pub), "public keys are not secrets");
    }

    @Test
    void aPrivateKeySplitOverStreamedLinesIsMasked() {
        Redactor.Stream s = r.stream();
        List<String> out = new ArrayList<>();
        for (String line : List.of("key follows:", "-----BEGIN RSA PRIVATE KEY-----", "Proc-Type: 4,ENCRYPTED",
                RSA_BODY, RSA_BODY.substring(0, 20), "-----END RSA PRIVATE KEY-----", "done", RSA_BODY)) {
            out.add(s.line(line));
        }
        assertFalse(String.join("\n", out.subList(0, 7)).contains(RSA_BODY.substring(0, 20)), out.toString());
        assertEquals("key follows:", out.get(0));
        assertEquals("-----END RSA PRIVATE KEY-----", out.get(5));
        assertEquals("done", out.get(6));
        assertEquals(RSA_BODY, out.get(7), "after the block, lines are shown again");
    }

    @Test
    void aBlockWithoutEndStopsAtTheFirstLineThatIsNotKeyMaterial() {
        Redactor.Stream s = r.stream();
        s.line("-----BEGIN PRIVATE KEY-----");
        assertEquals(Redactor.MASK, s.line(RSA_BODY));
        assertEquals("miner: accepted share 42", s.line("miner: accepted share 42"),
                "a process cannot hide its output behind a fake key header");
    }

    @Test
    void tenMegabytesOnOneLineAreRedactedInLinearTime() {
        // The old patterns were quadratic in the longest token: 400 KB took 48 s.
        String token = "a".repeat(10_000_000);
        long t0 = System.nanoTime();
        assertEquals(token, r.redact(token));
        String keyish = "x_password_".repeat(900_000) + "=v";
        assertEquals(keyish.substring(0, keyish.length() - 1) + Redactor.MASK, r.redact(keyish));
        String mixed = "sk-".repeat(1_000_000) + "Ab1".repeat(1_000_000);
        r.redact(mixed);
        String b64 = "aB3/".repeat(2_500_000);
        assertEquals(b64, r.redact(b64));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 20, "40 MB took " + seconds + " s");
    }
}
