package io.vigil.app;

import io.vigil.cloud.Guardrails;
import io.vigil.playbook.ActionContext;
import io.vigil.playbook.ActionException;
import io.vigil.playbook.BuiltInAction;
import java.util.Map;

/**
 * The playbook action {@code aws_guardrail}: creates the Cost Anomaly Detection monitor and
 * subscription and the CloudWatch billing alarm through the cloud package's {@link Guardrails}, the
 * one audited path that changes the account (the Cloud view's "Guardrails…" opens this playbook).
 * It prints the diff against what exists first, then what it did and the ARNs.
 * Glue between two features, so it lives in the composition root.
 */
final class AwsGuardrailAction implements BuiltInAction {

    private final Guardrails guardrails;

    AwsGuardrailAction(Guardrails guardrails) {
        this.guardrails = guardrails;
    }

    @Override
    public String name() {
        return "aws_guardrail";
    }

    @Override
    public int run(Map<String, String> args, ActionContext context) throws ActionException {
        String email = required(args, "email");
        Guardrails.Request request = new Guardrails.Request("vigil", Guardrails.Channel.EMAIL, email,
                number(args, "threshold"), number(args, "monthly_limit"));
        try {
            // The diff is step output, so it is shown in the run and kept in the audit log.
            Guardrails.Plan plan = guardrails.plan(request);
            context.out("Diff against the account (read first; existing subscribers and alarm actions are kept):");
            plan.describe().lines().forEach(context::out);
            if (context.cancelled()) {
                context.out("Cancelled before any change.");
                return 1;
            }
            Guardrails.Result r = guardrails.apply(plan);
            context.out("Anomaly monitor: " + r.monitorArn() + " (" + change(r, 0) + ")");
            context.out("Anomaly subscription: " + r.subscriptionArn() + " (" + change(r, 1) + ")");
            context.out("Billing alarm: " + r.alarmName() + " " + r.alarmArn() + " (" + change(r, 2) + ")");
            return 0;
        } catch (IllegalArgumentException e) {
            throw new ActionException("AWS guardrails: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // SDK failures (no credentials, access denied, throttling) carry their own explanation.
            throw new ActionException("AWS guardrails failed: " + e.getMessage(), e);
        }
    }

    private static String change(Guardrails.Result r, int index) {
        return switch (r.actions().get(index).change()) {
            case CREATE -> "created";
            case UPDATE -> "updated in place";
            case UNCHANGED -> "unchanged";
        };
    }

    private static String required(Map<String, String> args, String key) throws ActionException {
        String v = args.get(key);
        if (v == null || v.isBlank()) {
            throw new ActionException("aws_guardrail needs '" + key + "'");
        }
        return v;
    }

    private static double number(Map<String, String> args, String key) throws ActionException {
        try {
            return Double.parseDouble(required(args, key));
        } catch (NumberFormatException e) {
            throw new ActionException("aws_guardrail: '" + key + "' must be a number, was '" + args.get(key) + "'");
        }
    }
}
