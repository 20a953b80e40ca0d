package io.vigil.app;

import io.vigil.playbook.AuditVerification;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil audit verify|export}: check the playbook audit chain (exit 1 when broken) or export it as JSON Lines. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Verify or export the playbook audit log.",
        subcommands = {AuditCommand.VerifyCommand.class, AuditCommand.ExportCommand.class})
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return PlaybookCommand.BAD_INPUT;
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check the hash chain of the audit log; exit 1 when an entry was changed or deleted.")
    static final class VerifyCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return PlaybookCommand.withService(spec, service -> {
                AuditVerification v = service.audit().verify();
                PrintWriter out = spec.commandLine().getOut();
                if (v.valid()) {
                    out.println("OK: " + v.message());
                } else {
                    spec.commandLine().getErr().println("BROKEN at entry " + v.badEntry().getAsLong() + ": " + v.message());
                }
                out.println("head hash: " + v.headHash());
                out.flush();
                return v.valid() ? 0 : 1;
            });
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every audit entry as one JSON object per line.")
    static final class ExportCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--output", paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path output;

        @Override
        public Integer call() throws Exception {
            return PlaybookCommand.withService(spec, service -> {
                if (output == null) {
                    service.audit().exportJsonLines(spec.commandLine().getOut());
                    return 0;
                }
                try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                    long n = service.audit().exportJsonLines(w);
                    spec.commandLine().getErr().println(n + " entries written to " + output);
                }
                return 0;
            });
        }
    }
}
