package io.vigil.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interface counters read from a /sys/class/net laid out like the kernel's, and from this machine's. */
class InterfaceCountersTest {

    @TempDir
    Path sys;

    private void iface(String name, long rx, long tx) throws Exception {
        Path stats = Files.createDirectories(sys.resolve(name).resolve("statistics"));
        Files.writeString(stats.resolve("rx_bytes"), rx + "\n");
        Files.writeString(stats.resolve("tx_bytes"), tx + "\n");
    }

    @Test
    void readsEveryInterfaceAndPicksUpOneThatAppears() throws Exception {
        iface("eth0", 1_000, 2_000);
        iface("lo", 5, 5);
        InterfaceCounters counters = new InterfaceCounters(sys);
        Map<String, long[]> first = counters.read();
        assertEquals(Set.of("eth0", "lo"), first.keySet());
        assertArrayEquals(new long[] {1_000, 2_000}, first.get("eth0"));

        iface("eth0", 1_500, 18_446_744_073_709_551L); // counters moved (a large u64 too)
        counters.read();
        assertEquals(1, counters.refreshes(), "same interfaces: paths kept");

        iface("veth1a2b3c", 7, 9); // a container started
        Map<String, long[]> third = counters.read();
        assertEquals(Set.of("eth0", "lo", "veth1a2b3c"), third.keySet());
        assertArrayEquals(new long[] {7, 9}, third.get("veth1a2b3c"));
        assertArrayEquals(new long[] {1_500, 18_446_744_073_709_551L}, third.get("eth0"));
        assertEquals(2, counters.refreshes());
    }

    @Test
    void anInterfaceThatGoesAwayOrIsGarbledIsLeftOutNotFatal() throws Exception {
        iface("eth0", 1, 2);
        iface("veth0", 3, 4);
        InterfaceCounters counters = new InterfaceCounters(sys);
        counters.read();
        Files.writeString(sys.resolve("veth0/statistics/rx_bytes"), "12abc\n");
        assertEquals(Set.of("eth0"), counters.read().keySet());
        Files.delete(sys.resolve("eth0/statistics/rx_bytes"));
        assertEquals(Set.of(), counters.read().keySet());
    }

    @Test
    void onThisMachineTheLoopbackCounterMatchesTheKernelFile() throws Exception {
        Path real = Path.of("/sys/class/net");
        assumeTrue(Files.isReadable(real.resolve("lo/statistics/rx_bytes")), "Linux /sys only");
        long before = Long.parseLong(Files.readString(real.resolve("lo/statistics/rx_bytes")).trim());
        long read = new InterfaceCounters(real).read().get("lo")[0];
        long after = Long.parseLong(Files.readString(real.resolve("lo/statistics/rx_bytes")).trim());
        assertTrue(before <= read && read <= after, before + " <= " + read + " <= " + after);
    }
}
