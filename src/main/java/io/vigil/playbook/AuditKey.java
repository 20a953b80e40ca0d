package io.vigil.playbook;

import io.vigil.store.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that keys the audit chain (HMAC-SHA256), kept in its own owner-only file outside the
 * database, with the first entry it keys ({@code keyedFrom}): entries before it were written before
 * the key existed and are checked as the older plain SHA-256 chain. Someone who can write the
 * database but not read this file cannot recompute the keyed hashes. Immutable and thread-safe.
 *
 * <p>File format (text): {@code version: 1}, {@code key: <64 hex>}, {@code keyed-from: <seq>},
 * {@code created: <ISO instant>}; lines starting with {@code #} are comments.
 */
public final class AuditKey {

    private final Path file;
    private final byte[] secret;
    private final long keyedFrom;
    private final String created;

    private AuditKey(Path file, byte[] secret, long keyedFrom, String created) {
        this.file = file;
        this.secret = secret.clone();
        this.keyedFrom = keyedFrom;
        this.created = created;
    }

    /** The key in {@code file}, or empty when there is none. Throws when the file is unreadable or malformed. */
    public static Optional<AuditKey> load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String hex = null;
        Long from = null;
        String created = "";
        int n = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IOException(file + " line " + n + ": expected 'name: value'");
            }
            String name = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "key" -> hex = value;
                case "keyed-from" -> {
                    try {
                        from = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException(file + " line " + n + ": keyed-from must be an entry number, was '" + value + "'");
                    }
                }
                case "created" -> created = value;
                default -> {
                    // version and later additions
                }
            }
        }
        if (hex == null || !hex.matches("[0-9a-f]{64}") || from == null || from < 1) {
            throw new IOException(file + ": expected 'key: <64 hex digits>' and 'keyed-from: <entry number>'");
        }
        return Optional.of(new AuditKey(file, HexFormat.of().parseHex(hex), from, created));
    }

    /**
     * Creates a new random key in {@code file} (0600, written to a temporary file and moved into place)
     * keying entries from {@code keyedFrom} on. The caller holds the database's write lock, so two
     * processes cannot both create one.
     */
    public static AuditKey create(Path file, long keyedFrom, Instant now) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path dir = file.toAbsolutePath().getParent();
        OwnerOnly.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        OwnerOnly.writeString(tmp, """
                # Vigil audit key: keys the playbook audit chain (HMAC-SHA256). Keep it owner-only and out of
                # backups that travel with vigil.db: whoever holds this file and the database can rewrite the log.
                version: 1
                key: %s
                keyed-from: %d
                created: %s
                """.formatted(HexFormat.of().formatHex(secret), keyedFrom, now));
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return new AuditKey(file, secret, keyedFrom, now.toString());
    }

    /** HMAC-SHA256 of {@code data} under this key, as 64 lower-case hex digits. */
    public String mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** A short public name of the key (the first 16 hex digits of its SHA-256): says which key, reveals nothing. */
    public String id() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret)).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The first entry this key covers; earlier entries are the legacy plain SHA-256 chain. */
    public long keyedFrom() {
        return keyedFrom;
    }

    public String created() {
        return created;
    }

    public Path file() {
        return file;
    }
}
