package io.vigil.playbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code verify_hashes}: compares the files under {@code path} with a {@code sha256sum}-format
 * {@code manifest} and reports drift (changed, missing, added files). Exit code 0 when nothing
 * drifted, 1 otherwise. Thread-safe.
 */
public final class VerifyHashesAction implements BuiltInAction {

    /** Largest manifest read: about 100 000 files. */
    static final int MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

    @Override
    public String name() {
        return "verify_hashes";
    }

    @Override
    public int run(Map<String, String> args, ActionContext ctx) throws ActionException {
        Path root = HashFilesAction.checked(ctx, args.get("path"));
        Path manifest = HashFilesAction.checked(ctx, args.get("manifest"));
        Map<String, String> expected = new LinkedHashMap<>();
        try {
            int lineNo = 0;
            List<String> lines;
            try (var in = java.nio.channels.Channels.newInputStream(ConfinedFiles.open(manifest))) {
                lines = new String(in.readNBytes(MAX_MANIFEST_BYTES + 1), StandardCharsets.UTF_8).lines().toList();
            }
            for (String line : lines) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (!line.matches("[0-9a-f]{64} [ *].+")) {
                    throw new ActionException(manifest + ":" + lineNo + ": expected '<sha256>  <path>' (sha256sum format)");
                }
                expected.put(line.substring(66), line.substring(0, 64));
            }
        } catch (IOException e) {
            throw new ActionException("cannot read the manifest " + manifest + ": " + e.getMessage(), e);
        }
        int changed = 0;
        int missing = 0;
        int added = 0;
        TreeSet<String> seen = new TreeSet<>();
        HashFilesAction.Listing listing = HashFilesAction.listFiles(root, ctx.paths());
        listing.report(ctx);
        for (Path f : listing.files()) {
            if (ctx.cancelled()) {
                throw new ActionException("stopped before checking " + f);
            }
            if (f.equals(manifest)) {
                continue;
            }
            String rel = HashFilesAction.relative(root, f);
            seen.add(rel);
            String want = expected.get(rel);
            if (want == null) {
                ctx.out("ADDED    " + rel);
                added++;
                continue;
            }
            try {
                if (!want.equals(HashFilesAction.sha256(f))) {
                    ctx.out("CHANGED  " + rel);
                    changed++;
                }
            } catch (IOException e) {
                ctx.out("UNREADABLE " + rel + ": " + e.getMessage());
                changed++;
            }
        }
        for (String rel : List.copyOf(expected.keySet())) {
            if (!seen.contains(rel)) {
                ctx.out("MISSING  " + rel);
                missing++;
            }
        }
        int drift = changed + missing + added;
        ctx.out(drift == 0 ? "no drift: " + seen.size() + " files match the manifest"
                : "drift: " + changed + " changed, " + missing + " missing, " + added + " added");
        return drift == 0 ? 0 : 1;
    }
}
