package io.vigil.playbook;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in actions available in this build, filled by the composition root. A playbook step
 * whose action is not registered blocks its run with {@link #unavailableMessage(String)}.
 * Thread-safe.
 */
public final class ActionRegistry {

    private final Map<String, BuiltInAction> actions = new ConcurrentHashMap<>();

    public ActionRegistry register(BuiltInAction action) {
        if (!PlaybookFile.KNOWN_ACTIONS.contains(action.name())) {
            throw new IllegalArgumentException("unknown action name " + action.name());
        }
        actions.put(action.name(), action);
        return this;
    }

    public Optional<BuiltInAction> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    public static String unavailableMessage(String name) {
        if (name.equals("aws_guardrail")) {
            return "AWS guardrails are not available in this build";
        }
        return "the built-in action '" + name + "' is not available in this build";
    }
}
