package io.vigil.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

/**
 * The {@code /proc/net/tcp} reader and its socket-owner cache: on a {@code /proc} laid out like the
 * kernel's (the descriptor links are real symlinks, as in {@code /proc/PID/fd}), and on this machine
 * against OSHI and a socket this test opens.
 */
class ProcNetReaderTest {

    @TempDir
    Path proc;

    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    /** A /proc/net/tcp line; addresses as the kernel prints them on little-endian x86/arm. */
    private static String line(int sl, String local, String remote, String state, long inode) {
        return String.format("   %d: %s %s %s 00000000:00000000 00:00000000 00000000  1000        0 %d 1 0000000000000000 100 0 0 10 0%n",
                sl, local, remote, state, inode);
    }

    private void tcp(String... lines) throws Exception {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), HEADER + String.join("", lines));
    }

    private void fd(int pid, int fd, long inode) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(pid + "/fd"));
        Files.deleteIfExists(dir.resolve(Integer.toString(fd)));
        Files.createSymbolicLink(dir.resolve(Integer.toString(fd)), Path.of("socket:[" + inode + "]"));
    }

    private static final String LISTEN_8080 = line(0, "00000000:1F90", "00000000:0000", "0A", 5001);
    private static final String CONN_LOCAL = line(1, "0100007F:9C40", "0100007F:1F90", "01", 5002);

    @Test
    void parsesTheKernelTableWithOwners() throws Exception {
        tcp(LISTEN_8080, CONN_LOCAL, line(2, "0100007F:9C41", "0100007F:1F90", "06", 0));
        fd(100, 3, 5001);
        fd(200, 7, 5002);
        fd(200, 8, 999); // a socket not in the TCP table (a unix socket)

        ProcNetReader reader = new ProcNetReader(proc);
        NetworkTableReader.NetworkTable t = reader.read();

        assertEquals(List.of(new ListeningPort("tcp4", "0.0.0.0", 8080, 100)), t.listening());
        assertEquals(List.of(
                new NetConnection("tcp4", "127.0.0.1", 40000, "127.0.0.1", 8080, "ESTABLISHED", 200),
                new NetConnection("tcp4", "127.0.0.1", 40001, "127.0.0.1", 8080, "TIME_WAIT", 0)), t.connections());
    }

    @Test
    void unchangedSocketsAreNotReWalked() throws Exception {
        tcp(LISTEN_8080, CONN_LOCAL);
        fd(100, 3, 5001);
        fd(200, 7, 5002);
        ProcNetReader reader = new ProcNetReader(proc);
        reader.read();
        reader.read();
        reader.read();
        assertEquals(1, reader.fullWalks());
    }

    @Test
    void aSocketOpenedByAnExistingProcessAfterTheFirstWalkIsAttributedToIt() throws Exception {
        tcp(LISTEN_8080);
        fd(100, 3, 5001);
        fd(200, 7, 4000); // process 200 exists, with no TCP socket yet
        ProcNetReader reader = new ProcNetReader(proc);
        reader.read();

        fd(200, 9, 5002);
        tcp(LISTEN_8080, CONN_LOCAL);
        NetworkTableReader.NetworkTable t = reader.read();

        assertEquals(200, t.connections().getFirst().pid());
        assertEquals(100, t.listening().getFirst().pid());
    }

    @Test
    void aReusedPidIsNotTakenForTheOldOwner() throws Exception {
        tcp(LISTEN_8080);
        fd(100, 3, 5001);
        ProcNetReader reader = new ProcNetReader(proc);
        assertEquals(100, reader.read().listening().getFirst().pid());

        // Process 100 forked 300 (which inherited the listening socket) and exited; a new process
        // got pid 100 and has some other socket at the same descriptor number.
        fd(300, 3, 5001);
        fd(100, 3, 6001);

        assertEquals(300, reader.read().listening().getFirst().pid());
    }

    @Test
    void aSocketNoProcessHoldsDoesNotCauseAWalkAtEveryPoll() throws Exception {
        tcp(LISTEN_8080, line(1, "0100007F:9C40", "0100007F:1F90", "09", 7777)); // LAST_ACK, closed by its owner
        fd(100, 3, 5001);
        ProcNetReader reader = new ProcNetReader(proc);
        assertEquals(0, reader.read().connections().getFirst().pid());
        reader.read();
        assertEquals(1, reader.fullWalks());
    }

    @Test
    void anUnownedSocketIsLookedForAgainAfterAMinute() throws Exception {
        tcp(LISTEN_8080);
        long[] nanos = {1_000};
        ProcNetReader reader = new ProcNetReader(proc, () -> nanos[0]);
        assertEquals(0, reader.read().listening().getFirst().pid(), "nobody holds it yet (caught mid-handover)");
        fd(100, 3, 5001);
        nanos[0] += 30_000_000_000L;
        assertEquals(0, reader.read().listening().getFirst().pid(), "not re-walked within the minute");
        nanos[0] += 30_000_000_000L;
        assertEquals(100, reader.read().listening().getFirst().pid());
        assertEquals(2, reader.fullWalks());
    }

    @Test
    void decodesIpv6AndMappedAddresses() {
        assertEquals("0:0:0:0:0:0:0:1", OshiNetworkReader.address(ProcNetReader.addressBytes("00000000000000000000000001000000")));
        // ::ffff:127.0.0.1, as a dual-stack socket shows a v4 peer
        assertEquals("127.0.0.1", OshiNetworkReader.address(ProcNetReader.addressBytes("0000000000000000FFFF00000100007F")));
        assertEquals("10.1.2.3", OshiNetworkReader.address(ProcNetReader.addressBytes("0302010A")));
    }

    @Test
    void onThisMachineItFindsASocketOpenedAfterTheFirstReadAndAgreesWithOshi() throws Exception {
        assumeTrue(ProcNetReader.isSupported(), "Linux /proc only");
        ProcNetReader reader = new ProcNetReader();
        reader.read();
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int me = (int) ProcessHandle.current().pid();
            ListeningPort mine = reader.read().listening().stream().filter(p -> p.port() == s.getLocalPort())
                    .findFirst().orElseThrow();
            assertEquals(me, mine.pid());
            assertEquals("127.0.0.1", mine.address());

            // Same listening sockets as OSHI's full walk (ports are stable enough on any machine
            // between two reads; compare the ports this process owns, which nothing else changes).
            Set<String> oshi = mineOf(new OshiNetworkReader(new SystemInfo().getOperatingSystem()).read(), me);
            Set<String> ours = mineOf(reader.read(), me);
            // The JDK opens a dual-stack socket where it can, so the kernel may list it under tcp6.
            assertTrue(ours.contains("tcp6 127.0.0.1:" + s.getLocalPort()) || ours.contains("tcp4 127.0.0.1:" + s.getLocalPort()),
                    ours.toString());
            assertEquals(oshi, ours);
        }
    }

    @Test
    void onThisMachineNetlinkAndProcNetTcpGiveTheSameSockets() throws Exception {
        assumeTrue(ProcNetReader.isSupported() && io.vigil.host.netlink.TcpSockDiag.isAvailable(), "Linux only");
        ProcNetReader viaNetlink = new ProcNetReader();
        ProcNetReader viaProc = new ProcNetReader(Path.of("/proc"));
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             java.net.Socket accepted = server.accept()) {
            int me = (int) ProcessHandle.current().pid();
            NetworkTableReader.NetworkTable n = viaNetlink.read();
            NetworkTableReader.NetworkTable p = viaProc.read();
            assertTrue(viaNetlink.readsNetlink(), "this kernel answers sock_diag");
            assertEquals(mineOf(p, me), mineOf(n, me));
            assertTrue(mineOf(n, me).stream().anyMatch(l -> l.endsWith(":" + server.getLocalPort())), mineOf(n, me).toString());
            assertEquals(connectionsOf(p, me), connectionsOf(n, me));
            assertEquals(2, connectionsOf(n, me).stream().filter(c -> c.contains(":" + server.getLocalPort())).count(),
                    connectionsOf(n, me).toString());
        }
    }

    @Test
    void whenNetlinkIsRefusedTheProcTableIsReadAndAfterThreeRefusalsOnlyIt() throws Exception {
        tcp(LISTEN_8080);
        fd(100, 3, 5001);
        int[] asked = {0};
        ProcNetReader reader = new ProcNetReader(proc, System::nanoTime, () -> {
            asked[0]++;
            throw new java.io.IOException("netlink sock_diag socket refused");
        });
        for (int i = 0; i < ProcNetReader.NETLINK_FAILURES_TO_GIVE_UP; i++) {
            assertTrue(reader.readsNetlink());
            assertEquals(List.of(new ListeningPort("tcp4", "0.0.0.0", 8080, 100)), reader.read().listening());
        }
        assertFalse(reader.readsNetlink());
        reader.read();
        assertEquals(ProcNetReader.NETLINK_FAILURES_TO_GIVE_UP, asked[0], "not asked again once given up");
    }

    @Test
    void rowsFromTheDumpAreUsedAsTheKernelGivesThem() throws Exception {
        fd(100, 3, 5001);
        ProcNetReader reader = new ProcNetReader(proc, System::nanoTime, () -> List.of(
                new io.vigil.host.netlink.TcpSockDiag.TcpSocket(false, new byte[4], 8080, new byte[4], 0, 10, 5001)));
        assertEquals(List.of(new ListeningPort("tcp4", "0.0.0.0", 8080, 100)), reader.read().listening());
    }

    private static Set<String> connectionsOf(NetworkTableReader.NetworkTable t, int pid) {
        return t.connections().stream().filter(c -> c.pid() == pid)
                .map(c -> c.protocol() + " " + c.localAddress() + ":" + c.localPort() + " " + c.remoteAddress() + ":"
                        + c.remotePort() + " " + c.state())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> mineOf(NetworkTableReader.NetworkTable t, int pid) {
        return t.listening().stream().filter(p -> p.pid() == pid)
                .map(p -> p.protocol() + " " + p.address() + ":" + p.port()).collect(Collectors.toCollection(TreeSet::new));
    }
}
