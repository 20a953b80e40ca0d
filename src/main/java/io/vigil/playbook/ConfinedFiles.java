package io.vigil.playbook;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Opens a file for reading so that no symlink in its path is followed at the moment it is opened,
 * not only when it was checked: a folder swapped for a link between the check and the read (a
 * time-of-check/time-of-use race) makes the open fail instead of reading outside the roots. Where
 * the platform offers {@link SecureDirectoryStream} (Linux), every component is opened relative to
 * its parent with {@code O_NOFOLLOW}; elsewhere the real path is compared and the last component is
 * opened with {@code NOFOLLOW_LINKS}. Stateless and thread-safe.
 */
final class ConfinedFiles {

    private ConfinedFiles() {
    }

    /** Opens {@code file} (absolute, without symlinks) for reading; throws when any part of it is a link. */
    static SeekableByteChannel open(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        List<Path> parts = new ArrayList<>();
        abs.forEach(parts::add);
        if (parts.isEmpty()) {
            throw new IOException(file + " is not a file");
        }
        DirectoryStream<Path> top = Files.newDirectoryStream(abs.getRoot());
        if (!(top instanceof SecureDirectoryStream<Path> dir)) {
            top.close();
            return openPlain(abs);
        }
        List<SecureDirectoryStream<Path>> opened = new ArrayList<>();
        opened.add(dir);
        try {
            for (int i = 0; i < parts.size() - 1; i++) {
                dir = dir.newDirectoryStream(parts.get(i), LinkOption.NOFOLLOW_LINKS);
                opened.add(dir);
            }
            return dir.newByteChannel(parts.getLast(), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        } catch (AccessDeniedException e) {
            // A folder we may pass through but not list (mode --x): compare the real path instead.
            return openPlain(abs);
        } catch (IOException e) {
            throw new IOException(file + " cannot be opened without following a symlink (" + e.getMessage() + ")", e);
        } finally {
            for (SecureDirectoryStream<Path> d : opened) {
                d.close();
            }
        }
    }

    private static SeekableByteChannel openPlain(Path abs) throws IOException {
        if (!abs.toRealPath().equals(abs)) {
            throw new IOException(abs + " leads through a symlink (really " + abs.toRealPath() + ")");
        }
        return Files.newByteChannel(abs, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }
}
