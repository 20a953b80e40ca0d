package io.vigil.rules;

/** One thing wrong with a rules file, at a 1-based line and column (0 when unknown). */
public record RuleProblem(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
