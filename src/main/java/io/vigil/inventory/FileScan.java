package io.vigil.inventory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The regular files under a baseline root (a folder, walked following symlinks, or one file), with
 * size and mtime, and the problems met on the way. Symlinks are followed because model caches are
 * built of them (Hugging Face's {@code snapshots/…} link into {@code blobs/}); a link that leads back
 * into its own ancestors, or nowhere, is reported and skipped instead of looping.
 */
record FileScan(List<Item> files, List<String> problems) {

    /** A regular file: path relative to the root ({@code /}-separated), absolute path, size, mtime. */
    record Item(String relative, Path absolute, long sizeBytes, long mtimeMillis) {
    }

    static FileScan of(Path root) throws IOException {
        List<Item> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.exists(root)) {
            throw new IOException(root + " does not exist");
        }
        if (Files.isRegularFile(root)) {
            BasicFileAttributes a = Files.readAttributes(root, BasicFileAttributes.class);
            files.add(new Item(root.getFileName().toString(), root, a.size(), a.lastModifiedTime().toMillis()));
            return new FileScan(files, problems);
        }
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    files.add(new Item(relative(root, file), file, attrs.size(), attrs.lastModifiedTime().toMillis()));
                } else if (attrs.isSymbolicLink()) {
                    problems.add(file + ": symlink cannot be followed (its target is missing or it loops); skipped");
                } else if (!attrs.isDirectory()) {
                    problems.add(file + ": not a regular file (device, socket or pipe); skipped");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (e instanceof FileSystemLoopException) {
                    problems.add(file + ": symlink loop (it leads back to " + e.getMessage() + "); not followed");
                } else if (e instanceof AccessDeniedException) {
                    problems.add(file + ": permission denied; skipped");
                } else {
                    problems.add(file + ": cannot be read (" + e + "); skipped");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(java.util.Comparator.comparing(Item::relative));
        return new FileScan(files, problems);
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }
}
