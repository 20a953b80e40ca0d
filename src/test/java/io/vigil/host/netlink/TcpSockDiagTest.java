package io.vigil.host.netlink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's own answer about sockets this test opens, and the parser on answers the kernel would not give. */
class TcpSockDiagTest {

    private static final int LISTEN = 10;
    private static final int ESTABLISHED = 1;

    @Test
    void listsAListenerAndBothEndsOfAConnectionThisTestOpened() throws Exception {
        assumeTrue(TcpSockDiag.isAvailable(), "netlink sock_diag is Linux only");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 5, loopback);
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(loopback, server.getLocalPort()), 5_000);
            try (Socket accepted = server.accept()) {
                List<TcpSockDiag.TcpSocket> all = TcpSockDiag.dump();
                int port = server.getLocalPort();
                TcpSockDiag.TcpSocket listener = only(all, s -> s.state() == LISTEN && s.localPort() == port);
                // The JDK opens dual-stack sockets where it can: then the kernel lists ::ffff:127.0.0.1.
                assertArrayEquals(loopback.getAddress(), v4(listener.local()));
                assertTrue(listener.inode() > 0, "a listening socket has an inode");

                TcpSockDiag.TcpSocket out = only(all, s -> s.state() == ESTABLISHED && s.remotePort() == port);
                assertEquals(client.getLocalPort(), out.localPort());
                assertArrayEquals(loopback.getAddress(), v4(out.remote()));
                TcpSockDiag.TcpSocket in = only(all, s -> s.state() == ESTABLISHED && s.localPort() == port);
                assertEquals(accepted.getPort(), in.remotePort());
                assertTrue(in.inode() != out.inode() && in.inode() != listener.inode());
            }
        }
    }

    @Test
    void listsIpv6ListenersAsIpv6() throws Exception {
        assumeTrue(TcpSockDiag.isAvailable(), "netlink sock_diag is Linux only");
        InetAddress v6 = InetAddress.getByName("::1");
        ServerSocket server = listenerOn(v6);
        assumeTrue(server != null, "no IPv6 loopback on this machine");
        try (server) {
            TcpSockDiag.TcpSocket listener = only(TcpSockDiag.dump(),
                    s -> s.state() == LISTEN && s.localPort() == server.getLocalPort());
            assertTrue(listener.ipv6());
            assertArrayEquals(v6.getAddress(), listener.local());
        }
    }

    @Test
    void aRefusalIsAnErrorWithTheKernelsErrno() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = message(arena, 20, 2, 7);
            m.set(ValueLayout.JAVA_INT.withOrder(ByteOrder.nativeOrder()), 16, -13); // -EACCES
            IOException e = assertThrows(IOException.class, () -> TcpSockDiag.parse(m, 7, new ArrayList<>()));
            assertTrue(e.getMessage().contains("errno 13"), e.getMessage());
        }
    }

    @Test
    void aMessageLongerThanTheDatagramIsMalformedNotReadPastTheEnd() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = message(arena, 16, 20, 7);
            m.set(ValueLayout.JAVA_INT.withOrder(ByteOrder.nativeOrder()), 0, 4096);
            IOException e = assertThrows(IOException.class, () -> TcpSockDiag.parse(m, 7, new ArrayList<>()));
            assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        }
    }

    @Test
    void anotherRequestsAnswerIsSkippedAndDoneEndsTheDump() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment done = message(arena, 16, 3, 8);
            List<TcpSockDiag.TcpSocket> out = new ArrayList<>();
            assertFalse(TcpSockDiag.parse(done, 7, out), "DONE of another sequence number");
            assertTrue(TcpSockDiag.parse(done, 8, out));
            assertTrue(out.isEmpty());
        }
    }

    private static ServerSocket listenerOn(InetAddress address) {
        try {
            return new ServerSocket(0, 5, address);
        } catch (IOException unavailable) {
            return null;
        }
    }

    /** An IPv4 address as 4 bytes, from 4 bytes or from an IPv4-mapped IPv6 address. */
    private static byte[] v4(byte[] address) {
        if (address.length == 16) {
            for (int i = 0; i < 10; i++) {
                assertEquals(0, address[i], "not an IPv4-mapped address");
            }
            assertEquals(-1, address[10]);
            assertEquals(-1, address[11]);
            return java.util.Arrays.copyOfRange(address, 12, 16);
        }
        return address;
    }

    /** A netlink header of {@code len} bytes, type and sequence number, zeros after it. */
    private static MemorySegment message(Arena arena, int len, int type, int seq) {
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.nativeOrder());
        MemorySegment m = arena.allocate(Math.max(len, 20), 4);
        m.set(u32, 0, len);
        m.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.nativeOrder()), 4, (short) type);
        m.set(u32, 8, seq);
        return m;
    }

    private static TcpSockDiag.TcpSocket only(List<TcpSockDiag.TcpSocket> all,
                                              java.util.function.Predicate<TcpSockDiag.TcpSocket> which) {
        List<TcpSockDiag.TcpSocket> found = all.stream().filter(which).toList();
        assertEquals(1, found.size(), () -> "expected one such socket among " + all.size() + ", found " + found.size());
        return found.getFirst();
    }
}
