package io.vigil.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rules file that cannot be used; {@link #problems()} says where and what was expected. */
public final class RuleFileException extends Exception {

    private final transient List<RuleProblem> problems;

    public RuleFileException(List<RuleProblem> problems) {
        super(problems.stream().map(RuleProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
