package io.vigil.inventory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A fake {@code docker} executable for tests: a shell script that logs its arguments and prints
 * recorded {@code docker ps --format '{{json .}}'} / {@code docker inspect} output from the test
 * resources, failing like the real CLI for unknown ids or commands.
 */
final class FakeDocker {

    private FakeDocker() {
    }

    /** Writes a script with {@code body} (after the argument logging) as {@code dir/docker}. */
    static Path script(Path dir, String body) throws IOException {
        Path docker = dir.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '" + dir.resolve("argv.log") + "'\n" + body);
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        return docker;
    }

    /** A docker that answers with the recorded three containers. */
    static Path recorded(Path dir) throws IOException {
        for (String name : List.of("ps.jsonl", "inspect.json")) {
            try (InputStream in = FakeDocker.class.getResourceAsStream("docker/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        return script(dir, """
                case "$1" in
                  ps) cat '%1$s/ps.jsonl' ;;
                  inspect) shift
                    for id in "$@"; do
                      grep -q "\\"Id\\": \\"$id\\"" '%1$s/inspect.json' || { echo "Error: No such object: $id" >&2; exit 1; }
                    done
                    cat '%1$s/inspect.json' ;;
                  *) echo "docker: '$1' is not a docker command." >&2; exit 125 ;;
                esac
                """.formatted(dir));
    }
}
