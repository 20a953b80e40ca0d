package io.vigil.playbook;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template syntax of playbook arguments: {@code {{name}}} is replaced by the bound value of a
 * parameter, {@code {{name.seconds}}} / {@code {{name.minutes}}} by a duration parameter in those
 * units. Rendering works on one argument at a time, so a value can never split an argument or add
 * another one: there is no shell and no word splitting.
 */
public final class Template {

    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_][a-z0-9_]*)(?:\\.(seconds|minutes))?\\s*}}");

    /** Variables every run provides besides its parameters. */
    public static final Set<String> RUN_VARIABLES = Set.of("evidence_dir", "run_id");

    private Template() {
    }

    /** The parameter names {@code text} refers to; throws when it holds a malformed {@code {{…}}}. */
    static Set<String> references(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder rest = new StringBuilder();
        int last = 0;
        while (m.find()) {
            names.add(m.group(1));
            rest.append(text, last, m.start());
            last = m.end();
        }
        rest.append(text.substring(last));
        if (rest.indexOf("{{") >= 0 || rest.indexOf("}}") >= 0) {
            throw new IllegalArgumentException("'" + text + "' has a malformed placeholder; expected {{name}}, "
                    + "{{name.seconds}} or {{name.minutes}} with a lower-case parameter name");
        }
        return names;
    }

    /** Renders {@code text} with {@code values}; every referenced name must be present. */
    static String render(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for {{" + m.group(1) + "}}");
            }
            if (m.group(2) != null) {
                long seconds = Durations.parse(value).toSeconds();
                value = Long.toString(m.group(2).equals("seconds") ? seconds : Math.max(1, seconds / 60));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
