package io.vigil.fleet.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.fleet.FleetAuth;
import io.vigil.fleet.FleetEndpoint;
import io.vigil.fleet.FleetException;
import io.vigil.fleet.PrometheusHarness;
import io.vigil.fleet.PromQlQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth and mTLS against a real Prometheus configured with {@code --web.config.file}. */
class PrometheusAuthTest {

    /** bcrypt (cost 4, so the test stays fast) of "vigil-test-pass", made with libxcrypt's crypt(3). */
    static final String BCRYPT_OF_TEST_PASSWORD = "$2b$04$LsB3/RxrPpM/cientu699O53gsWqgRaqRQ8Y1Zif6RLqMSlb.afpu";

    @TempDir
    Path dir;

    private static FleetEndpoint endpoint(String name, String url, FleetAuth auth) {
        return new FleetEndpoint(name, url, auth, 10);
    }

    private static FleetAuth basic(String password) {
        return new FleetAuth("basic", "vigil", password, null, null, null, null, null, null);
    }

    @Test
    void basicAuthWorksWithTheRightPasswordAndNamesTheEndpointWhenRefused() throws Exception {
        try (PrometheusHarness prom = PrometheusHarness.start(List.of(),
                "basic_auth_users:\n  vigil: " + BCRYPT_OF_TEST_PASSWORD + "\n", "vigil", "vigil-test-pass")) {
            String url = prom.url().toString();
            Map<String, String> env = Map.of("PROM_PW", "vigil-test-pass", "WRONG_PW", "guess");
            PrometheusClient good = PrometheusEndpoints.client(endpoint("secured", url, basic("env:PROM_PW")), env,
                    Clock.systemUTC());
            assertEquals(List.of(new PromQlQuery.Value(Map.of(), 1)), good.query("scalar(vector(1))", null));

            Path secretFile = dir.resolve("prom-password");
            Files.writeString(secretFile, "vigil-test-pass\n");
            PrometheusClient fromFile = PrometheusEndpoints.client(endpoint("secured", url, basic(secretFile.toString())),
                    env, Clock.systemUTC());
            assertEquals(1, fromFile.query("scalar(vector(1))", null).getFirst().value(), "file secret, newline dropped");

            PrometheusClient bad = PrometheusEndpoints.client(endpoint("secured", url, basic("env:WRONG_PW")), env,
                    Clock.systemUTC());
            FleetException e = assertThrows(FleetException.class,
                    () -> new PrometheusFleetReader(bad, ExporterMapping.builtIn()).read(java.time.Instant.now()));
            assertEquals(FleetException.Kind.AUTH, e.kind());
            assertEquals("Prometheus 'secured' at " + url + " refused the credentials (HTTP 401 Unauthorized, auth basic,"
                    + " user 'vigil'). Check the auth of fleet endpoint 'secured'.", e.getMessage());
            assertFalse(e.getMessage().contains("guess"), "never the password");

            PrometheusClient none = PrometheusEndpoints.client(endpoint("secured", url, FleetAuth.NONE), env, Clock.systemUTC());
            assertEquals(FleetException.Kind.AUTH, assertThrows(FleetException.class, () -> none.targets()).kind());
        }
    }

    @Test
    void aMissingSecretSaysWhichSettingWithoutEchoingIt() {
        PrometheusClient c = PrometheusEndpoints.client(endpoint("prod", "http://127.0.0.1:9", basic("env:NOT_SET_HERE")),
                Map.of(), Clock.systemUTC());
        FleetException e = assertThrows(FleetException.class, () -> c.query("up", null));
        assertEquals(FleetException.Kind.AUTH, e.kind());
        assertEquals("fleet endpoint 'prod' auth.password: the environment variable NOT_SET_HERE is not set", e.getMessage());
        PrometheusClient pasted = PrometheusEndpoints.client(endpoint("prod", "http://127.0.0.1:9", basic("hunter2")),
                Map.of(), Clock.systemUTC());
        e = assertThrows(FleetException.class, () -> pasted.query("up", null));
        assertTrue(e.getMessage().startsWith("fleet endpoint 'prod' auth.password expects env:NAME or the path"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("the mTLS test makes its certificates with openssl: apt-get install openssl", e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    }

    /** A CA, a server certificate for 127.0.0.1 and a client certificate, all PEM, PKCS#8 keys. */
    private void makeCertificates() throws Exception {
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=vigil-test-ca", "-keyout", "ca.key", "-out", "ca.pem");
        for (String who : List.of("server", "client")) {
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
                    "/CN=vigil-test-" + who, "-keyout", who + ".key", "-out", who + ".csr");
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "2", "-extfile", "san.cnf", "-out", who + ".pem");
        }
    }

    @Test
    void mutualTlsWithACaBundleAndAClientCertificate() throws Exception {
        makeCertificates();
        String web = "tls_server_config:\n  cert_file: " + dir.resolve("server.pem") + "\n  key_file: "
                + dir.resolve("server.key") + "\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: "
                + dir.resolve("ca.pem") + "\n";
        try (PrometheusHarness prom = PrometheusHarness.startTls(List.of(), web, dir.resolve("ca.pem"),
                dir.resolve("client.pem"), dir.resolve("client.key"))) {
            String url = prom.url().toString();
            assertTrue(url.startsWith("https://127.0.0.1:"), url);
            FleetAuth mtls = new FleetAuth("mtls", null, null, null, dir.resolve("ca.pem").toString(),
                    dir.resolve("client.pem").toString(), dir.resolve("client.key").toString(), null, null);
            PrometheusClient c = PrometheusEndpoints.client(endpoint("lab-tls", url, mtls), Map.of(), Clock.systemUTC());
            assertEquals(1, c.query("scalar(vector(1))", null).getFirst().value());
            assertEquals(List.of(), c.targets());

            FleetAuth caOnly = new FleetAuth("none", null, null, null, dir.resolve("ca.pem").toString(), null, null, null, null);
            PrometheusClient noCert = PrometheusEndpoints.client(endpoint("lab-tls", url, caOnly), Map.of(), Clock.systemUTC());
            FleetException e = assertThrows(FleetException.class, () -> noCert.query("up", null));
            assertTrue(e.getMessage().startsWith("Prometheus 'lab-tls' at " + url), e.getMessage());
            assertTrue(e.kind() == FleetException.Kind.AUTH || e.kind() == FleetException.Kind.UNREACHABLE, e.toString());

            PrometheusClient untrusted = PrometheusEndpoints.client(endpoint("lab-tls", url, FleetAuth.NONE), Map.of(),
                    Clock.systemUTC());
            FleetException u = assertThrows(FleetException.class, () -> untrusted.query("up", null));
            assertTrue(u.getMessage().contains("caFile"), "a server the JDK does not trust: " + u.getMessage());
        }
    }
}
