package io.vigil.inventory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds model files ({@code .bin .safetensors .pt .pth .onnx .gguf .ckpt .h5}) modified within a
 * window under the watched roots. Only metadata is read, never contents; symlinks are not followed
 * here (a loop cannot trap it), and at most {@code maxEntries} entries are visited per scan so a
 * huge tree cannot make a poll overrun. Thread-safe (stateless).
 */
public final class ModelFileScanner implements RecentModelFiles {

    static final Set<String> EXTENSIONS = Set.of(".bin", ".safetensors", ".pt", ".pth", ".onnx", ".gguf", ".ckpt", ".h5");

    private final int maxEntries;

    public ModelFileScanner(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The result: files, newest first, and whether the walk stopped at the entry limit. */
    public record Result(List<RecentModelFile> files, boolean truncated, List<String> problems) {
    }

    @Override
    public Result recentlyModified(List<Path> roots, Duration window, Instant now) {
        long since = now.minus(window).toEpochMilli();
        List<RecentModelFile> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int[] visited = {0};
        boolean[] truncated = {false};
        for (Path root : roots) {
            if (!Files.exists(root)) {
                problems.add(root + ": watched root does not exist");
                continue;
            }
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (++visited[0] > maxEntries) {
                            truncated[0] = true;
                            return FileVisitResult.TERMINATE;
                        }
                        if (attrs.isRegularFile() && isModelFile(file) && attrs.lastModifiedTime().toMillis() >= since) {
                            out.add(new RecentModelFile(file, attrs.size(), attrs.lastModifiedTime().toMillis()));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                problems.add(root + ": " + e.getMessage());
            }
        }
        out.sort(Comparator.comparingLong(RecentModelFile::mtimeMillis).reversed());
        return new Result(out, truncated[0], problems);
    }

    static boolean isModelFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(name.substring(dot));
    }
}
