package io.vigil.playbook;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The folders where programs are looked up, in order, like {@code $PATH}. The runner resolves a
 * step's program and its {@code requires:} here and gives children the same PATH, so tests can put
 * fake {@code docker}/{@code kubectl} scripts first. Immutable.
 */
public record ToolPath(List<Path> dirs) {

    public ToolPath {
        dirs = List.copyOf(dirs);
    }

    /** From a {@code PATH}-style value ({@code /usr/local/bin:/usr/bin}); empty entries are dropped. */
    public static ToolPath parse(String pathVariable) {
        if (pathVariable == null) {
            return new ToolPath(List.of());
        }
        return new ToolPath(Arrays.stream(pathVariable.split(File.pathSeparator)).filter(s -> !s.isBlank())
                .map(Path::of).toList());
    }

    /** This process's {@code PATH}. */
    public static ToolPath fromEnvironment() {
        return parse(System.getenv("PATH"));
    }

    /** The executable {@code program} resolves to: itself when it holds a '/', else the first match. */
    public Optional<Path> find(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path dir : dirs) {
            Path candidate = dir.resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public String asPathVariable() {
        return String.join(File.pathSeparator, dirs.stream().map(Path::toString).toList());
    }
}
