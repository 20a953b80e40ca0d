package io.vigil.ui.playbooks;

import io.vigil.playbook.AuditEntry;
import io.vigil.playbook.AuditVerification;
import io.vigil.playbook.Playbook;
import io.vigil.playbook.PlaybookCatalog;
import io.vigil.playbook.PlaybookException;
import io.vigil.playbook.PlaybookService;
import io.vigil.playbook.RunPlan;
import io.vigil.playbook.RunSummary;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What the playbooks view does, without JavaFX controls: every call that touches files, processes or
 * the database runs on {@code background} and answers with a future; the view applies the answer on
 * the FX thread. Thread-safe.
 */
final class PlaybooksViewModel {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final PlaybookService service;
    private final Executor background;
    private final Path exportDir;
    private final Clock clock;

    PlaybooksViewModel(PlaybookService service, Executor background, Path exportDir, Clock clock) {
        this.service = service;
        this.background = background;
        this.exportDir = exportDir;
        this.clock = clock;
    }

    PlaybookCatalog catalog() {
        return service.catalog();
    }

    CompletableFuture<PlaybookCatalog> reload() {
        return CompletableFuture.supplyAsync(service::reload, background);
    }

    /** The dry run: binding problems come back as a failed future with the message. */
    CompletableFuture<RunPlan> plan(Playbook playbook, Map<String, String> values, Map<String, String> context) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return service.runner().plan(playbook, values, context);
            } catch (PlaybookException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background);
    }

    /** Starts the run (the first audit entry is committed before this completes). */
    CompletableFuture<RunSession> start(RunPlan plan, boolean destructiveConfirmed) {
        return CompletableFuture.supplyAsync(() -> {
            RunSession session = new RunSession(plan);
            try {
                session.attach(service.runner().start(plan, session, destructiveConfirmed));
            } catch (PlaybookException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
            return session;
        }, background);
    }

    CompletableFuture<List<RunSummary>> history() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return service.audit().recentRuns(200);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background);
    }

    CompletableFuture<List<AuditEntry>> runEntries(String runId) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return service.audit().run(runId);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background);
    }

    CompletableFuture<AuditVerification> verify() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return service.audit().verify();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background);
    }

    /** Writes the audit log as JSON Lines into the export folder; returns the file. */
    CompletableFuture<Path> export() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                io.vigil.store.OwnerOnly.createDirectories(exportDir);
                Path file = exportDir.resolve("vigil-audit-" + STAMP.format(clock.instant()) + ".jsonl");
                // What ran and its output: owner-only, like the database it comes from.
                io.vigil.store.OwnerOnly.createFileIfMissing(file);
                try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    service.audit().exportJsonLines(w);
                }
                return file;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background);
    }
}
