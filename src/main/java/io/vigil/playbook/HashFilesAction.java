package io.vigil.playbook;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code hash_files}: a SHA-256 manifest of every regular file under {@code path} (symlinks are not
 * followed), written in {@code sha256sum} format ({@code <hex>  <relative path>}) to
 * {@code manifest} in the run's evidence folder. Thread-safe.
 */
public final class HashFilesAction implements BuiltInAction {

    static final int MAX_FILES = 200_000;

    @Override
    public String name() {
        return "hash_files";
    }

    @Override
    public int run(Map<String, String> args, ActionContext ctx) throws ActionException {
        Path root = checked(ctx, args.get("path"));
        String manifestName = args.getOrDefault("manifest", "manifest.sha256");
        if (!manifestName.matches("[A-Za-z0-9._-]{1,64}") || manifestName.startsWith(".")) {
            throw new ActionException("manifest: a plain file name like manifest.sha256, got '" + manifestName + "'");
        }
        Path manifest = ctx.evidenceDir().resolve(manifestName);
        List<Path> files = listFiles(root, ctx);
        files.remove(manifest);
        try (Writer w = Files.newBufferedWriter(manifest, StandardCharsets.UTF_8)) {
            for (Path f : files) {
                if (ctx.cancelled()) {
                    throw new ActionException("stopped before hashing " + f);
                }
                String line = sha256(f) + "  " + relative(root, f);
                w.write(line);
                w.write('\n');
                ctx.out(line);
            }
        } catch (IOException e) {
            throw new ActionException("cannot write the manifest " + manifest + ": " + e.getMessage(), e);
        }
        ctx.out(files.size() + " files hashed; manifest: " + manifest);
        return 0;
    }

    static Path checked(ActionContext ctx, String raw) throws ActionException {
        if (raw == null || raw.isBlank()) {
            throw new ActionException("path: a file or folder is required");
        }
        try {
            return ctx.paths().checkPath(raw);
        } catch (IllegalArgumentException e) {
            throw new ActionException("path: " + e.getMessage());
        }
    }

    static String relative(Path root, Path f) {
        return Files.isDirectory(root) ? root.relativize(f).toString() : f.getFileName().toString();
    }

    static List<Path> listFiles(Path root, ActionContext ctx) throws ActionException {
        if (!Files.exists(root)) {
            throw new ActionException(root + " does not exist");
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> files = new ArrayList<>(walk.filter(Files::isRegularFile).limit(MAX_FILES + 1L).sorted().toList());
            if (files.size() > MAX_FILES) {
                throw new ActionException(root + " holds more than " + MAX_FILES + " files; pick a smaller folder");
            }
            return files;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ActionException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
