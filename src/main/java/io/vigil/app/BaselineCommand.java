package io.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vigil.inventory.Baseline;
import io.vigil.inventory.BaselineManager;
import io.vigil.inventory.DriftEntry;
import io.vigil.inventory.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil baseline add PATH…} and {@code vigil baseline verify [--json]}: hash baselines of
 * model and data files, kept in Vigil's database (the same ones the console shows and re-verifies).
 */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Record and verify SHA-256 baselines of model and data files.",
        subcommands = {BaselineCommand.Add.class, BaselineCommand.Verify.class})
final class BaselineCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** The baseline manager, or null after telling the user why there is none. */
    static BaselineManager manager(Wiring wiring, PrintWriter err) {
        if (wiring.inventory().baselineManager().isEmpty()) {
            err.println("hash baselines need the database, which could not be opened: "
                    + String.join("; ", wiring.problems()));
            err.flush();
            return null;
        }
        return wiring.inventory().baselineManager().get();
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** {@code vigil baseline add PATH…}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Hash every file under each PATH (a folder or a file) and record it as a baseline, "
                    + "replacing an older baseline of the same path.")
    static final class Add implements Callable<Integer> {

        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<Path> paths;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int rc = 0;
            try (Wiring wiring = Wiring.forDesktop(AppPaths.fromSystem(), Clock.systemUTC())) {
                BaselineManager manager = manager(wiring, err);
                if (manager == null) {
                    return 2;
                }
                for (Path p : paths) {
                    if (!Files.exists(p)) {
                        err.println(p + ": no such file or folder");
                        rc = 2;
                        continue;
                    }
                    try {
                        Baseline b = manager.add(p, io.vigil.inventory.HashProgress.NONE).join();
                        out.printf("%s: %d files, %d bytes recorded%n", b.root(), b.fileCount(), b.totalBytes());
                        for (String problem : b.problems()) {
                            out.println("  problem: " + problem);
                        }
                    } catch (CompletionException e) {
                        err.println(p + ": " + unwrap(e).getMessage());
                        rc = 2;
                    }
                }
            }
            out.flush();
            err.flush();
            return rc;
        }
    }

    /** {@code vigil baseline verify [--json]}: exit 1 when any baseline drifted. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Re-hash every baseline and report added, removed and changed files. Exit code 1 on drift.")
    static final class Verify implements Callable<Integer> {

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (Wiring wiring = Wiring.forDesktop(AppPaths.fromSystem(), Clock.systemUTC())) {
                BaselineManager manager = manager(wiring, err);
                if (manager == null) {
                    return 2;
                }
                List<VerifyReport> reports;
                try {
                    reports = manager.verifyAll(io.vigil.inventory.HashProgress.NONE).join();
                } catch (CompletionException e) {
                    err.println("verify failed: " + unwrap(e).getMessage());
                    err.flush();
                    return 2;
                }
                boolean drift = reports.stream().anyMatch(r -> !r.clean());
                if (json) {
                    List<Map<String, Object>> list = new ArrayList<>();
                    for (VerifyReport r : reports) {
                        list.add(toMap(r));
                    }
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("drift", drift);
                    doc.put("baselines", list);
                    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
                } else if (reports.isEmpty()) {
                    out.println("No baselines. Add one with: vigil baseline add PATH");
                } else {
                    for (VerifyReport r : reports) {
                        out.printf("%s: %s (%d files checked, %d bytes hashed)%n", r.root(),
                                r.clean() ? "clean" : r.drift().size() + " file(s) drifted", r.filesChecked(), r.bytesHashed());
                        for (DriftEntry d : r.drift()) {
                            out.println("  " + InventoryCommand.describe(d));
                        }
                        for (String p : r.problems()) {
                            out.println("  problem: " + p);
                        }
                    }
                }
                out.flush();
                return drift ? 1 : 0;
            }
        }
    }

    static Map<String, Object> toMap(VerifyReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", r.root().toString());
        m.put("verifiedAt", Instant.ofEpochMilli(r.verifiedAtMillis()).toString());
        m.put("filesChecked", r.filesChecked());
        m.put("bytesHashed", r.bytesHashed());
        m.put("clean", r.clean());
        m.put("drift", r.drift().stream().map(BaselineCommand::toMap).toList());
        m.put("problems", r.problems());
        return m;
    }

    static Map<String, Object> toMap(DriftEntry d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", d.path());
        m.put("kind", d.kind().name());
        m.put("detail", d.detail());
        return m;
    }

    static Map<String, Object> toMap(Baseline b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", b.root().toString());
        m.put("files", b.fileCount());
        m.put("bytes", b.totalBytes());
        m.put("taken", Instant.ofEpochMilli(b.createdMillis()).toString());
        m.put("lastVerify", b.lastVerifyMillis().isPresent()
                ? Instant.ofEpochMilli(b.lastVerifyMillis().getAsLong()).toString() : null);
        m.put("drift", b.drift().stream().map(BaselineCommand::toMap).toList());
        m.put("problems", b.problems());
        return m;
    }

    static void printBaseline(PrintWriter out, Baseline b) {
        out.printf("  %s: %d files, %d bytes; %s%n", b.root(), b.fileCount(), b.totalBytes(),
                !b.verified() ? "not verified yet"
                        : (b.drift().isEmpty() ? "clean" : b.drift().size() + " file(s) drifted") + " at last verify "
                        + Instant.ofEpochMilli(b.lastVerifyMillis().getAsLong()));
        for (DriftEntry d : b.drift()) {
            out.println("    " + InventoryCommand.describe(d));
        }
    }
}
