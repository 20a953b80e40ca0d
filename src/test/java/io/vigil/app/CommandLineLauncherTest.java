package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as people type it (issue 12): {@code --version} prints the build's version, and the
 * checkout launcher {@code bin/vigil} explains an old Java or a missing build instead of failing
 * with a class-version error.
 */
class CommandLineLauncherTest {

    @TempDir
    Path dir;

    @Test
    void versionIsTheBuildsNotADevelopmentBuild() throws Exception {
        StringWriter out = new StringWriter();
        int rc = Main.run(new String[] {"--version"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        assertEquals(0, rc);
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("(?m)^  <version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "the pom has a project version");
        assertEquals("Vigil " + m.group(1), out.toString().strip());
    }

    @Test
    void anOldJavaGetsAHintInsteadOfAClassVersionError() throws Exception {
        Path jdk = Files.createDirectories(dir.resolve("jdk-17/bin"));
        Files.writeString(jdk.getParent().resolve("release"), "JAVA_VERSION=\"17.0.13\"\n");
        Path java = jdk.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'Unsupported major.minor version 68.0' >&2\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));

        Result r = launcher(Path.of("bin/vigil"), jdk.getParent(), "--version");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Vigil needs Java 25 or newer") && r.err().contains("Java 17")
                && r.err().contains("JAVA_HOME"), r.toString());
        assertFalse(r.err().contains("Unsupported major.minor"), "the old java was never started: " + r);
    }

    @Test
    void aCheckoutNotYetBuiltSaysHowToBuildIt() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("checkout/bin"));
        Files.copy(Path.of("bin/vigil"), bin.resolve("vigil"));
        Files.setPosixFilePermissions(bin.resolve("vigil"), PosixFilePermissions.fromString("rwx------"));

        Result r = launcher(bin.resolve("vigil"), Path.of(System.getProperty("java.home")), "status");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("not built yet") && r.err().contains("./mvnw -q package -DskipTests"), r.toString());
    }

    /**
     * The console's JVM as shipped (ADRs 0607, 0608): the serial collector from the checkout launcher
     * (the installed one gets it from the same pom property, checked by .ci/package-test), and the
     * toolkit's pulse capped at 30 a second unless the user chose a rate.
     */
    @Test
    void theConsoleRunsOnTheSerialCollectorWithAThirtyHertzPulseAndItsJitAndToolkitOptions() throws Exception {
        Path checkout = dir.resolve("checkout");
        Path bin = Files.createDirectories(checkout.resolve("bin"));
        Files.copy(Path.of("bin/vigil"), bin.resolve("vigil"));
        Files.setPosixFilePermissions(bin.resolve("vigil"), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(checkout.resolve("target/modules"));
        Files.writeString(checkout.resolve("target/vigil-0.1.0.jar"), "");
        Path jdk = Files.createDirectories(dir.resolve("jdk-25/bin"));
        Files.writeString(jdk.getParent().resolve("release"), "JAVA_VERSION=\"25.0.3\"\n");
        Files.writeString(jdk.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(jdk.resolve("java"), PosixFilePermissions.fromString("rwx------"));

        Result r = launcher(bin.resolve("vigil"), jdk.getParent(), "status");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().lines().anyMatch("-XX:+UseSerialGC"::equals), r.out());
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<vigil.jvm.gc>-XX:+UseSerialGC</vigil.jvm.gc>")
                && pom.contains("<javaOption>${vigil.jvm.gc}</javaOption>"), "the installed launcher gets the same collector");
        // The same JIT thresholds (ADR 0891) and access to the toolkit's pulse timer (ADR 0890), in both launchers.
        for (String option : List.of("-XX:Tier4InvocationThreshold=15000", "-XX:Tier4MinInvocationThreshold=1800",
                "-XX:Tier4CompileThreshold=45000", "-XX:Tier4BackEdgeThreshold=120000",
                "--add-opens=javafx.graphics/com.sun.glass.ui=io.vigil",
                "--add-opens=javafx.graphics/com.sun.javafx.tk.quantum=io.vigil",
                "--add-exports=javafx.graphics/com.sun.javafx.tk=io.vigil")) {
            assertTrue(r.out().lines().anyMatch(option::equals), option + " in " + r.out());
            assertTrue(pom.contains("<javaOption>" + option + "</javaOption>"), "the installed launcher gets " + option);
        }

        java.util.Properties props = new java.util.Properties();
        Main.capPulseRate(props);
        assertEquals("30", props.getProperty("javafx.animation.pulse"));
        props.setProperty("javafx.animation.pulse", "60");
        Main.capPulseRate(props);
        assertEquals("60", props.getProperty("javafx.animation.pulse"), "the user's rate wins");
    }

    private record Result(int exit, String out, String err) { }

    private Result launcher(Path script, Path javaHome, String... args) throws Exception {
        var cmd = new java.util.ArrayList<String>();
        cmd.add(script.toAbsolutePath().toString());
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        pb.environment().put("JAVA_HOME", javaHome.toAbsolutePath().toString());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher returns");
        return new Result(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }
}
