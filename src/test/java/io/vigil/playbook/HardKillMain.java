package io.vigil.playbook;

import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a separate JVM by {@link AuditLogTest}: starts a playbook whose second step hangs, prints
 * "STEP 2 RUNNING" when it starts, and waits to be killed hard.
 */
public final class HardKillMain {

    public static void main(String[] args) throws Exception {
        Rig rig = new Rig(Path.of(args[0]));
        Playbook p = rig.playbook("hard-kill", """
                name: Hard kill
                steps:
                  - name: first
                    run: [echo, done]
                  - name: second
                    run: [sh, -c, 'echo "STEP 2 RUNNING"; sleep 300']
                """);
        RunHandle h = rig.runner.start(rig.runner.plan(p, Map.of(), Map.of()), new RunListener() {
            @Override
            public void output(int stepIndex, String line) {
                System.out.println(line);
                System.out.flush();
            }
        }, false);
        h.result().join();
    }
}
