package io.vigil.app;

import io.vigil.rules.Signatures;
import io.vigil.store.OwnerOnly;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up permission check. The config and data folders are made owner-only (0700), and the
 * files Vigil trusts (they decide what it runs, allows or alerts on: settings, rules, playbooks,
 * allow-lists, signatures) are checked: one that its group or other users may write gets a warning
 * for the problems banner and the command line's stderr. Vigil does not change those files' modes
 * itself: they are the analyst's, and the warning says how to fix them.
 */
final class TrustedFiles {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedFiles.class);

    private TrustedFiles() {
    }

    /** Tightens the folders and returns one warning per loose trusted file or folder; empty when all is well. */
    static List<String> secureAtStart(AppPaths paths) {
        List<String> warnings = new ArrayList<>();
        for (Path dir : List.of(paths.configDir(), paths.dataDir())) {
            try {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && writableByOthers(dir)) {
                    warnings.add(dir + " could be written by other users ("
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))
                            + "); made owner-only now. Check it for files you did not put there.");
                }
                OwnerOnly.privateDirectory(dir);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.warn("Cannot make {} owner-only: {}", dir, e.getMessage());
                warnings.addAll(OwnerOnly.trustProblems(dir));
            }
        }
        for (Path f : trusted(paths)) {
            warnings.addAll(OwnerOnly.trustProblems(f));
        }
        warnings.forEach(w -> LOG.warn("Permissions: {}", w));
        return warnings.stream().map(w -> "Permissions: " + w).toList();
    }

    private static boolean writableByOthers(Path p) throws IOException {
        if (Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class) == null) {
            return false;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        return perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** The files (and the playbook folder) whose content decides what Vigil does. */
    static List<Path> trusted(AppPaths paths) {
        Path config = paths.configDir();
        List<Path> files = new ArrayList<>(List.of(paths.settingsFile(), config.resolve("rules.yaml"),
                config.resolve("workloads.yaml"), config.resolve(Signatures.ALLOW_FILE),
                config.resolve(Signatures.MINER_FILE), config.resolve(io.vigil.cost.GpuPricing.FILE)));
        Path playbooks = config.resolve("playbooks");
        if (Files.isDirectory(playbooks)) {
            files.add(playbooks);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(playbooks, "*.{yaml,yml}")) {
                ds.forEach(files::add);
            } catch (IOException e) {
                LOG.warn("Cannot list {}: {}", playbooks, e.getMessage());
            }
        }
        return files;
    }
}
