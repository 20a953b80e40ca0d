package io.vigil.app;

import io.vigil.playbook.AuditEntry;
import io.vigil.playbook.AuditVerification;
import io.vigil.store.OwnerOnly;
import io.vigil.store.StoreException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
            description = {"Check the audit chain: every entry's hash (keyed HMAC-SHA256, or plain SHA-256 for entries "
                    + "written before the audit key existed), the links, that none is missing, and every anchor in the "
                    + "anchor file. Prints what was checked and what it proves.",
                    "Exit 0 intact, 1 changed, deleted or unreadable, 6 --anchor HASH not found in an intact chain."})
    static final class VerifyCommand implements Callable<Integer> {
        static final int ANCHOR_NOT_FOUND = 6;

        @Spec
        CommandSpec spec;

        @Option(names = "--anchor", paramLabel = "HASH", description = "Also check that the chain passed through HASH "
                + "(a head hash kept elsewhere: a webhook message, an earlier 'audit verify', a note).")
        String anchor;

        @Override
        public Integer call() throws Exception {
            return PlaybookCommand.withService(spec, service -> {
                PrintWriter out = spec.commandLine().getOut();
                PrintWriter err = spec.commandLine().getErr();
                AuditVerification v;
                Optional<AuditEntry> at = Optional.empty();
                try {
                    v = service.audit().verify();
                    if (anchor != null) {
                        at = service.audit().passedThrough(anchor);
                    }
                } catch (StoreException e) {
                    // A dropped table, a corrupt page: say so, without a stack trace.
                    err.println("BROKEN: the audit log cannot be read, so nothing in it can be vouched for: "
                            + e.getMessage());
                    err.flush();
                    return 1;
                }
                if (v.valid()) {
                    out.println("OK: " + v.message());
                } else {
                    err.println("BROKEN at entry " + v.badEntry().getAsLong() + ": " + v.message());
                    err.flush();
                }
                for (String line : v.report()) {
                    out.println("  " + line);
                }
                out.println("head hash: " + v.headHash());
                int code = v.valid() ? 0 : 1;
                if (anchor != null) {
                    if (at.isPresent()) {
                        out.println("anchor " + anchor.strip() + ": the chain passed through it at entry " + at.get().seq()
                                + " (" + at.get().time() + ")" + (v.valid() ? "; nothing up to that entry was changed"
                                : "; but the chain is broken (above), so this proves nothing"));
                    } else {
                        err.println("anchor " + anchor.strip() + ": NOT FOUND: no entry has this hash. The log was "
                                + "rewritten or cut back past it, or the hash comes from another log.");
                        err.flush();
                        code = v.valid() ? ANCHOR_NOT_FOUND : code;
                    }
                }
                out.flush();
                return code;
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
                // The export holds what ran and its output: owner-only, like the database it comes from.
                OwnerOnly.createFileIfMissing(output);
                try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                    long n = service.audit().exportJsonLines(w);
                    spec.commandLine().getErr().println(n + " entries written to " + output);
                }
                return 0;
            });
        }
    }
}
