package io.vigil.app;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Where each value of {@code settings.yaml} is written, by dotted key ({@code playbooks.outputCapKiB}
 * to {@code settings.yaml:5:17}), so a value that fails to bind can be pointed at. The file has
 * already parsed once as a tree; this second pass over its tokens only adds positions. Stateless.
 */
final class SettingsLocations {

    private SettingsLocations() {
    }

    /** Adds "file:line:column" for every mapping key's value in {@code text} to {@code out}. */
    static void record(Path file, String text, Map<String, String> out) {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            Deque<String> path = new ArrayDeque<>();
            Deque<Boolean> inObject = new ArrayDeque<>();
            String pendingKey = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case FIELD_NAME -> pendingKey = p.currentName();
                    case START_OBJECT, START_ARRAY -> {
                        if (pendingKey != null) {
                            put(file, p.currentTokenLocation(), path, pendingKey, out);
                            path.addLast(pendingKey);
                            inObject.push(true);
                        } else {
                            inObject.push(false);
                        }
                        pendingKey = null;
                    }
                    case END_OBJECT, END_ARRAY -> {
                        if (!inObject.isEmpty() && inObject.pop() && !path.isEmpty()) {
                            path.removeLast();
                        }
                    }
                    default -> {
                        if (pendingKey != null) {
                            put(file, p.currentTokenLocation(), path, pendingKey, out);
                        }
                        pendingKey = null;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Positions are a help for messages; the values themselves were read already.
        }
    }

    private static void put(Path file, JsonLocation loc, Deque<String> path, String key, Map<String, String> out) {
        String dotted = path.isEmpty() ? key : String.join(".", path) + "." + key;
        out.put(dotted, file + ":" + loc.getLineNr() + ":" + loc.getColumnNr());
    }
}
