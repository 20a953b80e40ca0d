package io.vigil.alerts;

import io.vigil.rules.Evaluation;
import io.vigil.rules.Evaluator;
import io.vigil.rules.RuleRepository;
import io.vigil.rules.RuleStatus;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One evaluation cycle, run every second by the app: picks up edits of the rules file, evaluates
 * every rule, applies the outcome to the alerts, and repeats notifications that are due. Keeps the
 * last rule statuses for the Rules view.
 *
 * <p>Thread-safe; {@link #tick()} is meant to be called from one background thread.
 */
public final class AlertEngine {

    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);

    private final RuleRepository repository;
    private final Evaluator evaluator;
    private final AlertManager alerts;
    private final NotificationDispatcher dispatcher;
    private volatile Map<String, RuleStatus> statuses = Map.of();
    private int ticks;

    public AlertEngine(RuleRepository repository, Evaluator evaluator, AlertManager alerts,
                       NotificationDispatcher dispatcher) {
        this.repository = repository;
        this.evaluator = evaluator;
        this.alerts = alerts;
        this.dispatcher = dispatcher;
        repository.addListener(evaluator::setRules);
        evaluator.setRules(repository.rules());
    }

    public void tick() {
        try {
            if (++ticks % 5 == 0) {
                repository.reloadIfChanged();
            }
            Evaluation ev = evaluator.tick();
            statuses = ev.statuses();
            alerts.reconcile(ev);
            dispatcher.tick(alerts.open());
        } catch (RuntimeException e) {
            // A bug in one tick must not stop the next one.
            LOG.error("Rule evaluation failed", e);
        }
    }

    public Map<String, RuleStatus> statuses() {
        return statuses;
    }

    public RuleRepository repository() {
        return repository;
    }

    public AlertManager alerts() {
        return alerts;
    }

    public Evaluator evaluator() {
        return evaluator;
    }
}
