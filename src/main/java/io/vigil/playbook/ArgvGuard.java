package io.vigil.playbook;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load-time rule that keeps a template value out of code. Two principles, checked on every
 * {@code run:} step before a playbook is accepted:
 * <ol>
 *   <li>a parameter value is only ever a <em>whole</em> argument ({@code "{{pid}}"}), never part of
 *       one ({@code "--pid={{pid}}"}, {@code "x{{s}}"}), so it can never change what the rest of an
 *       argument means to the program;</li>
 *   <li>an argv that runs code or another program <em>anywhere</em> in it (an interpreter such as
 *       {@code sh}, {@code python3}, {@code perl}, {@code awk}, {@code sed}; or a wrapper that runs
 *       the rest of its arguments, such as {@code env}, {@code nice}, {@code timeout 5s},
 *       {@code xargs}, {@code sudo}, {@code ssh}, {@code watch}) takes no {@code {{…}}} at all.
 *       Parameters reach such steps only as environment variables ({@code VIGIL_PARAM_*}).</li>
 * </ol>
 * The second rule does not try to understand each wrapper's options (where {@code timeout}'s
 * duration ends and its program starts): any such name in any position is enough. A literal
 * argument that merely looks like a program name ({@code grep sh}) is refused too when the step
 * has templates; that is the price of not parsing option syntax. Vigil's own run variables
 * ({@code evidence_dir}, {@code run_id}) may be embedded in arguments of ordinary programs: Vigil
 * makes them, not the analyst or the watched process.
 *
 * <p>Stateless and thread-safe.
 */
public final class ArgvGuard {

    /** Programs that execute code given as an argument or a file. Version suffixes are ignored. */
    private static final Pattern INTERPRETER = Pattern.compile(
            "(sh|bash|dash|zsh|ksh|mksh|lksh|ash|yash|rbash|fish|csh|tcsh|busybox|toybox"
            + "|python|pypy|perl|ruby|irb|php|lua|luajit|node|nodejs|deno|bun|tclsh|wish|expect"
            + "|rscript|julia|java|jshell|groovy|scala|osascript|pwsh|powershell|cmd"
            + "|awk|gawk|mawk|nawk|sed|gsed|ed|ex|vi|vim|nvim|emacs|gdb|lldb|make|gmake|m4|bc|dc"
            + "|sqlite3|psql|mysql)[0-9.]*");

    /** Programs that run the rest of their arguments as a program, or re-read them as a command line. */
    private static final Set<String> WRAPPERS = Set.of("env", "nice", "timeout", "xargs", "nohup", "stdbuf",
            "setsid", "sudo", "doas", "su", "runuser", "pkexec", "chroot", "ionice", "taskset", "time", "strace",
            "ltrace", "watch", "flock", "unshare", "nsenter", "chrt", "systemd-run", "script", "ssh", "firejail",
            "bwrap", "nsjail", "exec", "eval", "command", "builtin", "parallel", "numactl", "prlimit", "cgexec",
            "sg", "newgrp", "capsh", "setpriv", "chpst", "fakeroot", "unbuffer", "torsocks", "proxychains",
            "proxychains4", "valgrind", "xvfb-run", "start-stop-daemon", "daemonize", "caffeinate");

    /** Environment variables a program or its loader reads as code, a library or a command to run. */
    private static final Pattern CODE_VARIABLE = Pattern.compile(
            "LD_.*|DYLD_.*|BASH_ENV|ENV|BASH_FUNC_.*|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|IFS|PATH"
            + "|PYTHON.*|PERL5.*|PERLLIB|RUBY.*|NODE_OPTIONS|NODE_PATH|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS"
            + "|JDK_JAVA_OPTIONS|CLASSPATH|GIT_.*|LESSOPEN|LESSCLOSE|EDITOR|VISUAL|PAGER|GCONV_PATH"
            + "|HOSTALIASES|SSH_ASKPASS|SUDO_ASKPASS|GPG_AGENT_INFO|PROXYCHAINS_.*");

    private ArgvGuard() {
    }

    /**
     * The first element of {@code argv} that runs code or another program, with its position
     * (1-based), or empty when the argv is an ordinary program with ordinary arguments.
     */
    static Optional<String> codeRunner(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) {
            String name = programName(argv.get(i));
            if (INTERPRETER.matcher(name).matches() || WRAPPERS.contains(name)) {
                return Optional.of(argv.get(i) + (i == 0 ? " (the program)" : " (argument " + i + ")"));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code argv} runs code or another program anywhere in it. */
    public static boolean runsCode(List<String> argv) {
        return codeRunner(argv).isPresent();
    }

    /**
     * Throws with what is wrong and what to do instead when the step {@code step}'s {@code argv} or
     * {@code env} would let a template value become code. {@code runVariables} are Vigil's own.
     */
    static void check(String step, List<String> argv, Map<String, String> env, Set<String> runVariables) {
        Optional<String> runner = codeRunner(argv);
        for (String arg : argv) {
            Set<String> refs = Template.references(arg);
            if (refs.isEmpty()) {
                continue;
            }
            if (runner.isPresent()) {
                throw new IllegalArgumentException("step '" + step + "' runs code or another program ("
                        + runner.get() + "), so no {{…}} may appear anywhere in its run: list: parameters must reach "
                        + "it as environment variables ($VIGIL_PARAM_" + refs.iterator().next().toUpperCase(Locale.ROOT)
                        + ", or env:)");
            }
            for (String ref : refs) {
                if (!runVariables.contains(ref) && !isWholeArgument(arg)) {
                    throw new IllegalArgumentException("step '" + step + "': {{" + ref + "}} must be a whole argument, "
                            + "not part of '" + arg + "' (write the option and its value as two arguments, like "
                            + "[--time, \"{{" + ref + "}}\"], or pass it through the environment)");
                }
            }
        }
        env.forEach((name, value) -> {
            if (value != null && !Template.references(value).isEmpty() && CODE_VARIABLE.matcher(name).matches()) {
                throw new IllegalArgumentException("step '" + step + "': env: " + name + " is read as code, a library or "
                        + "a command by programs, so it cannot take a {{…}} value; pass the value in an environment "
                        + "variable of its own");
            }
        });
    }

    /** Whether {@code arg} is exactly one placeholder and nothing else. */
    private static boolean isWholeArgument(String arg) {
        Matcher m = Template.PLACEHOLDER.matcher(arg);
        return m.matches();
    }

    /** The file name of a program argument, lower-cased, without a Windows {@code .exe}. */
    private static String programName(String arg) {
        String name = arg;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (slash >= 0) {
            name = name.substring(slash + 1);
        }
        name = name.toLowerCase(Locale.ROOT);
        return name.endsWith(".exe") ? name.substring(0, name.length() - 4) : name;
    }
}
