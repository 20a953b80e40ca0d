package io.vigil.rules;

import io.vigil.host.ProcessInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The known GPU workloads, matched against what a process <em>runs</em>, never against a piece of
 * its command line (a miner started as {@code xmrig --config /srv/jupyter/c.json} is not Jupyter).
 *
 * <p>An entry is one of:
 * <ul>
 *   <li>a name: the program's file name, i.e. the executable's ({@code /proc/PID/exe}; argv[0]
 *       when that cannot be read), or for a python interpreter the script's file name or the
 *       {@code -m} module, where a package names its modules ({@code vllm} matches
 *       {@code python -m vllm.entrypoints.openai.api_server});</li>
 *   <li>a full path ({@code /opt/tritonserver/bin/tritonserver}): the executable's, or the script's
 *       as written in argv;</li>
 *   <li>several words ({@code ollama runner}): the program by name or path followed by exactly
 *       these arguments. {@code python -m pkg} (the old form) means the module {@code pkg}.</li>
 * </ul>
 * Case does not matter. The executable path is preferred over argv[0] because a process sets its
 * own argv; it is still only as strong as the file name the attacker chose for the binary.
 * Immutable and thread-safe.
 */
public final class AllowList {

    /** python, python3, python3.11, pypy3 …: programs whose identity is the script or module they run. */
    private static final Pattern INTERPRETER = Pattern.compile("(python|pypy)[0-9.]*[dmw]?");

    private sealed interface Entry permits Name, FullPath, Words, Module {
    }

    private record Name(String name) implements Entry {
    }

    private record FullPath(String path) implements Entry {
    }

    private record Words(String program, List<String> args) implements Entry {
    }

    private record Module(String module) implements Entry {
    }

    private final List<Entry> entries;

    private AllowList(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Entries as lines of the allow-list file, comments already removed. */
    public static AllowList of(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.strip().toLowerCase(Locale.ROOT).split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            if (words.length == 1) {
                out.add(words[0].contains("/") ? new FullPath(words[0]) : new Name(words[0]));
            } else if (words.length == 3 && INTERPRETER.matcher(words[0]).matches() && words[1].equals("-m")) {
                out.add(new Module(words[2]));
            } else {
                out.add(new Words(words[0], List.of(Arrays.copyOfRange(words, 1, words.length))));
            }
        }
        return new AllowList(out);
    }

    /** Whether {@code p} runs a program on the list. */
    public boolean allows(ProcessInfo p) {
        Program program = Program.of(p);
        if (program == null) {
            return false;
        }
        for (Entry e : entries) {
            boolean match = switch (e) {
                case Name n -> n.name().equals(program.name()) || n.name().equals(basename(program.script()))
                        || isPackageOf(n.name(), program.module());
                case FullPath f -> f.path().equals(program.path()) || f.path().equals(program.script());
                case Module m -> isPackageOf(m.module(), program.module());
                case Words w -> (w.program().contains("/") ? w.program().equals(program.path())
                        : w.program().equals(program.name())) && startsWith(program.argv(), w.args());
            };
            if (match) {
                return true;
            }
        }
        return false;
    }

    /** {@code pkg} is {@code module} or one of its parent packages (whole dotted names only). */
    private static boolean isPackageOf(String pkg, String module) {
        return !module.isEmpty() && (module.equals(pkg) || module.startsWith(pkg + "."));
    }

    private static boolean startsWith(List<String> argv, List<String> words) {
        if (argv.size() - 1 < words.size()) {
            return false;
        }
        for (int i = 0; i < words.size(); i++) {
            if (!argv.get(i + 1).toLowerCase(Locale.ROOT).equals(words.get(i))) {
                return false;
            }
        }
        return true;
    }

    static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * What a process runs: {@code path} and {@code name} of the executable (argv[0] when the
     * executable is unknown), and for an interpreter the {@code script} (as written) or
     * {@code module}; "" where there is none. All lower case.
     */
    record Program(String path, String name, String script, String module, List<String> argv) {

        static Program of(ProcessInfo p) {
            List<String> argv = p.argv();
            // exe, else argv[0], else the kernel's short name: each less trustworthy than the one before.
            String path = !p.exe().isEmpty() ? p.exe() : !argv.isEmpty() ? argv.getFirst() : p.name() == null ? "" : p.name();
            // The kernel appends " (deleted)" when the binary was replaced on disk (an upgrade, or a dropper).
            path = path.endsWith(" (deleted)") ? path.substring(0, path.length() - " (deleted)".length()) : path;
            path = path.toLowerCase(Locale.ROOT);
            String name = basename(path);
            if (name.isEmpty()) {
                return null;
            }
            String script = "";
            String module = "";
            if (INTERPRETER.matcher(name).matches()) {
                String[] target = pythonTarget(argv);
                script = target[0].toLowerCase(Locale.ROOT);
                module = target[1].toLowerCase(Locale.ROOT);
            }
            return new Program(path, name, script, module, argv);
        }

        /**
         * The script or module python runs, skipping interpreter options ({@code -u}, {@code -X opt},
         * {@code -W arg}, clusters like {@code -uB}); {@code -c code} and stdin give neither.
         */
        private static String[] pythonTarget(List<String> argv) {
            for (int i = 1; i < argv.size(); i++) {
                String a = argv.get(i);
                if (a.equals("--")) {
                    return new String[] {i + 1 < argv.size() ? argv.get(i + 1) : "", ""};
                }
                if (a.equals("-")) {
                    return new String[] {"", ""};
                }
                if (a.equals("--check-hash-based-pycs")) {
                    i++;
                    continue;
                }
                if (a.startsWith("--")) {
                    continue;
                }
                if (!a.startsWith("-")) {
                    return new String[] {a, ""};
                }
                for (int c = 1; c < a.length(); c++) {
                    char ch = a.charAt(c);
                    if (ch == 'c') {
                        return new String[] {"", ""};
                    }
                    if (ch == 'm' || ch == 'W' || ch == 'X') {
                        String value = c + 1 < a.length() ? a.substring(c + 1)
                                : i + 1 < argv.size() ? argv.get(++i) : "";
                        if (ch == 'm') {
                            return new String[] {"", value};
                        }
                        break;
                    }
                }
            }
            return new String[] {"", ""};
        }
    }
}
