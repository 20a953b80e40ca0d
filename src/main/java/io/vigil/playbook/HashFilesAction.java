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
import java.nio.file.FileVisitResult;
import java.nio.file.LinkOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@code hash_files}: a SHA-256 manifest of every regular file under {@code path}, written in
 * {@code sha256sum} format ({@code <hex>  <relative path>}) to {@code manifest} in the run's evidence
 * folder. The path is resolved again when the step runs (not only when it was planned); symlinks
 * inside it are listed as skipped, never followed, and each file is opened without following a link
 * anywhere in its path ({@link ConfinedFiles}); credential folders and key files are skipped
 * ({@link SensitivePaths}). Thread-safe.
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
        Listing listing = listFiles(root, ctx.paths());
        listing.report(ctx);
        List<Path> files = new ArrayList<>(listing.files());
        files.remove(manifest);
        files.remove(realOrSelf(manifest));
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

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    /**
     * The regular files under {@code root} (sorted), how many entries were skipped, and the first
     * few reasons (a symlink, a credential folder or key file).
     */
    record Listing(List<Path> files, int skipped, List<String> notes) {
        static final int MAX_NOTES = 20;

        void report(ActionContext ctx) {
            notes.forEach(ctx::out);
            if (skipped > notes.size()) {
                ctx.out("… and " + (skipped - notes.size()) + " more skipped");
            }
        }
    }

    /**
     * Lists {@code root} (already resolved and checked) without following symlinks: a link is
     * reported and skipped, so nothing outside the root is ever listed. Credential folders and key
     * files ({@code policy}) are skipped too.
     */
    static Listing listFiles(Path root, ParameterBinder policy) throws ActionException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new ActionException(root + " does not exist");
        }
        List<Path> files = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int[] skipped = {0};
        java.util.function.Consumer<String> skip = note -> {
            if (++skipped[0] <= Listing.MAX_NOTES) {
                notes.add(note);
            }
        };
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    String why = policy.sensitive(d);
                    if (why != null) {
                        skip.accept("skipped " + d + ": " + why);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isSymbolicLink()) {
                        skip.accept("skipped " + relative(root, f) + ": a symlink (links are not followed, so "
                                + "nothing outside " + root + " is read)");
                    } else if (!attrs.isRegularFile()) {
                        skip.accept("skipped " + relative(root, f) + ": not a regular file");
                    } else if (policy.sensitive(f) != null) {
                        skip.accept("skipped " + relative(root, f) + ": " + policy.sensitive(f));
                    } else {
                        files.add(f);
                        if (files.size() > MAX_FILES) {
                            throw new IOException(root + " holds more than " + MAX_FILES + " files; pick a smaller folder");
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    skip.accept("skipped " + f + ": cannot be read (" + e.getMessage() + ")");
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ActionException("cannot list " + root + ": " + e.getMessage(), e);
        }
        files.sort(null);
        return new Listing(List.copyOf(files), skipped[0], List.copyOf(notes));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // Opened without following a link anywhere in its path: a folder swapped for a symlink since
        // the listing makes this fail instead of reading outside the root.
        try (InputStream in = java.nio.channels.Channels.newInputStream(ConfinedFiles.open(file))) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
