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
