package io.vigil.cost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prices in force: the built-in table with the analyst's {@code gpu-pricing.yaml} (config folder)
 * laid over it. {@link #refresh()} re-reads the file when its size or modification time changed; a
 * file that cannot be used leaves the last good prices in force and its {@code file:line:column}
 * message in {@link #problem()} until it is fixed (at start that means the built-in prices). A
 * deleted file means the built-in prices again. Thread-safe.
 */
public final class GpuPricing {

    /** The override file's name in the config folder. */
    public static final String FILE = GpuPriceTable.RESOURCE;
    private static final Logger LOG = LoggerFactory.getLogger(GpuPricing.class);

    private final GpuPriceTable base;
    private final Path userFile;
    private volatile GpuPriceTable current;
    private volatile Optional<String> problem = Optional.empty();
    private Object seenStamp;

    /** @param userFile the override file; null for the built-in prices only */
    public GpuPricing(GpuPriceTable base, Path userFile) {
        this.base = Objects.requireNonNull(base);
        this.userFile = userFile;
        this.current = base;
    }

    /** The built-in table with {@code configDir/gpu-pricing.yaml} over it, read now. */
    public static GpuPricing load(Path configDir) {
        GpuPricing p = new GpuPricing(GpuPriceTable.builtIn(), configDir == null ? null : configDir.resolve(FILE));
        p.refresh();
        return p;
    }

    /** The prices in force. */
    public GpuPriceTable table() {
        return current;
    }

    /** Why the override file is not in force ({@code file:line:column: …}); empty when it is, or there is none. */
    public Optional<String> problem() {
        return problem;
    }

    /** The override file's path, if one is configured (it need not exist). */
    public Optional<Path> userFile() {
        return Optional.ofNullable(userFile);
    }

    /** Re-reads the override file if it changed since the last call. Cheap when it did not (one stat). */
    public synchronized void refresh() {
        if (userFile == null) {
            return;
        }
        Object stamp;
        try {
            // IfExists: a file that is not there (the usual case, checked every poll) costs no exception.
            BasicFileAttributes a = userFile.getFileSystem().provider()
                    .readAttributesIfExists(userFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            stamp = a == null ? "absent" : a.isRegularFile() ? a.lastModifiedTime().toMillis() + ":" + a.size() : "not a file";
        } catch (IOException e) {
            stamp = "absent";
        }
        if (stamp.equals(seenStamp)) {
            return;
        }
        seenStamp = stamp;
        if (stamp.equals("absent")) {
            current = base;
            problem = Optional.empty();
            return;
        }
        try {
            if (stamp.equals("not a file")) {
                throw new PriceFileException(userFile + ": not a regular file (a link or folder is not read)");
            }
            if (Files.size(userFile) > GpuPriceTable.MAX_BYTES) {
                throw new PriceFileException(userFile + ": larger than " + GpuPriceTable.MAX_BYTES + " bytes");
            }
            String text = Files.readString(userFile, StandardCharsets.UTF_8);
            current = base.overriddenBy(GpuPriceTable.parse(text, userFile.toString(), userFile.toString()));
            problem = Optional.empty();
            LOG.info("GPU prices: {} entries, {} laid over the built-in ones", current.size(), userFile);
        } catch (PriceFileException e) {
            problem = Optional.of(e.getMessage() + " (the last good prices stay in force)");
            LOG.warn("GPU prices: {}", problem.get());
        } catch (IOException e) {
            problem = Optional.of(userFile + ": cannot be read (" + e.getMessage() + "); the last good prices stay in force");
            LOG.warn("GPU prices: {}", problem.get());
        }
    }
}
