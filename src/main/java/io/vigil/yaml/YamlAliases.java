package io.vigil.yaml;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;

/**
 * The one check that YAML aliases ({@code *name}, including merge keys {@code <<: *name}) are not
 * used in Vigil's files. Jackson's data binding reads an alias as the anchor's <em>name</em>, not
 * its value ({@code *roots} becomes the text "roots"), so an alias would be silently misread; and
 * refusing aliases also means an alias bomb can never expand. Rules, playbooks and settings all
 * refuse them with the alias's line and column.
 *
 * <p>Stateless and thread-safe.
 */
public final class YamlAliases {

    private YamlAliases() {
    }

    /**
     * Throws at {@code parser}'s current token when it is an alias; {@code fileKind} says which
     * file it is in the message ("rules files", "playbooks", "settings.yaml").
     */
    public static void refuseAt(JsonParser parser, String fileKind) throws IOException {
        if (parser instanceof YAMLParser yp && yp.isCurrentAlias()) {
            throw new JsonParseException(parser, "aliases (*" + parser.getText() + ") are not supported in "
                    + fileKind + "; write the value out where it is used", parser.currentTokenLocation());
        }
    }

    /**
     * Reads the whole document as tokens and throws a {@link JsonParseException} located at the first
     * alias. Syntax errors are left to the real read, which reports them as it always did.
     */
    public static void refuse(YAMLFactory factory, byte[] yaml, String fileKind) throws JsonProcessingException {
        try (JsonParser p = factory.createParser(yaml)) {
            while (p.nextToken() != null) {
                refuseAt(p, fileKind);
            }
        } catch (JsonParseException e) {
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("aliases (*")) {
                throw e;
            }
            // Not ours: the caller's parse reports the syntax error with its own wording.
        } catch (IOException | RuntimeException e) {
            // Same: limits (code points, depth) and I/O are reported by the caller's parse.
        }
    }
}
