package io.vigil.app;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertManager;
import io.vigil.playbook.CaptureEvidenceAction;
import io.vigil.playbook.PlaybookSettings;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code security} block of {@code vigil status --json}: what the running app recorded that an
 * analyst checks first. The open {@code exfiltration.suspected} alerts from the data directory's
 * database (pid, files, remote addresses and bytes in their labels), and the newest evidence
 * captures from the evidence folder, each manifest re-hashed against its files. Reads only; a
 * missing database or folder gives empty lists, a broken one an {@code error} entry.
 */
final class SecurityStatus {

    static final String EXFILTRATION_RULE = "exfiltration.suspected";
    static final int MAX_CAPTURES = 10;
    /** Files larger than this (a saved container image) are not re-hashed by a status call. */
    static final long MAX_REHASH_BYTES = 256L << 20;

    private SecurityStatus() {
    }

    static Map<String, Object> read(AppPaths paths, Settings settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("exfiltrationSuspected", exfiltration(paths.databaseFile()));
        Path evidence = settings.section("playbooks", PlaybookSettings.class, p -> { }).evidence(paths.dataDir());
        out.put("evidenceFolder", evidence.toString());
        out.put("evidenceCaptures", captures(evidence));
        return out;
    }

    static List<Map<String, Object>> exfiltration(Path dbFile) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(dbFile)) {
            return out;
        }
        try (Database db = Database.open(dbFile)) {
            for (Alert a : AlertManager.readAll(db, 1000)) {
                if (a.ruleId().equals(EXFILTRATION_RULE) && a.state().open()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", a.id());
                    m.put("severity", a.severity().name());
                    m.put("state", a.state().name());
                    m.put("subject", a.subject());
                    m.put("since", a.since().toString());
                    m.put("labels", new java.util.TreeMap<>(a.labels()));
                    m.put("value", a.value());
                    out.add(m);
                }
            }
        } catch (StoreException | RuntimeException e) {
            out.add(Map.of("error", "cannot read " + dbFile + ": " + e.getMessage()));
        }
        return out;
    }

    /** The newest manifests under {@code evidence}, each with whether its files still match. */
    static List<Map<String, Object>> captures(Path evidence) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isDirectory(evidence)) {
            return out;
        }
        List<Path> manifests;
        try (Stream<Path> walk = Files.walk(evidence, 6)) {
            manifests = walk.filter(p -> p.getFileName().toString().equals(CaptureEvidenceAction.MANIFEST))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(SecurityStatus::modified).reversed())
                    .limit(MAX_CAPTURES).toList();
        } catch (IOException | RuntimeException e) {
            out.add(Map.of("error", "cannot list " + evidence + ": " + e.getMessage()));
            return out;
        }
        for (Path m : manifests) {
            out.add(verify(evidence, m));
        }
        return out;
    }

    static Map<String, Object> verify(Path evidence, Path manifest) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("manifest", evidence.relativize(manifest).toString());
        r.put("time", java.time.Instant.ofEpochMilli(modified(manifest)).toString());
        List<String> problems = new ArrayList<>();
        int files = 0;
        try {
            byte[] bytes = Files.readAllBytes(manifest);
            r.put("sha256", hex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            Path dir = manifest.getParent().toAbsolutePath().normalize();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                int sep = line.indexOf("  ");
                if (sep != 64) {
                    problems.add("not a manifest line: " + io.vigil.text.SafeText.of(line));
                    continue;
                }
                files++;
                String name = line.substring(sep + 2);
                Path f = dir.resolve(name).normalize();
                // The manifest names files beside it; nothing outside its folder is read.
                if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
                    problems.add(io.vigil.text.SafeText.of(name) + ": missing");
                } else if (Files.size(f) > MAX_REHASH_BYTES) {
                    problems.add(io.vigil.text.SafeText.of(name) + ": not re-hashed here (over 256 MiB)");
                } else if (!line.substring(0, 64).equalsIgnoreCase(sha256(f))) {
                    problems.add(io.vigil.text.SafeText.of(name) + ": changed since the capture");
                }
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            problems.add("cannot read: " + e.getMessage());
        }
        r.put("files", files);
        r.put("verified", problems.isEmpty());
        r.put("problems", problems);
        return r;
    }

    private static String sha256(Path f) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return hex(md.digest());
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
