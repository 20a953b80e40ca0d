package io.vigil.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.PollResult;
import io.vigil.telemetry.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import oshi.SystemInfo;

/** Runs the host sources against the real OSHI on this machine and checks invariants. */
class HostSourcesTest {

    private static final SystemInfo SYSTEM = new SystemInfo();

    private static Map<MetricId, Double> values(PollResult r) {
        return r.samples().stream().collect(Collectors.toMap(Sample::metric, Sample::value, (a, b) -> b));
    }

    @Test
    void hostMetricsAreWithinTheirPhysicalBounds() throws Exception {
        HostSource source = HostSource.forThisMachine(SYSTEM, Duration.ofSeconds(2));
        source.poll(Instant.now());
        // Burn a little CPU so the tick delta is not empty on an idle machine.
        long x = 0;
        for (int i = 0; i < 5_000_000; i++) {
            x += i ^ (x >>> 3);
        }
        assertTrue(x != 42);
        PollResult second = source.poll(Instant.now());
        Map<MetricId, Double> v = values(second);

        double cpu = v.get(HostMetrics.CPU_PERCENT);
        assertTrue(cpu >= 0 && cpu <= 100, "0 <= cpu <= 100: " + cpu);
        assertTrue(v.get(HostMetrics.MEMORY_USED_BYTES) <= v.get(HostMetrics.MEMORY_TOTAL_BYTES));
        assertTrue(v.get(HostMetrics.MEMORY_TOTAL_BYTES) > 0);
        assertTrue(v.get(HostMetrics.SWAP_USED_BYTES) <= v.get(HostMetrics.SWAP_TOTAL_BYTES));
        assertTrue(v.get(HostMetrics.NET_RX_BYTES_PER_S) >= 0);
        assertTrue(v.get(HostMetrics.NET_TX_BYTES_PER_S) >= 0);
        v.forEach((id, value) -> {
            if (id.name().startsWith("host.net.")) {
                assertTrue(value >= 0, id + " >= 0");
            }
        });
        assertTrue(v.containsKey(HostMetrics.LOAD_1M), "Linux has a load average");
    }

    @Test
    void loopbackTrafficShowsUpAsARateOnTheLoopbackInterface() throws Exception {
        HostSource source = HostSource.forThisMachine(SYSTEM, Duration.ofSeconds(2));
        source.poll(Instant.now());
        byte[] megabyte = new byte[1 << 20];
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread sink = Thread.ofVirtual().start(() -> {
                try (var in = server.accept().getInputStream()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException ignored) {
                    // the test asserts on the counters, not on this thread
                }
            });
            try (var client = new java.net.Socket(server.getInetAddress(), server.getLocalPort())) {
                for (int i = 0; i < 4; i++) {
                    client.getOutputStream().write(megabyte);
                }
            }
            sink.join();
        }
        Map<MetricId, Double> v = values(source.poll(Instant.now()));
        double lo = v.getOrDefault(MetricId.of(HostMetrics.NET_IF_RX, "if", "lo"), 0.0);
        assertTrue(lo > 0, "4 MiB over loopback gives a receive rate on lo: " + v);
    }

    @Test
    void processListContainsThisJvmWithItsCommandLine() throws Exception {
        HostProcessSource source = HostProcessSource.forThisMachine(SYSTEM, Duration.ofSeconds(5));
        source.poll(Instant.now());
        PollResult r = source.poll(Instant.now());
        HostSnapshot snapshot = source.latest();
        long self = ProcessHandle.current().pid();
        ProcessInfo me = snapshot.processes().stream().filter(p -> p.pid() == self).findFirst().orElseThrow();
        assertTrue(me.commandLine().contains("java"), me.commandLine());
        assertTrue(me.rssBytes() > 0);
        assertTrue(me.cpuPercent() >= 0);
        assertEquals(ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L).intValue(), me.parentPid());
        assertEquals((double) snapshot.processes().size(), values(r).get(HostMetrics.PROCESS_COUNT));
    }

    @Test
    void listeningPortsIncludeASocketWeOpened() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            HostProcessSource source = HostProcessSource.forThisMachine(SYSTEM, Duration.ofSeconds(5));
            source.poll(Instant.now());
            ListeningPort port = source.latest().listeningPorts().stream()
                    .filter(p -> p.port() == server.getLocalPort()).findFirst().orElseThrow();
            assertEquals("127.0.0.1", port.address());
            assertTrue(!port.isExposed());
            assertEquals(ProcessHandle.current().pid(), port.pid(), "owner pid known for our own socket");
        }
    }
}
