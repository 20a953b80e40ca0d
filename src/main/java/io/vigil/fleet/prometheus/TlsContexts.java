package io.vigil.fleet.prometheus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the {@link SSLContext} of an https endpoint from PEM files: a CA bundle to trust (else the
 * JDK's trust store) and, for mTLS, a client certificate chain and its PKCS#8 private key. Messages
 * name the setting and file, never key material. Stateless.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * @param caFile   PEM bundle of trusted CAs, or null for the JDK's
     * @param certFile PEM client certificate (chain), or null without mTLS
     * @param keyFile  PEM PKCS#8 private key of {@code certFile}
     */
    public static SSLContext create(Path caFile, Path certFile, Path keyFile, String endpoint) {
        try {
            TrustManagerFactory tmf = null;
            if (caFile != null) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(caFile, endpoint + " caFile")) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (certFile != null) {
                List<Certificate> chain = certificates(certFile, endpoint + " certFile");
                PrivateKey key = privateKey(keyFile, endpoint + " keyFile");
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", key, new char[0], chain.toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(endpoint + ": cannot set up TLS (" + e.getMessage() + ")", e);
        }
    }

    static List<Certificate> certificates(Path file, String setting) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(setting + ": " + file + " holds no PEM certificate");
            }
            return new ArrayList<>(certs);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": " + file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + ": " + file + " is not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    static PrivateKey privateKey(Path file, String setting) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": " + file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")
                || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException(setting + ": " + file + " is not an unencrypted PKCS#8 key; convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(setting + ": " + file + " holds no PEM 'PRIVATE KEY' block");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        for (String alg : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(setting + ": " + file + " is not an RSA, EC or Ed25519 PKCS#8 key");
    }
}
