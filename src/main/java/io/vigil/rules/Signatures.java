package io.vigil.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data the process detectors match against: the allow-list of known GPU workloads and the
 * miner signatures (names, URL schemes, flags, pool host names, pool ports). Both are plain text
 * files shipped in the app and copied to the config directory on first run, where the analyst edits
 * them. The composition root loads them once and hands the same instance to the rules and to the
 * playbook actions, so an alert and a triage step never disagree. Immutable and thread-safe.
 *
 * <p>Allow-list lines name what a process runs (see {@link AllowList}). Miner lines are
 * {@code name X}, {@code url X}, {@code flag X}, {@code pool X} (a word of a pool's host name, such
 * as {@code supportxmr}) or {@code port N}. {@code #} starts a comment.
 */
public final class Signatures {

    public static final String ALLOW_FILE = "gpu-workload-allowlist.txt";
    public static final String MINER_FILE = "miner-signatures.txt";
    private static final Logger LOG = LoggerFactory.getLogger(Signatures.class);
    /** A line only the shipped allow-list of earlier versions had, when entries were substrings. */
    private static final String SUBSTRING_ERA_HEADER = "piece of the process name or command line";

    private final List<String> allowed;
    private final AllowList allowList;
    private final List<String> minerNames;
    private final List<String> urlSchemes;
    private final List<String> flags;
    private final List<String> pools;
    private final List<Integer> poolPorts;

    public Signatures(List<String> allowed, List<String> minerNames, List<String> urlSchemes,
                      List<String> flags, List<Integer> poolPorts) {
        this(allowed, minerNames, urlSchemes, flags, List.of(), poolPorts);
    }

    public Signatures(List<String> allowed, List<String> minerNames, List<String> urlSchemes,
                      List<String> flags, List<String> pools, List<Integer> poolPorts) {
        this.allowed = List.copyOf(allowed);
        this.allowList = AllowList.of(this.allowed);
        this.minerNames = List.copyOf(minerNames);
        this.urlSchemes = List.copyOf(urlSchemes);
        this.flags = List.copyOf(flags);
        this.pools = List.copyOf(pools);
        this.poolPorts = List.copyOf(poolPorts);
    }

    /** The allow-list lines as written (lower case). */
    public List<String> allowed() {
        return allowed;
    }

    /** The allow-list, parsed: what decides whether a process is a known workload. */
    public AllowList allowList() {
        return allowList;
    }

    /** Miner program names (lower case). */
    public List<String> minerNames() {
        return minerNames;
    }

    /** Pool URL schemes such as {@code stratum+tcp://} (lower case). */
    public List<String> urlSchemes() {
        return urlSchemes;
    }

    /** Command-line flags typical of miners, compared with whole arguments. */
    public List<String> flags() {
        return flags;
    }

    /** Words of mining-pool host names ({@code supportxmr}, {@code nicehash}), lower case. */
    public List<String> pools() {
        return pools;
    }

    /** Remote ports mining pools listen on. */
    public List<Integer> poolPorts() {
        return poolPorts;
    }

    /** The shipped lists. */
    public static Signatures builtIn() {
        return parse(resource(ALLOW_FILE), resource(MINER_FILE));
    }

    /**
     * The lists in {@code configDir}, written there from the shipped ones when missing. A file that
     * cannot be read falls back to the shipped list.
     */
    public static Signatures load(Path configDir) {
        String allowText = userFile(configDir.resolve(ALLOW_FILE), ALLOW_FILE);
        if (allowText.contains(SUBSTRING_ERA_HEADER)) {
            // Entries used to match any piece of a command line; they now name programs. Say so once.
            LOG.warn("{} was written by an earlier Vigil, when entries matched any piece of a command line; they "
                    + "now match the program (executable, python script or -m module) only. Compare it with the "
                    + "shipped list (see docs/rules.md) so known workloads are still recognised.",
                    configDir.resolve(ALLOW_FILE));
        }
        return parse(allowText, userFile(configDir.resolve(MINER_FILE), MINER_FILE));
    }

    private static String userFile(Path file, String resource) {
        try {
            if (!Files.exists(file)) {
                io.vigil.store.OwnerOnly.createDirectories(file.toAbsolutePath().getParent());
                io.vigil.store.OwnerOnly.writeString(file, resource(resource));
            }
            return Files.readString(file);
        } catch (IOException e) {
            return resource(resource);
        }
    }

    static String resource(String name) {
        try (InputStream in = Signatures.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Signatures parse(String allowText, String minerText) {
        List<String> allowed = new ArrayList<>();
        for (String line : lines(allowText)) {
            allowed.add(line.toLowerCase(Locale.ROOT));
        }
        List<String> names = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        List<String> pools = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String line : lines(minerText)) {
            String[] kv = line.split("\\s+", 2);
            if (kv.length < 2) {
                continue;
            }
            String v = kv[1].trim();
            switch (kv[0]) {
                case "name" -> names.add(v.toLowerCase(Locale.ROOT));
                case "url" -> urls.add(v.toLowerCase(Locale.ROOT));
                case "flag" -> flags.add(v);
                case "pool" -> pools.add(v.toLowerCase(Locale.ROOT));
                case "port" -> {
                    try {
                        ports.add(Integer.parseInt(v));
                    } catch (NumberFormatException e) {
                        // A typo in a user-edited list must not disable the rest of it.
                    }
                }
                default -> { }
            }
        }
        return new Signatures(allowed, names, urls, flags, pools, ports);
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String raw : text.split("\\R")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (!line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }
}
