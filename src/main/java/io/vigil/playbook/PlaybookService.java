package io.vigil.playbook;

import java.nio.file.Path;

/**
 * What the view and the command line use: the catalog (reloaded on demand from the built-ins and the
 * analyst's folder), the runner, the audit log and the action registry. Thread-safe: the catalog is
 * swapped atomically.
 */
public final class PlaybookService {

    private final PlaybookFile reader;
    private final Path ownDir;
    private final Runner runner;
    private final AuditLog audit;
    private final ActionRegistry actions;
    private volatile PlaybookCatalog catalog;

    public PlaybookService(PlaybookFile reader, Path ownDir, Runner runner, AuditLog audit, ActionRegistry actions) {
        this.reader = reader;
        this.ownDir = ownDir;
        this.runner = runner;
        this.audit = audit;
        this.actions = actions;
        this.catalog = PlaybookCatalog.load(reader, ownDir);
    }

    public PlaybookCatalog catalog() {
        return catalog;
    }

    /** Rereads the playbook files (does file I/O: not on the FX thread). */
    public PlaybookCatalog reload() {
        catalog = PlaybookCatalog.load(reader, ownDir);
        return catalog;
    }

    /** The analyst's playbook folder ({@code <config dir>/playbooks}). */
    public Path ownDir() {
        return ownDir;
    }

    public Runner runner() {
        return runner;
    }

    public AuditLog audit() {
        return audit;
    }

    /** Where other features register their actions (the cloud package's {@code aws_guardrail}). */
    public ActionRegistry actions() {
        return actions;
    }
}
