package io.vigil.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which network interfaces carry this host's own traffic, so that host totals count each byte once.
 * On a container host a packet leaving a container crosses its {@code veth}, the {@code docker0}
 * (or {@code cni0}, {@code br-…}) bridge and then the physical NIC: summing every interface reports
 * egress two to three times too high.
 *
 * <p>Counted: interfaces backed by a device ({@code /sys/class/net/IF/device} exists: NICs, virtio,
 * ENA), which leaves out bridges, veths, bonds, VLANs and tunnels whose bytes also cross a device.
 * Where no interface has a device (Vigil inside a container, or no {@code /sys}), every interface
 * whose name is not a known virtual kind (loopback, bridges, veth, overlay and VPN tunnels) counts.
 * The per-interface series always keep every interface. Thread-safe; reads {@code /sys} per call.
 */
public final class NetworkInterfaces {

    /** Names of interfaces that never carry the host's own first copy of a byte. */
    private static final List<String> VIRTUAL_PREFIXES = List.of("lo", "docker", "br-", "cni", "virbr", "veth",
            "flannel", "cali", "vxlan", "weave", "kube-", "podman", "cilium", "lxcbr", "lxc", "tun", "tap", "wg",
            "genev", "tailscale", "zt", "vnet", "ovs-", "gre", "ip6tnl", "sit", "dummy", "ifb", "nodelocaldns");

    private final Path sysClassNet;

    /** {@code sysClassNet}: the kernel's {@code /sys/class/net}, or a copy of its layout in tests. */
    public NetworkInterfaces(Path sysClassNet) {
        this.sysClassNet = sysClassNet;
    }

    public static NetworkInterfaces forThisMachine() {
        return new NetworkInterfaces(Path.of("/sys/class/net"));
    }

    /** The interfaces among {@code names} whose traffic makes up the host totals. */
    public Set<String> countedInHostTotal(Collection<String> names) {
        Set<String> byName = new LinkedHashSet<>();
        for (String n : names) {
            if (!isVirtualByName(n)) {
                byName.add(n);
            }
        }
        if (Files.isDirectory(sysClassNet)) {
            Set<String> devices = new LinkedHashSet<>();
            for (String n : names) {
                if (safeName(n) && Files.exists(sysClassNet.resolve(n).resolve("device"))) {
                    devices.add(n);
                }
            }
            if (!devices.isEmpty()) {
                return devices;
            }
        }
        return byName;
    }

    static boolean isVirtualByName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("loopback")) {
            return true;
        }
        for (String p : VIRTUAL_PREFIXES) {
            if (n.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** An interface name is a single path element (the kernel forbids '/'); never let one walk the tree. */
    private static boolean safeName(String n) {
        return !n.isEmpty() && !n.contains("/") && !n.equals(".") && !n.equals("..");
    }
}
