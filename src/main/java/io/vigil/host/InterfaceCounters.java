package io.vigil.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Byte counters of every network interface, read from {@code /sys/class/net/IF/statistics}: two
 * small reads per interface into one reused buffer, instead of OSHI's per-poll interface
 * enumeration, udev model query and a {@code BufferedReader} per counter file. The interface set is
 * listed at every read (one directory read), and the counter paths are resolved again only when
 * that set changes (an interface came or went). Not thread-safe.
 */
final class InterfaceCounters {

    private final Path sysClassNet;
    private final ByteBuffer buffer = ByteBuffer.allocate(32); // a u64 in decimal is at most 20 digits
    private TreeSet<String> names = new TreeSet<>();
    private Map<String, Path[]> paths = Map.of();
    private int refreshes;

    /** {@code sysClassNet}: the kernel's {@code /sys/class/net}, or a copy of its layout in tests. */
    InterfaceCounters(Path sysClassNet) {
        this.sysClassNet = sysClassNet;
    }

    static boolean isSupported(Path sysClassNet) {
        return Files.isDirectory(sysClassNet);
    }

    /** Interface name to {rx bytes, tx bytes} since boot; an interface whose counters vanished mid-read is left out. */
    Map<String, long[]> read() throws IOException {
        TreeSet<String> now = new TreeSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(sysClassNet)) {
            for (Path d : dirs) {
                now.add(d.getFileName().toString());
            }
        }
        if (!now.equals(names)) {
            Map<String, Path[]> p = new LinkedHashMap<>();
            for (String n : now) {
                Path stats = sysClassNet.resolve(n).resolve("statistics");
                p.put(n, new Path[] {stats.resolve("rx_bytes"), stats.resolve("tx_bytes")});
            }
            names = now;
            paths = p;
            refreshes++;
        }
        Map<String, long[]> out = new HashMap<>(paths.size() * 2);
        for (var e : paths.entrySet()) {
            try {
                out.put(e.getKey(), new long[] {counter(e.getValue()[0]), counter(e.getValue()[1])});
            } catch (IOException | NumberFormatException ex) {
                // Removed between the listing and the read, or not a network device: no counters this poll.
            }
        }
        return out;
    }

    /** How many times the interface set changed and paths were resolved (tests check the cache). */
    int refreshes() {
        return refreshes;
    }

    private long counter(Path file) throws IOException {
        buffer.clear();
        try (FileChannel ch = FileChannel.open(file)) {
            while (buffer.hasRemaining() && ch.read(buffer) > 0) {
                // sysfs hands the whole value to the first read; loop for the odd short read.
            }
        }
        long v = 0;
        int digits = 0;
        for (int i = 0; i < buffer.position(); i++) {
            byte b = buffer.get(i);
            if (b >= '0' && b <= '9') {
                v = Math.multiplyExact(v, 10) + (b - '0');
                digits++;
            } else if (b != '\n' || i != buffer.position() - 1) {
                throw new NumberFormatException(file + ": not a counter");
            }
        }
        if (digits == 0) {
            throw new NumberFormatException(file + ": empty counter");
        }
        return v;
    }
}
