package io.vigil.playbook;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A typed playbook parameter. {@code defaultValue} is used when neither the user nor the context
 * gives a value; it is validated like any other value. {@code pattern} is required for
 * {@link ParameterType#STRING} and must match the whole value. Immutable.
 */
public record Parameter(String name, ParameterType type, String description, Optional<String> defaultValue,
                        boolean required, Optional<Pattern> pattern, OptionalLong min, OptionalLong max) {

    public Parameter {
        if (type == ParameterType.STRING && pattern.isEmpty()) {
            throw new IllegalArgumentException("a string parameter needs a pattern");
        }
    }
}
