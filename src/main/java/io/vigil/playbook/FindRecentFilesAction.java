package io.vigil.playbook;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code find_recent_files}: files whose name matches {@code patterns} (comma-separated globs; by
 * default model files) modified within {@code within} (a duration) under {@code path}, or under every
 * allowed root when no path is given. Symlinks are not followed; credential folders and key files
 * are never searched ({@link SensitivePaths}). Thread-safe.
 */
public final class FindRecentFilesAction implements BuiltInAction {

    static final String MODEL_PATTERNS = "*.bin,*.safetensors,*.pt,*.pth,*.onnx,*.gguf,*.ckpt,*.h5";
    static final int MAX_VISITED = 500_000;

    @Override
    public String name() {
        return "find_recent_files";
    }

    @Override
    public int run(Map<String, String> args, ActionContext ctx) throws ActionException {
        List<Path> roots = args.getOrDefault("path", "").isBlank() ? ctx.paths().allowedRoots()
                : List.of(HashFilesAction.checked(ctx, args.get("path")));
        Instant since;
        try {
            since = ctx.clock().instant().minus(Durations.parse(args.getOrDefault("within", "60m")));
        } catch (IllegalArgumentException e) {
            throw new ActionException("within: " + e.getMessage());
        }
        List<PathMatcher> matchers = Arrays.stream(args.getOrDefault("patterns", MODEL_PATTERNS).split(","))
                .map(String::strip).filter(s -> !s.isEmpty())
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        List<String> found = new ArrayList<>();
        int[] visited = {0};
        for (Path listed : roots) {
            Path root = listed;
            try {
                // An allowed root that is itself a link is searched where it really is, once.
                root = root.toRealPath();
            } catch (IOException e) {
                ctx.out("skipping " + root + ": " + e.getMessage());
                continue;
            }
            if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                ctx.out("skipping " + root + ": not a folder");
                continue;
            }
            ctx.out("searching " + root + " for " + args.getOrDefault("patterns", MODEL_PATTERNS) + " modified since " + since);
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                        // ~/.ssh, ~/.aws, … are never searched, even when ~ is an allowed root.
                        return ctx.paths().sensitive(d) == null ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (ctx.cancelled() || ++visited[0] > MAX_VISITED) {
                            return FileVisitResult.TERMINATE;
                        }
                        if (attrs.isRegularFile() && ctx.paths().sensitive(file) == null && attrs.lastModifiedTime().toInstant().isAfter(since)
                                && matchers.stream().anyMatch(m -> m.matches(file.getFileName()))) {
                            String line = attrs.lastModifiedTime().toInstant() + "  " + attrs.size() + " bytes  " + file;
                            found.add(line);
                            ctx.out(line);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // unreadable folders are skipped, not fatal
                    }
                });
            } catch (IOException e) {
                throw new ActionException("cannot search " + root + ": " + e.getMessage(), e);
            }
        }
        if (visited[0] > MAX_VISITED) {
            ctx.out("stopped after " + MAX_VISITED + " files; narrow the path");
        }
        ctx.out(found.size() + " recently modified files found");
        return 0;
    }
}
