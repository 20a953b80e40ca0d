package io.vigil.app;

import io.vigil.rules.Rule;
import io.vigil.rules.RuleFile;
import io.vigil.rules.RuleFileException;
import io.vigil.rules.RuleProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil rules check FILE}: validates a rules file; exit 1 with the problems, one a line. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Work with rules files.",
        subcommands = RulesCommand.Check.class)
final class RulesCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a rules file: exit 0 when it is good, 1 with file:line:column messages when not.")
    static final class Check implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "The rules file, e.g. ~/.config/vigil/rules.yaml")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                List<Rule> rules = new RuleFile().read(file);
                long enabled = rules.stream().filter(Rule::enabled).count();
                out.println(file + ": OK, " + rules.size() + " rules (" + enabled + " enabled)");
                out.flush();
                return 0;
            } catch (RuleFileException e) {
                for (RuleProblem p : e.problems()) {
                    err.println(p);
                }
                err.flush();
                return 1;
            }
        }
    }
}
