package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParameterBinderTest {

    @TempDir
    Path dir;
    Path root;
    ParameterBinder binder;
    Playbook playbook;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(dir.resolve("models"));
        binder = new ParameterBinder(List.of(root));
        playbook = new PlaybookFile().parse("typed", """
                name: Typed
                parameters:
                  - {name: pid, type: pid}
                  - {name: container, type: container, required: false}
                  - {name: name, type: k8s_name, required: false}
                  - {name: namespace, type: namespace, default: default}
                  - {name: path, type: path, required: false}
                  - {name: duration, type: duration, default: 30s}
                  - {name: count, type: int, min: 1, max: 10, default: "3"}
                  - {name: iface, type: string, pattern: '[a-z0-9]{1,15}', default: any}
                  - {name: note, type: string, pattern: '.{1,80}', required: false}
                steps:
                  - {name: s, run: [echo, "{{pid}}"]}
                """.getBytes(StandardCharsets.UTF_8), "typed.yaml", false);
    }

    private String bindOne(String key, String value) throws PlaybookException {
        Map<String, String> values = new java.util.HashMap<>(Map.of("pid", "7"));
        values.put(key, value);
        return binder.bind(playbook, values, Map.of()).get(key);
    }

    @Test
    void contextFillsParametersAndExplicitValuesWin() throws Exception {
        Map<String, String> b = binder.bind(playbook, Map.of("namespace", "prod"),
                Map.of("pid", "1234", "namespace", "ignored", "alertname", "not a parameter"));
        assertEquals("1234", b.get("pid"));
        assertEquals("prod", b.get("namespace"));
        assertEquals("30s", b.get("duration"));
        assertEquals("3", b.get("count"));
        assertEquals(false, b.containsKey("alertname"));
    }

    @Test
    void eachTypeRejectsWhatItDoesNotAccept() {
        for (String[] bad : new String[][] {
                {"pid", "0"}, {"pid", "12a"}, {"pid", "1; rm -rf ~"}, {"pid", "99999999999"},
                {"container", "my app`id`"}, {"container", "-privileged"}, {"container", "a b"},
                {"name", "Web_App"}, {"name", "$(id)"}, {"namespace", "a.b"}, {"duration", "5 minutes"},
                {"count", "11"}, {"count", "x"}, {"iface", "eth0; id"}, {"iface", "eth0\nid"}}) {
            PlaybookException e = assertThrows(PlaybookException.class, () -> bindOne(bad[0], bad[1]),
                    bad[0] + "=" + bad[1]);
            assertTrue(e.getMessage().startsWith(bad[0] + ":"), e.getMessage());
        }
    }

    @Test
    void bidiOverridesAndControlCharactersAreRefusedEvenWhenThePatternAllowsThem() throws Exception {
        for (String bad : List.of("invoice\u202Efdp.exe", "a\u2066b\u2069", "\u200Fx", "red \u001b[31m", "a\tb",
                "a\u0085b")) {
            PlaybookException e = assertThrows(PlaybookException.class, () -> bindOne("note", bad), bad);
            assertTrue(e.getMessage().startsWith("note: '") && e.getMessage().contains("bidirectional override"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\u202E") || e.getMessage().contains("\u001b"),
                    "the message shows the value escaped: " + e.getMessage());
        }
        assertEquals("naïve 日本語 ok", bindOne("note", "naïve 日本語 ok"));
    }

    @Test
    void aMissingRequiredValueSaysWhatIsExpected() {
        PlaybookException e = assertThrows(PlaybookException.class, () -> binder.bind(playbook, Map.of(), Map.of()));
        assertEquals("pid: a value is required (a process id, a positive number)", e.getMessage());
    }

    @Test
    void unknownExplicitParametersAreErrors() {
        assertThrows(PlaybookException.class, () -> binder.bind(playbook, Map.of("pid", "1", "pdi", "2"), Map.of()));
    }

    @Test
    void pathsMustStayInsideTheRoots() throws Exception {
        Path model = Files.writeString(root.resolve("model.safetensors"), "weights");
        assertEquals(model.toRealPath().toString(), bindOne("path", model.toString()));
        assertEquals(root.toRealPath().resolve("new/file.bin").toString(), bindOne("path", root + "/new/file.bin"));
        assertThrows(PlaybookException.class, () -> bindOne("path", root + "/../secret"));
        assertThrows(PlaybookException.class, () -> bindOne("path", "models/model.safetensors"));
        assertThrows(PlaybookException.class, () -> bindOne("path", "/etc/passwd"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(root.resolve("escape"), outside);
        PlaybookException e = assertThrows(PlaybookException.class, () -> bindOne("path", root + "/escape/x"));
        assertTrue(e.getMessage().contains("outside the allowed roots"), e.getMessage());
    }
}
