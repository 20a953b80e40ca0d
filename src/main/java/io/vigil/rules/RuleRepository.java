package io.vigil.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    private final Path file;
    private final RuleFile parser = new RuleFile();
    private final List<Consumer<List<Rule>>> listeners = new CopyOnWriteArrayList<>();
    /** Immutable; replaced whole under the monitor, read without it (the FX thread reads these). */
    private volatile List<Rule> rules = List.of();
    private volatile List<RuleProblem> problems = List.of();
    private FileTime loadedStamp;

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

    /** Loads the file, writing the defaults first when it does not exist. */
    public synchronized void load() {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, defaultText());
                LOG.info("Wrote the default rules to {}", file);
            }
            loadedStamp = Files.getLastModifiedTime(file);
            apply(parser.read(file));
        } catch (RuleFileException e) {
            problems = List.copyOf(e.problems());
            LOG.warn("Rules file has problems; keeping the last good rules ({}):\n{}", rules.size(), e.getMessage());
        } catch (IOException e) {
            problems = List.of(new RuleProblem(file.toString(), 0, 0, "cannot be written or read: " + e.getMessage()));
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
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            loadedStamp = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new RuleFileException(List.of(new RuleProblem(file.toString(), 0, 0,
                    "cannot be written: " + e.getMessage())));
        }
        apply(parsed);
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

    /** What is wrong with the file on disk; empty when the rules in force are its content. */
    public List<RuleProblem> problems() {
        return new ArrayList<>(problems);
    }
}
