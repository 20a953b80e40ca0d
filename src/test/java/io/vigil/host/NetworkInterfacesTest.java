package io.vigil.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host network totals on a container host count each byte once: a byte leaving a container crosses
 * its veth, the docker0 bridge and the NIC, and only the NIC counts. Uses a /sys/class/net laid out
 * like the kernel's.
 */
class NetworkInterfacesTest {

    @TempDir
    Path sys;

    /** An interface directory; {@code physical} gives it the {@code device} link a NIC has. */
    private void iface(String name, boolean physical) throws Exception {
        Path dir = Files.createDirectories(sys.resolve(name));
        if (physical) {
            Path target = Files.createDirectories(sys.resolve("../devices/pci0000:00/" + name).normalize());
            Files.createSymbolicLink(dir.resolve("device"), target);
        }
    }

    @Test
    void onlyDeviceBackedInterfacesCountOnAContainerHost() throws Exception {
        for (String v : List.of("lo", "docker0", "veth1a2b3c", "veth9f8e7d", "br-0f3c2a", "cni0", "virbr0", "bond0",
                "eth0.100", "flannel.1", "wg0")) {
            iface(v, false);
        }
        iface("eth0", true);
        iface("eth1", true);
        NetworkInterfaces ifs = new NetworkInterfaces(sys);
        List<String> all = List.of("lo", "eth0", "eth1", "docker0", "veth1a2b3c", "veth9f8e7d", "br-0f3c2a", "cni0",
                "virbr0", "bond0", "eth0.100", "flannel.1", "wg0");
        assertEquals(Set.of("eth0", "eth1"), ifs.countedInHostTotal(all));
    }

    @Test
    void withoutDeviceLinksVirtualNamesAreLeftOut() throws Exception {
        // Vigil in a container: its eth0 is a veth peer without a device link.
        iface("eth0", false);
        iface("lo", false);
        assertEquals(Set.of("eth0"), new NetworkInterfaces(sys).countedInHostTotal(List.of("lo", "eth0")));
        // No /sys at all: names decide.
        assertEquals(Set.of("ens5"), new NetworkInterfaces(sys.resolve("missing"))
                .countedInHostTotal(List.of("lo", "ens5", "docker0", "veth0abc", "br-1", "cni0", "virbr0")));
    }

    @Test
    void hostEgressIsCountedOnceWhileEveryInterfaceKeepsItsSeries() throws Exception {
        iface("eth0", true);
        for (String v : List.of("lo", "docker0", "veth1a2b3c")) {
            iface(v, false);
        }
        InterfaceRates rates = new InterfaceRates(new NetworkInterfaces(sys));
        Map<String, long[]> before = new LinkedHashMap<>();
        Map<String, long[]> after = new LinkedHashMap<>();
        // A container uploads 10 MB in one second: it crosses veth, docker0 and eth0; lo carries local chatter.
        for (String n : List.of("eth0", "docker0", "veth1a2b3c", "lo")) {
            before.put(n, new long[] {1_000, 5_000});
            after.put(n, new long[] {1_000 + 1_000, 5_000 + 10_000_000});
        }
        List<Sample> out = new ArrayList<>();
        rates.update(1_000, 1_000_000_000L, before, out);
        out.clear();
        rates.update(2_000, 2_000_000_000L, after, out);
        assertEquals(10_000_000, value(out, HostMetrics.NET_TX_BYTES_PER_S), 1e-6, "egress once, not 3x");
        assertEquals(1_000, value(out, HostMetrics.NET_RX_BYTES_PER_S), 1e-6);
        for (String n : List.of("eth0", "docker0", "veth1a2b3c", "lo")) {
            assertEquals(10_000_000, value(out, MetricId.of(HostMetrics.NET_IF_TX, "if", n)), 1e-6,
                    n + " keeps its own series");
        }
    }

    private static double value(List<Sample> samples, MetricId id) {
        return samples.stream().filter(s -> s.metric().equals(id)).findFirst().orElseThrow(() -> new AssertionError(
                "no " + id + " in " + samples)).value();
    }
}
