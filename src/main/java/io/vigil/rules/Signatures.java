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

/**
 * The data the process detectors match against: the allow-list of known GPU workloads and the
 * miner signatures (names, URL schemes, flags, pool ports). Both are plain text files shipped in
 * the app and copied to the config directory on first run, where the analyst edits them. Immutable.
 *
 * <p>Allow-list lines are case-insensitive substrings of a process name or command line. Miner lines
 * are {@code name X}, {@code url X}, {@code flag X} or {@code port N}. {@code #} starts a comment.
 */
public record Signatures(List<String> allowed, List<String> minerNames, List<String> urlSchemes,
                         List<String> flags, List<Integer> poolPorts) {

    public static final String ALLOW_FILE = "gpu-workload-allowlist.txt";
    public static final String MINER_FILE = "miner-signatures.txt";

    public Signatures {
        allowed = List.copyOf(allowed);
        minerNames = List.copyOf(minerNames);
        urlSchemes = List.copyOf(urlSchemes);
        flags = List.copyOf(flags);
        poolPorts = List.copyOf(poolPorts);
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
        return parse(userFile(configDir.resolve(ALLOW_FILE), ALLOW_FILE), userFile(configDir.resolve(MINER_FILE), MINER_FILE));
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
        return new Signatures(allowed, names, urls, flags, ports);
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
