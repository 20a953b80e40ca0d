package io.vigil.fleet;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An exporter for tests: serves Prometheus text exposition format on {@code /metrics} from a
 * recorded-format fixture, over real HTTP on a loopback address (use a different address per node,
 * {@code 127.0.0.2}, {@code 127.0.0.3}, …, as real nodes have different hosts). It can be stopped and
 * restarted on the same port (a node going away and coming back) and its text replaced.
 *
 * <p>Counters: a fixture may write {@code {{t*K}}} for a value that grows at K per second; such a
 * line also gets an explicit sample timestamp (the text format allows one) from the same clock
 * reading, so that {@code irate()} over node_exporter's counters is exactly K however late a loaded
 * machine scrapes.
 *
 * <p>Thread-safe.
 */
public final class FakeExporter implements AutoCloseable {

    private static final Pattern COUNTER = Pattern.compile("\\{\\{t\\*([0-9.eE+-]+)}}");

    private final String host;
    private final int port;
    private final LongSupplier clockMillis;
    private final long startMillis;
    private final AtomicInteger scrapes = new AtomicInteger();
    private volatile String text;
    private HttpServer server;

    /** Serves {@code text} on {@code host} (a loopback address) at a free port, started. */
    public FakeExporter(String host, String text) {
        this(host, 0, text, System::currentTimeMillis);
    }

    /** {@code clockMillis}: epoch milliseconds for counters and their timestamps (Prometheus refuses far-off times). */
    public FakeExporter(String host, int port, String text, LongSupplier clockMillis) {
        this.host = host;
        this.text = text;
        this.clockMillis = clockMillis;
        this.startMillis = clockMillis.getAsLong();
        this.server = bind(host, port);
        this.port = server.getAddress().getPort();
    }

    /** A fixture from {@code src/test/resources/io/vigil/fleet/}. */
    public static String fixture(String name) {
        try (InputStream in = FakeExporter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name + " beside " + FakeExporter.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpServer bind(String host, int port) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
            s.createContext("/metrics", exchange -> {
                scrapes.incrementAndGet();
                byte[] body = render().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve a fake exporter on " + host + ":" + port, e);
        }
    }

    String render() {
        long now = clockMillis.getAsLong();
        double t = 1000 + (now - startMillis) / 1000.0;
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            Matcher m = COUNTER.matcher(line);
            boolean counter = false;
            while (m.find()) {
                counter = true;
                m.appendReplacement(out, String.format(Locale.ROOT, "%.3f", Double.parseDouble(m.group(1)) * t));
            }
            m.appendTail(out);
            if (counter) {
                out.append(' ').append(now);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** {@code host:port}, as a static scrape target. */
    public String target() {
        return host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** How many times it was scraped. */
    public int scrapes() {
        return scrapes.get();
    }

    /** Replaces the text served from the next scrape on. */
    public void setText(String text) {
        this.text = text;
    }

    /** Stops answering: connections to its port are refused. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Answers again on the same address and port. */
    public synchronized void restart() {
        if (server == null) {
            server = bind(host, port);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
