package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The console's start without picocli reads its launch options exactly as picocli does, and leaves
 * everything else to picocli.
 */
class ConsoleLaunchTest {

    @Test
    void theConsolesLaunchOptionsReadAsPicocliReadsThem() {
        for (List<String> args : List.of(List.<String>of(), List.of("--smoke-test"), List.of("--view=alerts"),
                List.of("--demo"), List.of("--demo=2"), List.of("--demo=0.5"),
                List.of("--demo=2", "--view=settings", "--smoke-test"), List.of("--view=nope", "--demo"))) {
            String[] a = args.toArray(String[]::new);
            Main picocli = new Main();
            CommandLine.ParseResult parsed = Main.commandLine(picocli).parseArgs(a);
            assertTrue(parsed.subcommands().isEmpty(), args + " names no command");
            Main ours = ConsoleLaunch.parse(a).orElseThrow(() -> new AssertionError(args + " should start the console"));
            assertEquals(picocli.launchArguments(), ours.launchArguments(), args.toString());
        }
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        for (List<String> args : List.of(List.of("status"), List.of("status", "--json"), List.of("--help"),
                List.of("--version"), List.of("-h"), List.of("--view", "alerts"), List.of("--demo=fast"),
                List.of("--demo=-1"), List.of("--view=a", "--view=b"), List.of("--smoke-test", "--smoke-test"),
                List.of("--demo", "--demo=2"), List.of("--view="), List.of("--view=Alerts;rm"), List.of("--bogus"),
                List.of("--smoke-test", "rules"))) {
            assertTrue(ConsoleLaunch.parse(args.toArray(String[]::new)).isEmpty(), args + " goes to picocli");
        }
    }
}
