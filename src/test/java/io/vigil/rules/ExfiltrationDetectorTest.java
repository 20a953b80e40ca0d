package io.vigil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.host.HostProcessSource;
import io.vigil.host.HostSnapshot;
import io.vigil.host.NetConnection;
import io.vigil.host.OpenFilesReader;
import io.vigil.telemetry.ManualClock;
import io.vigil.telemetry.MetricId;
import io.vigil.telemetry.SeriesStore;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

/**
 * The exfiltration detector with real parts: a real child process (python3) that opens a file under a
 * temporary watched root and sends bytes to a loopback listener of the test; the host snapshot comes
 * from the real process and network readers, the open files from the real {@code /proc}; the egress
 * spike is written into the host series at fake-clock times.
 */
class ExfiltrationDetectorTest {

    static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");
    static final MetricId EGRESS = MetricId.of("host.net.tx_bytes_per_s");
    /** Opens argv[1] unless it is "-", connects to 127.0.0.1:argv[2], sends 1 MiB, then waits for stdin to close. */
    static final String CHILD = """
            import socket, sys
            f = None if sys.argv[1] == '-' else open(sys.argv[1], 'rb')
            s = socket.create_connection(('127.0.0.1', int(sys.argv[2])))
            s.sendall(b'x' * (1 << 20))
            print('sent', flush=True)
            sys.stdin.read()
            """;

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(T0);
    final SeriesStore store = new SeriesStore(10_000);
    ServerSocket listener;
    final AtomicLong received = new AtomicLong();
    Process child;

    @BeforeEach
    void listen() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux /proc");
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> {
                        try (InputStream in = s.getInputStream()) {
                            byte[] buf = new byte[65536];
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                received.addAndGet(n);
                            }
                        } catch (Exception e) {
                            // the child went away
                        }
                    });
                } catch (Exception e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (listener != null) {
            listener.close();
        }
    }

    static Rule defaultRule() throws Exception {
        try (InputStream in = Evaluator.class.getResourceAsStream("default-rules.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new RuleFile().parse("default-rules.yaml", text).stream()
                    .filter(r -> r.id().equals("exfiltration.suspected")).findFirst().orElseThrow();
        }
    }

    /** Starts the child, waits (bounded) until it has sent and the host reader sees its connection. */
    HostSnapshot startChild(String file) throws Exception {
        child = new ProcessBuilder("python3", "-c", CHILD, file, Integer.toString(listener.getLocalPort()))
                .redirectErrorStream(true).start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream())).readLine();
        assertEquals("sent", line, "the child sends its bytes");
        HostProcessSource host = HostProcessSource.forThisMachine(new SystemInfo(), Duration.ofSeconds(5));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            host.poll(Instant.now());
            HostSnapshot snap = host.latest();
            for (NetConnection c : snap.connections()) {
                if (c.pid() == child.pid() && c.remotePort() == listener.getLocalPort()) {
                    return snap;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the host reader never showed the child's connection");
    }

    Evaluator evaluator(Path root) throws Exception {
        ExfiltrationDetector detector = new ExfiltrationDetector(OpenFilesReader.forThisMachine(), () -> List.of(root));
        AtomicReference<HostSnapshot> snap = new AtomicReference<>(HostSnapshot.EMPTY);
        this.snapshot = snap;
        Evaluator e = new Evaluator(clock, io.vigil.rules.MetricReader.of(store),
                new DetectorInputs(snap::get, List::of, List::of, Signatures.builtIn()).withExfiltration(detector));
        e.setRules(List.of(defaultRule()));
        return e;
    }

    AtomicReference<HostSnapshot> snapshot;

    /** An egress spike of 60 MB/s over the rule's window, one point per 5 s of fake time; the last tick's result. */
    Evaluation spike(Evaluator e) {
        Evaluation ev = null;
        for (int i = 0; i < 13; i++) {
            store.append(EGRESS, clock.millis(), 60_000_000);
            ev = e.tick();
            clock.advance(Duration.ofSeconds(5));
        }
        return ev;
    }

    @Test
    void aProcessWithAModelFileOpenSendingDuringAnEgressSpikeRaisesOneAlert() throws Exception {
        Path root = Files.createDirectories(dir.resolve("models"));
        Path model = Files.writeString(root.resolve("llama-3-8b.safetensors"), "weights");
        Evaluator e = evaluator(root);
        snapshot.set(startChild(model.toString()));
        Evaluation ev = spike(e);
        List<RuleInstance> fired = ev.active().stream().filter(i -> i.ruleId().equals("exfiltration.suspected")).toList();
        assertEquals(1, fired.size(), "one alert: " + ev.active());
        RuleInstance a = fired.getFirst();
        assertEquals(InstancePhase.FIRING, a.phase());
        assertEquals(Severity.WARNING, a.severity());
        assertEquals(Long.toString(child.pid()), a.labels().get("pid"));
        assertTrue(a.labels().get("files").contains(model.toRealPath().toString()), a.labels().toString());
        assertEquals("127.0.0.1:" + listener.getLocalPort(), a.labels().get("remotes"));
        assertEquals("60000000", a.labels().get("bytes_per_s"));
        assertEquals("3600000000", a.labels().get("bytes"), "60 MB/s over the 1 min window");
        assertTrue(a.labels().get("reasons").contains("no per-process byte counts"), a.labels().get("reasons"));
        assertTrue(received.get() >= 1 << 20 || received.get() > 0, "the listener got the bytes");
    }

    @Test
    void theSameTrafficWithoutTheModelFileOpenDoesNotFire() throws Exception {
        Path root = Files.createDirectories(dir.resolve("models"));
        Files.writeString(root.resolve("llama-3-8b.safetensors"), "weights");
        Evaluator e = evaluator(root);
        snapshot.set(startChild("-"));
        Evaluation ev = spike(e);
        assertTrue(ev.active().stream().noneMatch(i -> i.ruleId().equals("exfiltration.suspected")), ev.active().toString());
    }

    @Test
    void aModelFileOpenWithoutAnEgressSpikeDoesNotFire() throws Exception {
        Path root = Files.createDirectories(dir.resolve("models"));
        Path model = Files.writeString(root.resolve("model.gguf"), "weights");
        Evaluator e = evaluator(root);
        snapshot.set(startChild(model.toString()));
        Evaluation ev = null;
        for (int i = 0; i < 13; i++) {
            store.append(EGRESS, clock.millis(), 1_000_000);
            ev = e.tick();
            clock.advance(Duration.ofSeconds(5));
        }
        assertTrue(ev.active().stream().noneMatch(i -> i.ruleId().equals("exfiltration.suspected")), ev.active().toString());
    }

    @Test
    void fileNamesAreShownEscapedAndFilesOutsideTheRootsAreIgnored() throws Exception {
        Path root = Files.createDirectories(dir.resolve("models"));
        Path hostile = Files.writeString(root.resolve("evil\nname\u001b[31m.bin"), "x");
        Path outside = Files.writeString(dir.resolve("notes.txt"), "x");
        OpenFilesReader reader = OpenFilesReader.forThisMachine();
        try (var a = Files.newInputStream(hostile); var b = Files.newInputStream(outside)) {
            List<Path> open = reader.openUnder((int) ProcessHandle.current().pid(),
                    OpenFilesReader.resolveRoots(List.of(root)));
            assertEquals(List.of(hostile.toRealPath()), open);
        }
        String shown = io.vigil.text.SafeText.of(hostile.toString());
        assertTrue(!shown.contains("\n") && !shown.contains("\u001b"), shown);
    }
}
