package io.vigil.bench;

import io.vigil.text.Escaper;
import io.vigil.text.Redactor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Time to redact (and escape) the inputs a hostile process can produce: a 1 MB and a 10 MB line
 * without a break, the same sizes of realistic log text with secrets in it, and the 1.5 MB command
 * line of a miner that padded its argv with 12 arguments of 131 KB. Best of 5 runs after a warm-up,
 * wall clock and the thread's CPU time (on a shared machine the wall clock includes waiting for a core).
 * Run: {@code ./mvnw -Pbench verify -Dbench=redaction}, or as a plain main.
 */
public final class RedactionBench {

    public static void main(String[] args) {
        run();
    }

    static void run() {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("1 MB, one token", "a".repeat(1_000_000));
        inputs.put("10 MB, one token", "a".repeat(10_000_000));
        inputs.put("1 MB, base64-like token", "aB3/".repeat(250_000));
        inputs.put("1 MB, key-like token then =", "x_password_".repeat(90_910) + "=v");
        inputs.put("1 MB, log text with secrets", logText(1_000_000));
        inputs.put("10 MB, log text with secrets", logText(10_000_000));
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            argv.add(String.valueOf((char) ('a' + i)).repeat(131_000));
        }
        inputs.put("1.5 MB argv, 12 x 131 KB", "/usr/bin/perl -e sleep " + String.join(" ", argv));
        Redactor redactor = new Redactor();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String input : inputs.values()) { // warm-up
            Escaper.escape(redactor.redact(input));
        }
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            double bestWall = Double.MAX_VALUE;
            double bestCpu = Double.MAX_VALUE;
            int length = 0;
            for (int round = 0; round < 5; round++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                String out = Escaper.escape(redactor.redact(e.getValue()));
                long t1 = System.nanoTime();
                long c1 = threads.getCurrentThreadCpuTime();
                length = out.length();
                bestWall = Math.min(bestWall, (t1 - t0) / 1e6);
                bestCpu = Math.min(bestCpu, (c1 - c0) / 1e6);
            }
            double mb = e.getValue().length() / 1e6;
            System.out.printf(Locale.ROOT, "redaction %-30s %6.2f MB: wall %8.1f ms, CPU %8.1f ms (%5.0f MB/s CPU); out %d chars%n",
                    e.getKey(), mb, bestWall, bestCpu, mb / (bestCpu / 1e3), length);
        }
        System.out.println("java " + System.getProperty("java.vm.version") + " on " + System.getProperty("os.arch")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    }

    /** Lines of ordinary output with a secret every few lines, joined by newlines, about {@code chars} long. */
    private static String logText(int chars) {
        String[] lines = {
            "2026-03-02T12:00:00Z INFO step 1200 loss 0.4121 lr 3e-4 tokens/s 18250 gpu0 98%",
            "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE PWD=/srv/train OLDPWD=/home/alice",
            "curl -u alice:pa55w0rd https://registry.example/v2/ -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x'",
            "huggingface-cli download --hf-token hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567 meta/llama",
            "python train.py --password hunter2 --api-key=sk-proj-Ab3dEfGh_IjKlMnOp-QrStUvWx0123456789 --epochs 3",
        };
        StringBuilder sb = new StringBuilder(chars + 200);
        for (int i = 0; sb.length() < chars; i++) {
            sb.append(lines[i % lines.length]).append('\n');
        }
        return sb.toString();
    }

    private RedactionBench() {
    }
}
