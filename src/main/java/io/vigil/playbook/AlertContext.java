package io.vigil.playbook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an alert's labels into the context a playbook run is opened with. A local alert's labels are
 * the context as they are. A fleet alert (one with a {@code node} label) is about another machine:
 * its {@code pid}, process {@code name} and {@code user} are that machine's, so they are left out (a
 * local pid parameter bound to them would act on an unrelated process here), and its {@code pod}
 * gives {@code name}, the Deployment that owns the pod, for playbooks such as
 * {@code isolate-k8s-workload} ({@code node}, {@code namespace} and {@code pod} stay as they are).
 * Every value came from a remote exporter: {@link ParameterBinder} still validates each one by its
 * parameter's type before anything runs. Stateless and thread-safe.
 */
public final class AlertContext {

    /**
     * A Deployment's pod: {@code <deployment>-<pod-template-hash>-<suffix>}, both generated from
     * Kubernetes' safe alphabet (no vowels, no 0/1/3 that could spell words).
     */
    static final Pattern DEPLOYMENT_POD = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}");

    private AlertContext() {
    }

    /** The run context for an alert with {@code labels}. */
    public static Map<String, String> forPlaybook(Map<String, String> labels) {
        if (!labels.containsKey("node")) {
            return labels;
        }
        Map<String, String> out = new LinkedHashMap<>(labels);
        out.remove("pid");
        out.remove("name");
        out.remove("user");
        String pod = labels.get("pod");
        if (pod != null) {
            deploymentOf(pod).ifPresent(d -> out.put("name", d));
        }
        return out;
    }

    /** The Deployment that owns a pod named {@code pod}, when the name has a Deployment pod's shape. */
    public static Optional<String> deploymentOf(String pod) {
        Matcher m = DEPLOYMENT_POD.matcher(pod);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
