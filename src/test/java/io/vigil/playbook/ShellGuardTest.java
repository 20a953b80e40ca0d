package io.vigil.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell guard works by principle, not by argv[0]: a parameter value is only ever a whole
 * argument, and no template reaches an argv that runs code or another program anywhere in it.
 */
class ShellGuardTest {

    @TempDir
    Path dir;
    Rig rig;

    @BeforeEach
    void setUp() throws Exception {
        rig = new Rig(dir);
    }

    @AfterEach
    void tearDown() {
        rig.close();
    }

    private static final String HEAD = """
            name: Escape
            parameters:
              - {name: s, type: string, pattern: '.*'}
            steps:
              - name: step
            """;

    private String refused(String runLine) {
        String yaml = HEAD + "    run: " + runLine + "\n";
        return assertThrows(PlaybookException.class,
                () -> rig.reader.parse("esc", yaml.getBytes(StandardCharsets.UTF_8), "esc.yaml", false),
                runLine).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[env, sh, -c, '{{s}}']",
        "[/usr/bin/env, sh, -c, '{{s}}']",
        "[env, -S, '{{s}}']",
        "[nice, sh, -c, '{{s}}']",
        "[nice, -n, '5', bash, -c, '{{s}}']",
        "[timeout, 5s, sh, -c, '{{s}}']",
        "[xargs, sh, -c, '{{s}}']",
        "[nohup, dash, -c, '{{s}}']",
        "[stdbuf, -oL, zsh, -c, '{{s}}']",
        "[setsid, sh, -c, '{{s}}']",
        "[sudo, -n, sh, -c, '{{s}}']",
        "[doas, sh, -c, '{{s}}']",
        "[python3, -c, '{{s}}']",
        "[python3.12, -c, '{{s}}']",
        "[perl, -e, '{{s}}']",
        "[perl, -E, '{{s}}']",
        "[ruby, -e, '{{s}}']",
        "[node, -e, '{{s}}']",
        "[node, --eval, '{{s}}']",
        "[node, -p, '{{s}}']",
        "[php, -r, '{{s}}']",
        "[awk, '{{s}}']",
        "[gawk, -f, /dev/null, '{{s}}']",
        "[sed, -n, '{{s}}', /etc/hostname]",
        "[busybox, sh, -c, '{{s}}']",
        "[ssh, host, ls, '{{s}}']",
        "[watch, ls, '{{s}}']",
        "[env, '{{s}}', ls]",
        "[timeout, '{{s}}', ls]"
    })
    void aTemplateNeverReachesAnInterpreterOrAWrapperAnywhereInTheArgv(String run) {
        String e = refused(run);
        assertTrue(e.startsWith("esc.yaml:"), e);
        assertTrue(e.matches("(?s)esc\\.yaml:\\d+:\\d+: .*"), "names file:line:column: " + e);
        assertTrue(e.contains("environment"), "says how parameters reach it instead: " + e);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[echo, 'x{{s}}']",
        "[echo, '--opt={{s}}']",
        "[echo, '{{s}}{{s}}']",
        "[ps, -p, '{{s}} ']"
    })
    void aParameterValueIsOnlyEverAWholeArgument(String run) {
        String e = refused(run);
        assertTrue(e.contains("whole argument"), e);
        assertTrue(e.matches("(?s)esc\\.yaml:\\d+:\\d+: .*"), e);
    }

    @Test
    void wholeArgumentsToOrdinaryProgramsAndVigilsOwnRunVariablesAreFine() throws Exception {
        rig.playbook("ok", HEAD + "    run: [echo, '{{s}}', '{{ s }}', '{{evidence_dir}}/x.pcap', 'img:{{run_id}}']\n");
        rig.playbook("script", HEAD + "    run: [sh, -c, 'echo \"$VIGIL_PARAM_S\"']\n");
        rig.playbook("dur", """
                name: D
                parameters:
                  - {name: grace, type: duration}
                steps:
                  - {name: s, run: [docker, restart, --time, '{{grace.seconds}}', c1]}
                """);
    }

    @Test
    void anEnvironmentVariableThatLoadsCodeCannotTakeATemplate() {
        String yaml = HEAD + "    run: [ls]\n    env: {LD_PRELOAD: '{{s}}'}\n";
        String e = assertThrows(PlaybookException.class,
                () -> rig.reader.parse("esc", yaml.getBytes(StandardCharsets.UTF_8), "esc.yaml", false)).getMessage();
        assertTrue(e.contains("LD_PRELOAD"), e);
    }

    @Test
    void aHostileStringThroughAUserPlaybookStaysOneArgumentAndTouchesNothing() throws Exception {
        Path marker = dir.resolve("pwned");
        String hostile = "hi; touch " + marker + " $(touch " + marker + ") `touch " + marker + "`";
        Playbook p = rig.playbook("say", HEAD + "    run: [echo, '{{s}}']\n");
        RecordingListener l = new RecordingListener(null);
        RunResult r = rig.runner.run(rig.runner.plan(p, Map.of("s", hostile), Map.of()), l, false);
        assertEquals(RunStatus.SUCCEEDED, r.status());
        assertEquals(List.of(hostile), l.lines);
        assertFalse(Files.exists(marker));
    }

    @Test
    void noBuiltInPlaybookHandsAStringValueToAnInterpreter() throws Exception {
        String hostile = "hi; touch " + dir.resolve("pwned");
        List<String> checked = new ArrayList<>();
        for (String id : PlaybookFile.BUILT_IN_IDS) {
            Playbook p = rig.reader.readBuiltIn(id);
            for (Parameter param : p.parameters()) {
                if (param.type() != ParameterType.STRING) {
                    continue;
                }
                checked.add(id + "." + param.name());
                // Either the value is refused outright, or it stays one argument of a program that runs no code.
                try {
                    rig.runner.binder().bind(p, Map.of(param.name(), hostile), Map.of());
                } catch (PlaybookException refused) {
                    continue;
                }
                RunPlan plan = rig.runner.plan(p, Map.of(param.name(), hostile), Map.of());
                for (PlannedStep s : plan.steps()) {
                    assertFalse(ArgvGuard.runsCode(s.argv()), id + " step " + s.step().name());
                    assertTrue(s.argv().stream().noneMatch(a -> a.contains(hostile) && !a.equals(hostile)),
                            id + " step " + s.step().name() + ": " + s.argv());
                }
            }
        }
        assertFalse(checked.isEmpty(), "the built-ins have string parameters to try");
        assertFalse(Files.exists(dir.resolve("pwned")));
    }
}
