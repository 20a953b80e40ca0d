package io.vigil.app;

import io.vigil.alerts.Alert;
import io.vigil.alerts.AlertEvent;
import io.vigil.alerts.AlertListener;
import io.vigil.playbook.Playbook;
import io.vigil.playbook.PlaybookException;
import io.vigil.playbook.PlaybookService;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When an alert starts firing and its rule suggests a playbook, plans that playbook with the
 * alert's labels as context and records the dry run (the exact command lines, nothing executed) in
 * the audit log, so the analyst finds the response prepared and the auditor sees it was offered.
 * Always on when playbooks are available (there is no setting: a dry run executes nothing and
 * only writes an audit entry). Planning runs on {@code executor}, never on the thread that changed
 * the alert.
 */
final class SuggestedPlaybookDryRuns implements AlertListener {

    private static final Logger LOG = LoggerFactory.getLogger(SuggestedPlaybookDryRuns.class);

    private final PlaybookService playbooks;
    private final Executor executor;

    SuggestedPlaybookDryRuns(PlaybookService playbooks, Executor executor) {
        this.playbooks = playbooks;
        this.executor = executor;
    }

    @Override
    public void onAlertEvent(Alert alert, AlertEvent event) {
        if (!"firing".equals(event.kind()) || alert.playbook() == null || alert.playbook().isBlank()) {
            return;
        }
        try {
            executor.execute(() -> record(alert));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.info("Suggested playbook {} for alert {} not planned: Vigil is closing", alert.playbook(), alert.id());
        }
    }

    private void record(Alert alert) {
        Optional<Playbook> playbook = playbooks.catalog().find(alert.playbook());
        if (playbook.isEmpty()) {
            LOG.warn("Alert {} suggests playbook '{}', which does not exist", alert.ruleId(), alert.playbook());
            return;
        }
        try {
            var plan = playbooks.runner().plan(playbook.get(), java.util.Map.of(),
                    io.vigil.playbook.AlertContext.forPlaybook(alert.labels()));
            playbooks.runner().recordDryRun(plan, "suggested by alert " + alert.id() + " (" + alert.ruleId() + ": "
                    + alert.subject() + ")");
        } catch (PlaybookException e) {
            // Parameters the alert cannot fill (no pid label, say): the analyst fills them in the dialog.
            LOG.info("Suggested playbook {} for alert {} needs input: {}", alert.playbook(), alert.id(), e.getMessage());
        }
    }
}
