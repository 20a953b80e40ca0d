package io.vigil.playbook;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code pcap_summary}: bytes and packets per destination (address and port) in a classic pcap file
 * as {@code tcpdump -w} writes it (Ethernet, Linux cooked v1/v2 or raw IP link types), largest
 * first. Thread-safe.
 */
public final class PcapSummaryAction implements BuiltInAction {

    static final int TOP = 25;

    @Override
    public String name() {
        return "pcap_summary";
    }

    @Override
    public int run(Map<String, String> args, ActionContext ctx) throws ActionException {
        Path file = HashFilesAction.checked(ctx, args.get("file"));
        if (!Files.isRegularFile(file)) {
            throw new ActionException(file + " does not exist: the capture step wrote nothing");
        }
        Map<String, long[]> perDestination = new HashMap<>();
        long packets = 0;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                java.nio.channels.Channels.newInputStream(ConfinedFiles.open(file))))) {
            byte[] header = in.readNBytes(24);
            if (header.length < 24) {
                ctx.out("the capture is empty");
                return 0;
            }
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int magic = h.getInt(0);
            ByteOrder order;
            if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (Integer.reverseBytes(magic) == 0xa1b2c3d4 || Integer.reverseBytes(magic) == 0xa1b23c4d) {
                order = ByteOrder.BIG_ENDIAN;
            } else {
                throw new ActionException(file + " is not a classic pcap file (tcpdump -w writes one)");
            }
            int linkType = ByteBuffer.wrap(header).order(order).getInt(20) & 0x0fffffff;
            while (true) {
                byte[] rec = readFully(in, 16);
                if (rec == null) {
                    break;
                }
                ByteBuffer r = ByteBuffer.wrap(rec).order(order);
                int captured = r.getInt(8);
                int original = r.getInt(12);
                if (captured < 0 || captured > 1 << 20) {
                    ctx.out("the capture is damaged after " + packets + " packets");
                    break;
                }
                byte[] data = readFully(in, captured);
                if (data == null) {
                    break;
                }
                packets++;
                String dest = destination(linkType, data);
                long[] acc = perDestination.computeIfAbsent(dest, k -> new long[2]);
                acc[0] += original;
                acc[1]++;
            }
        } catch (IOException e) {
            throw new ActionException("cannot read " + file + ": " + e.getMessage(), e);
        }
        ctx.out(packets + " packets to " + perDestination.size() + " destinations; largest first:");
        perDestination.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(TOP)
                .forEach(e -> ctx.out(String.format("%12d bytes %8d packets  %s", e.getValue()[0], e.getValue()[1],
                        e.getKey())));
        return 0;
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            if (b.length == 0) {
                return null;
            }
            throw new EOFException("truncated record");
        }
        return b;
    }

    /** "address:port/proto" of a packet's destination, or "other" for what is not IP. */
    static String destination(int linkType, byte[] p) {
        int off;
        int etherType;
        switch (linkType) {
            case 1 -> { // Ethernet
                if (p.length < 14) {
                    return "other";
                }
                off = 14;
                etherType = u16(p, 12);
                if (etherType == 0x8100 && p.length >= 18) { // VLAN tag
                    etherType = u16(p, 16);
                    off = 18;
                }
            }
            case 113 -> { // Linux cooked v1
                if (p.length < 16) {
                    return "other";
                }
                off = 16;
                etherType = u16(p, 14);
            }
            case 276 -> { // Linux cooked v2
                if (p.length < 20) {
                    return "other";
                }
                off = 20;
                etherType = u16(p, 0);
            }
            case 101, 12, 14 -> { // raw IP
                off = 0;
                etherType = p.length > 0 && (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
            }
            default -> {
                return "other";
            }
        }
        try {
            if (etherType == 0x0800 && p.length >= off + 20) {
                int ihl = (p[off] & 0x0f) * 4;
                int proto = p[off + 9] & 0xff;
                String addr = InetAddress.getByAddress(Arrays.copyOfRange(p, off + 16, off + 20)).getHostAddress();
                return addr + port(p, off + ihl, proto);
            }
            if (etherType == 0x86dd && p.length >= off + 40) {
                int proto = p[off + 6] & 0xff;
                String addr = InetAddress.getByAddress(Arrays.copyOfRange(p, off + 24, off + 40)).getHostAddress();
                return "[" + addr + "]" + port(p, off + 40, proto);
            }
        } catch (UnknownHostException e) {
            return "other";
        }
        return "other";
    }

    private static String port(byte[] p, int l4, int proto) {
        String name = proto == 6 ? "tcp" : proto == 17 ? "udp" : proto == 1 || proto == 58 ? "icmp" : "ip" + proto;
        if ((proto == 6 || proto == 17) && p.length >= l4 + 4) {
            return ":" + u16(p, l4 + 2) + "/" + name;
        }
        return "/" + name;
    }

    private static int u16(byte[] p, int i) {
        return ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
    }
}
