package io.vigil.host.netlink;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every TCP socket of this machine, asked of the kernel over a {@code NETLINK_SOCK_DIAG} socket (the
 * interface {@code ss} uses), through libc with the FFM API.
 *
 * <p>Why not {@code /proc/net/tcp}: reading it makes the kernel walk its whole established-socket
 * hash table, whose size follows the machine's memory, not the number of sockets; here that was
 * 6.7 ms of system time per read of {@code tcp} and {@code tcp6}, half of all the CPU the host polls
 * took. The netlink dump returns the same rows (address, port, state, inode) for a small fraction of
 * that (docs/decisions/0014-read-tcp-sockets-over-sock-diag.md). Callers keep {@code /proc/net/tcp}
 * for when this is refused ({@link #isAvailable}, or an {@link IOException} from {@link #dump}).
 *
 * <p>Layouts are Linux's uapi ({@code linux/netlink.h}, {@code linux/inet_diag.h}); multi-byte
 * header fields are in the machine's order, ports and addresses in network order.
 */
public final class TcpSockDiag {

    /** One socket as the kernel reports it. {@code local}/{@code remote}: 4 bytes (IPv4) or 16 (IPv6), network order. */
    public record TcpSocket(boolean ipv6, byte[] local, int localPort, byte[] remote, int remotePort, int state,
                            long inode) {
    }

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int IPPROTO_TCP = 6;
    private static final short SOCK_DIAG_BY_FAMILY = 20;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_DUMP = 0x300;
    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int NLMSG_HDRLEN = 16;
    private static final int REQ_LEN = NLMSG_HDRLEN + 56; // nlmsghdr + inet_diag_req_v2
    private static final int MSG_LEN = 72; // inet_diag_msg
    private static final int RECV_BUFFER = 32 * 1024;

    private static final ValueLayout.OfShort U16 = JAVA_SHORT.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort BE16 = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = JAVA_INT.withOrder(ByteOrder.nativeOrder());

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private TcpSockDiag() {
    }

    /** Whether libc's socket calls could be bound (false off Linux, or where the linker refuses them). */
    public static boolean isAvailable() {
        return Libc.PROBLEM == null;
    }

    /** Every IPv4 then IPv6 TCP socket, all states (listening, connected, closing). */
    public static List<TcpSocket> dump() throws IOException {
        if (Libc.PROBLEM != null) {
            throw new IOException("netlink sock_diag is not available: " + Libc.PROBLEM);
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = Libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
            if (fd < 0) {
                throw new IOException("netlink sock_diag socket refused");
            }
            try {
                // A dump that never ends must not hold a poll: the kernel answers at once or not at all.
                MemorySegment timeout = arena.allocate(16);
                timeout.set(JAVA_LONG, 0, 1); // struct timeval: 1 s
                Libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16);
                MemorySegment buffer = arena.allocate(RECV_BUFFER, 8);
                List<TcpSocket> out = new ArrayList<>();
                query(fd, AF_INET, arena, buffer, out);
                query(fd, AF_INET6, arena, buffer, out);
                return out;
            } finally {
                Libc.close(fd);
            }
        }
    }

    private static void query(int fd, int family, Arena arena, MemorySegment buffer, List<TcpSocket> out)
            throws IOException {
        int seq = SEQUENCE.incrementAndGet();
        MemorySegment req = arena.allocate(REQ_LEN, 8); // zeroed: no filter on ports, addresses, interface
        req.set(U32, 0, REQ_LEN);
        req.set(U16, 4, SOCK_DIAG_BY_FAMILY);
        req.set(U16, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        req.set(U32, 8, seq);
        req.set(JAVA_BYTE, NLMSG_HDRLEN, (byte) family);
        req.set(JAVA_BYTE, NLMSG_HDRLEN + 1, (byte) IPPROTO_TCP);
        req.set(U32, NLMSG_HDRLEN + 4, -1); // idiag_states: every state
        MemorySegment kernel = arena.allocate(12, 4); // struct sockaddr_nl, pid 0: the kernel
        kernel.set(U16, 0, (short) AF_NETLINK);
        if (Libc.sendto(fd, req, REQ_LEN, kernel, 12) != REQ_LEN) {
            throw new IOException("netlink sock_diag request not sent");
        }
        while (true) {
            long n = Libc.recv(fd, buffer, RECV_BUFFER);
            if (n <= 0) {
                throw new IOException("netlink sock_diag answer not received");
            }
            if (parse(buffer.asSlice(0, n), seq, out)) {
                return;
            }
        }
    }

    /**
     * Reads one datagram of netlink messages into {@code out}; true at the dump's end. Package-private
     * for the test of a malformed answer.
     */
    static boolean parse(MemorySegment data, int seq, List<TcpSocket> out) throws IOException {
        long off = 0;
        long size = data.byteSize();
        while (off + NLMSG_HDRLEN <= size) {
            int len = data.get(U32, off);
            short type = data.get(U16, off + 4);
            if (len < NLMSG_HDRLEN || off + len > size) {
                throw new IOException("netlink sock_diag: malformed message of " + len + " bytes at " + off);
            }
            if (data.get(U32, off + 8) == seq) {
                if (type == NLMSG_DONE) {
                    return true;
                }
                if (type == NLMSG_ERROR) {
                    int errno = len >= NLMSG_HDRLEN + 4 ? -data.get(U32, off + NLMSG_HDRLEN) : 0;
                    throw new IOException("netlink sock_diag refused the dump (errno " + errno + ")");
                }
                if (type == SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + MSG_LEN) {
                    out.add(socket(data.asSlice(off + NLMSG_HDRLEN, MSG_LEN)));
                }
            }
            off += (len + 3) & ~3; // NLMSG_ALIGN
        }
        return false;
    }

    private static TcpSocket socket(MemorySegment m) {
        boolean v6 = m.get(JAVA_BYTE, 0) == AF_INET6;
        int state = Byte.toUnsignedInt(m.get(JAVA_BYTE, 1));
        int sport = Short.toUnsignedInt(m.get(BE16, 4));
        int dport = Short.toUnsignedInt(m.get(BE16, 6));
        int addrLen = v6 ? 16 : 4;
        byte[] src = m.asSlice(8, addrLen).toArray(JAVA_BYTE);
        byte[] dst = m.asSlice(24, addrLen).toArray(JAVA_BYTE);
        long inode = Integer.toUnsignedLong(m.get(U32, 68));
        return new TcpSocket(v6, src, sport, dst, dport, state, inode);
    }

    /** libc's socket calls, bound once; {@link #PROBLEM} says why not where they cannot be. */
    private static final class Libc {
        static final String PROBLEM;
        private static final MethodHandle SOCKET;
        private static final MethodHandle SETSOCKOPT;
        private static final MethodHandle SENDTO;
        private static final MethodHandle RECV;
        private static final MethodHandle CLOSE;

        static {
            MethodHandle socket = null;
            MethodHandle setsockopt = null;
            MethodHandle sendto = null;
            MethodHandle recv = null;
            MethodHandle close = null;
            String problem = null;
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                problem = "not Linux";
            } else {
                try {
                    Linker linker = Linker.nativeLinker();
                    socket = bind(linker, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
                    setsockopt = bind(linker, "setsockopt",
                            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
                    sendto = bind(linker, "sendto",
                            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
                    recv = bind(linker, "recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
                    close = bind(linker, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
                } catch (RuntimeException | LinkageError e) {
                    problem = String.valueOf(e.getMessage());
                }
            }
            SOCKET = socket;
            SETSOCKOPT = setsockopt;
            SENDTO = sendto;
            RECV = recv;
            CLOSE = close;
            PROBLEM = problem;
        }

        private static MethodHandle bind(Linker linker, String name, FunctionDescriptor fd) {
            MemorySegment symbol = linker.defaultLookup().find(name)
                    .orElseThrow(() -> new IllegalStateException("libc has no " + name));
            return linker.downcallHandle(symbol, fd);
        }

        static int socket(int domain, int type, int protocol) {
            try {
                return (int) SOCKET.invokeExact(domain, type, protocol);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
            try {
                return (int) SETSOCKOPT.invokeExact(fd, level, name, value, len);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        static long sendto(int fd, MemorySegment buf, long len, MemorySegment to, int toLen) {
            try {
                return (long) SENDTO.invokeExact(fd, buf, len, 0, to, toLen);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        static long recv(int fd, MemorySegment buf, long len) {
            try {
                return (long) RECV.invokeExact(fd, buf, len, 0);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        static void close(int fd) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        private static RuntimeException unexpected(Throwable t) {
            if (t instanceof Error e) {
                throw e;
            }
            return t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
    }
}
