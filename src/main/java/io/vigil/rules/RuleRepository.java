package io.vigil.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules file on disk ({@code rules.yaml} in the config directory) and the rules in force. The
 * default file is written on first run. A file that does not parse leaves the last good rules
 * active and sets {@link #problems()} for the Rules view. Edits made in a text editor are picked up
 * by {@link #reloadIfChanged()}; edits in the app go through {@link #save(String)}, which validates
 * before it writes.
 *
 * <p>Thread-safe.
 */
public final class RuleRepository {

    private static final Logger LOG = LoggerFactory.getLogger(RuleRepository.class);
    public static final String DEFAULT_RESOURCE = "default-rules.yaml";
    /** Suffix of the copy of the last file that loaded cleanly. */
    public static final String LAST_GOOD_SUFFIX = ".last-good";
    private static final Set<PosixFilePermission> OWNER_ONLY =
            Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path file;
    private final RuleFile parser = new RuleFile();
    private final List<Consumer<List<Rule>>> listeners = new CopyOnWriteArrayList<>();
    // Volatile so readers (the FX thread among them) never wait on the lock load() holds across disk I/O.
    private volatile List<Rule> rules = List.of();
    private volatile List<RuleProblem> problems = List.of();
    private FileTime loadedStamp;
    private volatile Path lastGoodInUse;

    public RuleRepository(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Called with the new rules whenever a good file is applied. */
    public void addListener(Consumer<List<Rule>> listener) {
        listeners.add(listener);
    }

    /** The built-in default rules file text. */
    public static String defaultText() {
        try (InputStream in = RuleRepository.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads the file, writing the defaults first when it does not exist. A broken file keeps the rules
     * in force; when there are none yet (the console just started), the last-good copy is loaded
     * instead, so a restart never leaves the analyst without rules. Nothing in the file can make this
     * throw.
     */
    public synchronized void load() {
        String text;
        try {
            if (!Files.exists(file)) {
                io.vigil.store.OwnerOnly.createDirectories(file.toAbsolutePath().getParent());
                io.vigil.store.OwnerOnly.writeString(file, defaultText());
                LOG.info("Wrote the default rules to {}", file);
            }
            loadedStamp = Files.getLastModifiedTime(file);
            text = readBounded(file);
        } catch (RuleFileException e) {
            broken(e.problems());
            return;
        } catch (IOException e) {
            broken(List.of(new RuleProblem(file.toString(), 0, 0, "cannot be written or read: " + e.getMessage())));
            return;
        }
        try {
            apply(parser.parse(file.toString(), text));
            keepLastGood(text);
        } catch (RuleFileException e) {
            broken(e.problems());
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure reading {}", file, e);
            broken(List.of(new RuleProblem(file.toString(), 0, 0, "cannot be read: " + e)));
        }
    }

    private String readBounded(Path f) throws IOException, RuleFileException {
        long size = Files.size(f);
        if (size > RuleFile.MAX_BYTES) {
            throw new RuleFileException(List.of(new RuleProblem(f.toString(), 0, 0, String.format(
                    "the file is %.1f MB; a rules file may be at most %d MB", size / 1048576.0,
                    RuleFile.MAX_BYTES / 1048576))));
        }
        return Files.readString(f);
    }

    /** {@code rules.yaml} is broken: keep what is in force, or fall back to the last-good copy at start. */
    private void broken(List<RuleProblem> fileProblems) {
        problems = fileProblems;
        if (rules.isEmpty() && lastGoodInUse == null) {
            Path copy = lastGoodFile();
            try {
                if (Files.exists(copy)) {
                    apply(parser.parse(copy.toString(), readBounded(copy)));
                    lastGoodInUse = copy;
                    problems = fileProblems;
                    LOG.warn("{} has problems; running the {} rules of {}", file, rules.size(), copy);
                }
            } catch (RuleFileException | IOException | RuntimeException e) {
                LOG.warn("The last-good copy {} cannot be used either: {}", copy, e.getMessage());
            }
        }
        LOG.warn("Rules file has problems; keeping the last good rules ({}):\n{}", rules.size(),
                new RuleFileException(fileProblems).getMessage());
    }

    /** Keeps a copy of a file that loaded cleanly, owner-only, replaced atomically. */
    private void keepLastGood(String text) {
        Path copy = lastGoodFile();
        try {
            if (Files.exists(copy) && Files.readString(copy).equals(text)) {
                return;
            }
            Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, text);
            Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // The copy is a safety net; failing to write it must not fail a good load.
            LOG.warn("Cannot keep the last good rules in {}: {}", copy, e.getMessage());
        }
    }

    /** Reloads when the file's modification time changed since the last load. */
    public void reloadIfChanged() {
        try {
            FileTime stamp = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            boolean changed;
            synchronized (this) {
                changed = stamp != null && !stamp.equals(loadedStamp);
            }
            if (changed) {
                load();
            }
        } catch (IOException e) {
            LOG.debug("Cannot check {}: {}", file, e.getMessage());
        }
    }

    /** Validates {@code text}; when good, writes it (atomically) and applies it. Throws with the problems otherwise. */
    public synchronized void save(String text) throws RuleFileException {
        List<Rule> parsed = parser.parse(file.toString(), text);
        try {
            io.vigil.store.OwnerOnly.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            io.vigil.store.OwnerOnly.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            loadedStamp = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new RuleFileException(List.of(new RuleProblem(file.toString(), 0, 0,
                    "cannot be written: " + e.getMessage())));
        }
        apply(parsed);
        keepLastGood(text);
    }

    /** The text of the file as it is on disk, or the defaults when it cannot be read. */
    public String text() {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return defaultText();
        }
    }

    /** Checks {@code text} without saving: the problems, empty when it is good. */
    public List<RuleProblem> check(String text) {
        try {
            parser.parse(file.toString(), text);
            return List.of();
        } catch (RuleFileException e) {
            return e.problems();
        }
    }

    private void apply(List<Rule> parsed) {
        rules = List.copyOf(parsed);
        problems = List.of();
        lastGoodInUse = null;
        for (Consumer<List<Rule>> l : listeners) {
            l.accept(rules);
        }
    }

    /** The rules in force (the last good ones). */
    public List<Rule> rules() {
        return rules;
    }

    public Optional<Rule> rule(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /**
     * The last-good copy when its rules are the ones in force because {@code rules.yaml} itself is
     * broken (the console started with a broken file); empty when the rules in force are the file's.
     */
    public Optional<Path> lastGoodInUse() {
        return Optional.ofNullable(lastGoodInUse);
    }

    /** Where a copy of the last file that loaded cleanly is kept: {@code rules.yaml.last-good} beside it. */
    public Path lastGoodFile() {
        return file.resolveSibling(file.getFileName() + LAST_GOOD_SUFFIX);
    }

    /** What is wrong with the file on disk; empty when the rules in force are its content. */
    public List<RuleProblem> problems() {
        return new ArrayList<>(problems);
    }
}
