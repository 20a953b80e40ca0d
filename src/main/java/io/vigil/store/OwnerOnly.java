package io.vigil.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and folders only their owner can read: folders 0700, files 0600, whatever the umask (the
 * permissions are given at creation, not left to the umask, and set again afterwards). On a file
 * system without POSIX permissions (Windows) these are plain creations: the per-user profile folders
 * are already private there.
 *
 * <p>Also the start-up check of the files Vigil trusts (settings, rules, playbooks): one that others
 * may write is a way to change what Vigil runs. Stateless and thread-safe.
 */
public final class OwnerOnly {

    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    private static boolean posix(Path p) {
        Path existing = p.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
    }

    /**
     * Creates {@code dir} and its missing parents; the folders this creates are 0700 (parents that
     * exist are left as they are: they may be the user's own). Returns {@code dir}.
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return dir;
        }
        Path parent = abs.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createDirectories(parent);
        }
        try {
            if (posix(abs)) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIR));
                Files.setPosixFilePermissions(abs, DIR);
            } else {
                Files.createDirectory(abs);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
        }
        return dir;
    }

    /** Creates {@code dir} 0700 if missing, and makes it 0700 if it exists with wider permissions. */
    public static Path privateDirectory(Path dir) throws IOException {
        createDirectories(dir);
        restrict(dir);
        return dir;
    }

    /** Sets {@code p} to 0700 (folder) or 0600 (file) when it exists on a POSIX file system; not a link's target. */
    public static void restrict(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p) || !posix(p)) {
            return;
        }
        Set<PosixFilePermission> want = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIR : FILE;
        if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(want)) {
            Files.setPosixFilePermissions(p, want);
        }
    }

    /** {@link #restrict} on {@code root} and everything below it (links are not followed). */
    public static void restrictTree(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            restrict(root);
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                restrict(p);
            }
        }
    }

    /** Creates an empty 0600 file if {@code file} does not exist (its folder must exist). */
    public static void createFileIfMissing(Path file) throws IOException {
        try {
            if (posix(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            // someone else made it: fine
        }
        restrict(file);
    }

    /** The attributes for a new owner-only file, or none where POSIX permissions do not exist. */
    public static FileAttribute<?>[] fileAttributes(Path file) {
        return posix(file) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /** Writes {@code text} to {@code file} (created 0600, replaced if it exists) and makes it 0600. */
    public static void writeString(Path file, String text) throws IOException {
        createFileIfMissing(file);
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    /** Appends {@code line} and a newline to {@code file} (created 0600), forcing it to disk. */
    public static void appendLine(Path file, String line) throws IOException {
        createFileIfMissing(file);
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    /**
     * What is wrong with the permissions of {@code file}, a file Vigil trusts (it decides what Vigil
     * runs or allows): empty when only its owner may write it or it does not exist.
     */
    public static List<String> trustProblems(Path file) {
        List<String> out = new ArrayList<>();
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || !posix(file)) {
                return out;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            EnumSet<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
            for (PosixFilePermission p : List.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE)) {
                if (perms.contains(p)) {
                    loose.add(p);
                }
            }
            if (!loose.isEmpty()) {
                String who = loose.size() == 2 ? "its group and every other user"
                        : loose.contains(PosixFilePermission.OTHERS_WRITE) ? "every other user" : "its group";
                out.add(file + " can be changed by " + who + " (" + PosixFilePermissions.toString(perms)
                        + "): they could change what Vigil runs or allows. Fix: chmod "
                        + (Files.isDirectory(file) ? "700 " : "600 ") + file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            out.add(file + ": cannot read its permissions (" + e.getMessage() + ")");
        }
        return out;
    }
}
