package io.vigil.host;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TCP sockets read straight from the kernel: over netlink sock_diag where it answers (a fraction of
 * the cost: docs/decisions/0014-read-tcp-sockets-over-sock-diag.md), else from Linux's
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}; with
 * the owning process found through {@link SocketOwners}: the socket-to-pid map that OSHI rebuilds
 * at every poll by reading every file descriptor link of every process is kept between polls and
 * each remembered owner is re-checked with one {@code readlink} of its descriptor; the full walk
 * only runs when a socket's owner is unknown or no longer holds it (see
 * docs/decisions/0013-keep-the-socket-owner-map-between-polls.md).
 *
 * <p>Same records as {@link OshiNetworkReader}: protocol {@code tcp4}/{@code tcp6}, printable
 * addresses, OSHI's state names, pid 0 when the owner cannot be seen. Not thread-safe.
 */
public final class ProcNetReader implements NetworkTableReader {

    /** Kernel TCP states (include/net/tcp_states.h) by number, named as OSHI names them. */
    private static final String[] STATES = {"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT_1",
            "FIN_WAIT_2", "TIME_WAIT", "CLOSED", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};
    private static final int LISTEN = 10;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProcNetReader.class);

    /** Failed netlink dumps in a row after which only {@code /proc/net/tcp} is read. */
    static final int NETLINK_FAILURES_TO_GIVE_UP = 3;

    private final Path proc;
    private final SocketOwners owners;
    /** The kernel's socket table over netlink; null: read {@code proc}'s {@code net/tcp} files only. */
    private final SocketDump dump;
    private boolean netlink;
    private int netlinkFailures;

    /** The kernel's TCP sockets, asked for directly ({@link io.vigil.host.netlink.TcpSockDiag#dump}). */
    @FunctionalInterface
    interface SocketDump {
        List<io.vigil.host.netlink.TcpSockDiag.TcpSocket> dump() throws IOException;
    }

    /** This machine: the rows from netlink sock_diag where the kernel answers, else {@code /proc/net/tcp}. */
    public ProcNetReader() {
        this(Path.of("/proc"), System::nanoTime,
                io.vigil.host.netlink.TcpSockDiag.isAvailable() ? io.vigil.host.netlink.TcpSockDiag::dump : null);
    }

    /** {@code proc}: the kernel's {@code /proc}, or a copy of its layout in tests; sockets from its files only. */
    ProcNetReader(Path proc) {
        this(proc, System::nanoTime, null);
    }

    /** {@code nanoTime}: the monotonic clock that spaces the re-walks for unowned sockets (tests move it). */
    ProcNetReader(Path proc, java.util.function.LongSupplier nanoTime) {
        this(proc, nanoTime, null);
    }

    /** {@code dump}: where the socket rows come from first; null for {@code proc}'s files only. */
    ProcNetReader(Path proc, java.util.function.LongSupplier nanoTime, SocketDump dump) {
        this.proc = proc;
        this.owners = new SocketOwners(proc, nanoTime);
        this.dump = dump;
        this.netlink = dump != null;
    }

    /** True when this machine has the {@code /proc/net/tcp} this reader parses. */
    public static boolean isSupported() {
        return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    @Override
    public NetworkTable read() throws IOException {
        List<Row> rows = rows();
        Set<Long> inodes = new HashSet<>();
        for (Row r : rows) {
            if (r.inode != 0) {
                inodes.add(r.inode);
            }
        }
        Map<Long, Integer> pids = owners.resolve(inodes);
        List<ListeningPort> ports = new ArrayList<>();
        List<NetConnection> connections = new ArrayList<>();
        for (Row r : rows) {
            int pid = r.inode == 0 ? 0 : pids.getOrDefault(r.inode, 0);
            if (r.state == LISTEN) {
                ports.add(new ListeningPort(r.type, OshiNetworkReader.address(r.local), r.localPort, pid));
            } else if (r.remotePort != 0) {
                connections.add(new NetConnection(r.type, OshiNetworkReader.address(r.local), r.localPort,
                        OshiNetworkReader.address(r.remote), r.remotePort,
                        r.state < STATES.length ? STATES[r.state] : "UNKNOWN", pid));
            }
        }
        ports.sort(Comparator.comparingInt(ListeningPort::port).thenComparing(ListeningPort::address));
        return new NetworkTable(ports, connections);
    }

    /** Whether the rows come from netlink sock_diag, not yet given up for {@code /proc/net/tcp} (tests). */
    boolean readsNetlink() {
        return netlink;
    }

    private List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        if (netlink) {
            try {
                for (io.vigil.host.netlink.TcpSockDiag.TcpSocket s : dump.dump()) {
                    rows.add(new Row(s.ipv6() ? "tcp6" : "tcp4", s.local(), s.localPort(), s.remote(), s.remotePort(),
                            s.state(), s.inode()));
                }
                netlinkFailures = 0;
                return rows;
            } catch (IOException e) {
                // Refused here (a sandbox without netlink): this poll, and for good after a few, reads /proc.
                rows.clear();
                if (++netlinkFailures >= NETLINK_FAILURES_TO_GIVE_UP) {
                    netlink = false;
                    LOG.info("Reading TCP sockets from /proc/net/tcp: {}", e.getMessage());
                }
            }
        }
        parse(proc.resolve("net/tcp"), "tcp4", rows);
        parse(proc.resolve("net/tcp6"), "tcp6", rows);
        return rows;
    }

    /** How many full descriptor walks have run (tests check that the cache spares them). */
    int fullWalks() {
        return owners.fullWalks;
    }

    private record Row(String type, byte[] local, int localPort, byte[] remote, int remotePort, int state, long inode) {
    }

    private static void parse(Path file, String type, List<Row> out) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return; // no IPv6 in this kernel
        }
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            // 0 sl, 1 local addr:port, 2 remote addr:port, 3 state, ..., 9 inode
            if (f.length < 10) {
                continue;
            }
            try {
                int lc = f[1].indexOf(':');
                int rc = f[2].indexOf(':');
                out.add(new Row(type, addressBytes(f[1].substring(0, lc)), Integer.parseInt(f[1].substring(lc + 1), 16),
                        addressBytes(f[2].substring(0, rc)), Integer.parseInt(f[2].substring(rc + 1), 16),
                        Integer.parseInt(f[3], 16), Long.parseLong(f[9])));
            } catch (RuntimeException e) {
                // A line this parser does not understand names no socket; the others still count.
            }
        }
    }

    /**
     * The kernel prints an address as 32-bit words in the machine's byte order ({@code %08X} of
     * each word): undo that per word to get network order.
     */
    static byte[] addressBytes(String hex) {
        if (hex.length() % 8 != 0 || hex.isEmpty()) {
            throw new IllegalArgumentException("address of " + hex.length() + " hex digits");
        }
        byte[] b = new byte[hex.length() / 2];
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int w = 0; w < b.length / 4; w++) {
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(hex, w * 8 + i * 2, w * 8 + i * 2 + 2, 16);
                b[w * 4 + (little ? 3 - i : i)] = (byte) v;
            }
        }
        return b;
    }

    /**
     * Socket inode to owning pid, kept between polls. A remembered owner is trusted only after one
     * {@code readlink} of the very descriptor it held shows the same socket: so an owner that
     * closed it, exited, or whose pid now belongs to another process is noticed at the next poll.
     * A socket with no known or valid owner triggers a full walk of every process's descriptors;
     * a socket the full walk could not place (closed but lingering, another user's process) is
     * remembered as unowned, so it does not cause a walk per poll, and looked for again by a full
     * walk at most once per {@link #UNOWNED_RETRY_NANOS} (it may have been caught mid-handover).
     */
    static final class SocketOwners {
        private record Owner(int pid, String fd) {
        }

        static final long UNOWNED_RETRY_NANOS = 60_000_000_000L;

        private final Path proc;
        private final java.util.function.LongSupplier nanoTime;
        private Map<Long, Owner> owners = new HashMap<>();
        private Set<Long> unowned = Set.of();
        private long lastWalkNanos;
        int fullWalks;

        SocketOwners(Path proc, java.util.function.LongSupplier nanoTime) {
            this.proc = proc;
            this.nanoTime = nanoTime;
        }

        Map<Long, Integer> resolve(Set<Long> inodes) {
            long now = nanoTime.getAsLong();
            boolean walk = fullWalks > 0 && now - lastWalkNanos >= UNOWNED_RETRY_NANOS
                    && inodes.stream().anyMatch(unowned::contains);
            for (long inode : inodes) {
                Owner o = owners.get(inode);
                if (o == null ? !unowned.contains(inode) : !holds(o, inode)) {
                    walk = true;
                    break;
                }
            }
            if (walk) {
                owners = walk();
                fullWalks++;
                lastWalkNanos = now;
                Set<Long> notFound = new HashSet<>();
                for (long inode : inodes) {
                    if (!owners.containsKey(inode)) {
                        notFound.add(inode);
                    }
                }
                unowned = notFound;
            }
            // Forget sockets that are gone, so the map stays the size of the socket table.
            owners.keySet().retainAll(inodes);
            Map<Long, Integer> pids = new HashMap<>();
            owners.forEach((inode, o) -> pids.put(inode, o.pid));
            return pids;
        }

        private boolean holds(Owner o, long inode) {
            try {
                return Files.readSymbolicLink(proc.resolve(Integer.toString(o.pid)).resolve("fd").resolve(o.fd))
                        .toString().equals("socket:[" + inode + "]");
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }

        private Map<Long, Owner> walk() {
            Map<Long, Owner> found = new HashMap<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
                for (Path dir : dirs) {
                    String name = dir.getFileName().toString();
                    if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                        continue;
                    }
                    int pid;
                    try {
                        pid = Integer.parseInt(name);
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    walkFds(pid, dir.resolve("fd"), found);
                }
            } catch (IOException e) {
                // /proc itself unreadable: no owners, the table still lists the sockets.
            }
            return found;
        }

        private static void walkFds(int pid, Path fdDir, Map<Long, Owner> found) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
                for (Path fd : fds) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(fd).toString();
                    } catch (IOException e) {
                        continue; // closed while we looked
                    }
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        try {
                            found.putIfAbsent(Long.parseLong(target, 8, target.length() - 1, 10),
                                    new Owner(pid, fd.getFileName().toString()));
                        } catch (NumberFormatException e) {
                            // not a socket inode
                        }
                    }
                }
            } catch (IOException | SecurityException e) {
                // Exited, or another user's process: its sockets stay unowned (pid 0).
            }
        }
    }
}
