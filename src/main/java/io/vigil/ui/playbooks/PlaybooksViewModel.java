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
import java.util.Optional;
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

    /** Whether Run simulates (a scenario replay: nothing runs on this machine; ADR 0851). */
    boolean simulates() {
        return service.runner().simulates();
    }

    /**
     * Starts the run, or its simulation in a scenario replay (the first audit entry is committed
     * before this completes); {@code evidenceOverride} is the analyst's reason to let a failed
     * evidence capture pass (ADR 0440), empty otherwise.
     */
    CompletableFuture<RunSession> start(RunPlan plan, boolean destructiveConfirmed, Optional<String> evidenceOverride) {
        return CompletableFuture.supplyAsync(() -> {
            RunSession session = new RunSession(plan, evidenceOverride.isPresent());
            try {
                session.attach(simulates() ? service.runner().simulate(plan, session, destructiveConfirmed)
                        : service.runner().start(plan, session, destructiveConfirmed, evidenceOverride));
            } catch (PlaybookException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
            return session;
        }, background);
    }

    /** Tells {@code changed} after each audit entry this process commits (on the writer's thread). */
    void onAuditChange(Runnable changed) {
        service.audit().addChangeListener(changed);
    }

    /** The newest audit entry's number, to notice runs another process wrote. */
    CompletableFuture<Long> auditHead() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return service.audit().headSeq();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, background);
    }

    /** The recent runs and the audit head they were read at. */
    record History(List<RunSummary> runs, long head) {
    }

    CompletableFuture<History> history() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                // The head first: a run committed in between makes the next check reload again, never miss it.
                long head = service.audit().headSeq();
                return new History(service.audit().recentRuns(200), head);
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
