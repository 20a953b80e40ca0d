package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.ui.FirstFrameProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

/**
 * {@code --smoke-test} and {@code --view}: in-process with the real console (the first-frame probe
 * fires once, after the window is shown), and end to end in a forked JVM (prints the line, closes
 * the wiring, exits 0).
 */
class SmokeTestTest {

    @TempDir
    Path dir;

    private volatile VigilApp app;

    @BeforeEach
    void stage() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            FxToolkit.cleanupApplication(app);
        }
        FxToolkit.cleanupStages();
    }

    private VigilApp launch(Runnable onFirstFrame, String... args) throws Exception {
        AppPaths paths = new AppPaths(dir.resolve("config"), dir.resolve("data"));
        // The probe may fire before setupApplication returns, so the instance is kept as soon as it exists.
        FxToolkit.setupApplication(() -> {
            app = new VigilApp(() -> Wiring.forDesktop(paths, Clock.systemUTC()), onFirstFrame, List.of(args));
            return app;
        });
        assertTrue(app.awaitConsole(java.time.Duration.ofSeconds(60)), "the console attached its views");
        return app;
    }

    /** Waits until the FX toolkit has run {@code n} more pulses (frames), counted by an animation timer. */
    private static void awaitPulses(int n) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(n);
        AnimationTimer[] timer = new AnimationTimer[1];
        Platform.runLater(() -> {
            timer[0] = new AnimationTimer() {
                @Override
                public void handle(long now) {
                    latch.countDown();
                }
            };
            timer[0].start();
        });
        assertTrue(latch.await(30, TimeUnit.SECONDS), n + " pulses within 30 s");
        Platform.runLater(() -> timer[0].stop());
    }

    @Test
    void firstFrameIsReportedExactlyOnceOnTheRequestedView() throws Exception {
        AtomicInteger reports = new AtomicInteger();
        CompletableFuture<String> viewAtFirstFrame = new CompletableFuture<>();
        launch(() -> {
            reports.incrementAndGet();
            viewAtFirstFrame.complete(app.shell().currentId());
        }, "--view=alerts", "--smoke-test");

        assertEquals("alerts", viewAtFirstFrame.get(30, TimeUnit.SECONDS));
        assertEquals(java.util.Set.of("alerts"), org.testfx.util.WaitForAsyncUtils.asyncFx(() -> app.shell().builtViewIds())
                .get(30, TimeUnit.SECONDS), "--view builds that view only, not the Dashboard first");
        awaitPulses(10);
        assertEquals(1, reports.get(), "the probe reports once, however many frames follow");
        assertEquals(FirstFrameProbe.PULSES, app.firstFrameProbe().pulses(), "the probe stopped counting");
    }

    @Test
    void withoutTheFlagThereIsNoProbe() throws Exception {
        AtomicInteger reports = new AtomicInteger();
        launch(reports::incrementAndGet);
        awaitPulses(5);
        assertNull(app.firstFrameProbe());
        assertEquals(0, reports.get());
        assertEquals("dashboard", app.shell().currentId());
    }

    @Test
    void unknownViewIsExplainedAndTheConsoleOpensOnTheFirstView() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            launch(() -> { }, "--view=nope");
        } finally {
            System.setErr(original);
        }
        assertEquals("dashboard", app.shell().currentId());
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("no view 'nope'") && message.contains("alerts"), message);
    }

    /** The real entry point in a forked JVM (headless glass, software rendering), with {@code args}. */
    private Process fork(Path out, List<String> jvmOptions, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java,
                "--module-path", System.getProperty("jdk.module.path"),
                // Surefire puts jars no module descriptor names (the AWS SDK's helpers, read by its
                // automatic modules) on the class path; the fork needs them too.
                "--class-path", System.getProperty("java.class.path", ""),
                "--enable-native-access=javafx.graphics,javafx.media,javafx.web,io.vigil,com.sun.jna,org.xerial.sqlitejdbc",
                "--add-opens=javafx.graphics/com.sun.glass.ui=io.vigil", "--add-opens=javafx.graphics/com.sun.javafx.tk.quantum=io.vigil", "--add-exports=javafx.graphics/com.sun.javafx.tk=io.vigil",
                "-Dglass.platform=Headless", "-Dprism.order=sw", "-Djava.awt.headless=true",
                "-Dvigil.config.dir=" + dir.resolve("fork-config"), "-Dvigil.data.dir=" + dir.resolve("fork-data")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-m", "io.vigil/io.vigil.app.Main"));
        cmd.addAll(List.of(args));
        // The working directory is the temporary one: a JVM crash would leave its hs_err_pid*.log there.
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
    }

    private static String awaitExit(Process p, Path out) throws Exception {
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String output = Files.readString(out);
        assertTrue(ended, "the smoke test ends by itself; output:\n" + output);
        return output;
    }

    /**
     * The real entry point in its own JVM: the smoke test must end the process by itself with exit
     * 0, after printing the window's first frame and the console's, and leave a closed database.
     * Started with the launchers' access options, the console slows the toolkit's idle pulse (ADR 0890),
     * and it opens without building the command line (ADR 0606).
     */
    @Test
    void mainSmokeTestPrintsTheFirstFrameLineAndExitsZero() throws Exception {
        Path out = dir.resolve("out.txt");
        String output = awaitExit(fork(out, List.of("-verbose:class"), "--smoke-test", "--view=settings"), out);
        assertTrue(Pattern.compile("(?m)^first frame in \\d+ ms$").matcher(output).find(), output);
        assertTrue(Pattern.compile("(?m)^console in \\d+ ms$").matcher(output).find(), output);
        assertTrue(Pattern.compile("(?m)^startup: window shown \\d+ ms .*console frame \\d+ ms$").matcher(output).find(),
                output);
        assertTrue(Files.exists(dir.resolve("fork-data").resolve("vigil.db")), "the wiring opened the database");
        assertTrue(output.contains("the pulse timer slows to 500 ms when idle"), output);
        // Opening the console does not build the command line: not one of picocli's classes is loaded.
        assertTrue(output.lines().noneMatch(l -> l.contains("picocli.")), "picocli was loaded to open the console");
        assertTrue(output.lines().anyMatch(l -> l.contains("io.vigil.app.ConsoleLaunch")), output.lines().count() + " lines");
    }

    /**
     * Issue 12: a desktop notification up at exit made the smoke test fail ("The view has already
     * been closed") and at times crashed the JVM in GTK. A rule that is critical at once raises a
     * notification; the smoke test holds the console until the pop-up shows, then exits: exit 0, the
     * pop-up was closed first, and no crash log.
     */
    @Test
    void exitsCleanlyWithANotificationOnScreen() throws Exception {
        Path config = Files.createDirectories(dir.resolve("fork-config"));
        Files.writeString(config.resolve("rules.yaml"), """
                rules:
                  - id: always-critical
                    description: Critical at once, so that a notification is up at exit.
                    metric: host.cpu.percent
                    reducer: last
                    window: 5s
                    condition: ">="
                    critical: 0
                """);
        Path out = dir.resolve("out.txt");
        Process p = fork(out, List.of("-Dvigil.smokeTest.holdMs=90000"), "--smoke-test");
        String output = awaitExit(p, out);
        assertEquals(0, p.exitValue(), output);
        assertTrue(Pattern.compile("(?m)^smoke test: closed [1-9]\\d* pop-up window\\(s\\) before exit$")
                .matcher(output).find(), "a notification was up at exit and was closed first:\n" + output);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err_pid")), "no JVM crash log");
        }
    }

    /**
     * The installer's AOT training run ({@code packaging/linux/train-aot-cache.sh}) keeps the demo's
     * console up for a while so the cache holds the JIT profiles of its steady state, then exits 0.
     */
    @Test
    void theTrainingRunKeepsTheDemoConsoleUpForItsStayThenExitsCleanly() throws Exception {
        Path out = dir.resolve("stay.txt");
        long stayMs = 3_000;
        long started = System.nanoTime();
        Process p = fork(out, List.of("-Dvigil.smokeTest.stayMs=" + stayMs), "--demo=1", "--smoke-test");
        String output = awaitExit(p, out);
        long ranMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("smoke test: the console stays 3000 ms"), output);
        assertTrue(output.indexOf("console in ") < output.indexOf("smoke test: the console stays"), output);
        assertTrue(ranMs >= stayMs, "ran " + ranMs + " ms");
    }
}
