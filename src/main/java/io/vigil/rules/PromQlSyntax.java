package io.vigil.rules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;

/**
 * A syntax check of a PromQL expression, strict enough to catch what a person mistypes in a rules
 * file (an unbalanced bracket, an unterminated string, a label matcher without a quoted value, a
 * range that is not a duration, two operands with no operator between them) without being a full
 * PromQL parser: Prometheus parses the expression again when it is evaluated and reports anything
 * else as {@code bad_data}, which the rule then shows with its name. Stateless and thread-safe.
 */
public final class PromQlSyntax {

    /** Longest expression accepted: far above any hand-written one, and bounded for the form POST. */
    public static final int MAX_LENGTH = 16 * 1024;

    /** What is wrong and where: {@code offset} is the index of the offending character in the expression. */
    public record Problem(int offset, String message) {
    }

    /** Words that may sit between two operands. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless", "atan2");
    private static final Set<String> GROUPING_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> MATCH_OPS = Set.of("=", "!=", "=~", "!~");

    /** GROUPING: the (…) of by/without/on/ignoring/group_left/group_right, a label list rather than an operand. */
    private enum Kind { IDENT, NUMBER, DURATION, STRING, OP, OPEN, CLOSE, COMMA, COLON, GROUPING }

    private record Token(Kind kind, String text, int offset) {
    }

    private PromQlSyntax() {
    }

    /** The first problem of {@code expression}, or empty when its syntax is acceptable. */
    public static Optional<Problem> check(String expression) {
        if (expression == null || expression.isBlank()) {
            return Optional.of(new Problem(0, "the PromQL expression is empty"));
        }
        if (expression.length() > MAX_LENGTH) {
            return Optional.of(new Problem(0, "the PromQL expression is " + expression.length()
                    + " characters; at most " + MAX_LENGTH + " are accepted"));
        }
        try {
            new Checker(expression).run();
            return Optional.empty();
        } catch (SyntaxError e) {
            return Optional.of(new Problem(e.offset, e.getMessage()));
        }
    }

    private static final class SyntaxError extends Exception {
        final int offset;

        SyntaxError(int offset, String message) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    private static final class Checker {
        private final String s;
        private int pos;
        private Token previous;
        /** Open brackets with where they opened. */
        private final Deque<Token> open = new ArrayDeque<>();

        Checker(String s) {
            this.s = s;
        }

        void run() throws SyntaxError {
            Token t;
            while ((t = next()) != null) {
                accept(t);
            }
            if (!open.isEmpty()) {
                Token o = open.peek();
                throw new SyntaxError(o.offset(), "'" + o.text() + "' is never closed; expected '" + closer(o.text()) + "'");
            }
            if (previous != null && previous.kind() == Kind.OP) {
                throw new SyntaxError(previous.offset(), "the expression ends after the operator '" + previous.text()
                        + "'; expected an operand after it");
            }
        }

        private void accept(Token t) throws SyntaxError {
            Token inside = open.peek();
            if (inside != null && inside.text().equals("{") && t.kind() != Kind.CLOSE) {
                matcher(t);
                return;
            }
            if (inside != null && inside.text().equals("[") && t.kind() != Kind.CLOSE) {
                range(t);
                return;
            }
            switch (t.kind()) {
                case OPEN -> {
                    if (t.text().equals("[") && !endsOperand(previous)) {
                        throw new SyntaxError(t.offset(), "'[' must follow a selector or a subquery's expression, "
                                + "as in rate(x[5m])");
                    }
                    boolean grouping = t.text().equals("(") && previous != null && previous.kind() == Kind.IDENT
                            && GROUPING_WORDS.contains(previous.text());
                    open.push(grouping ? new Token(Kind.GROUPING, "(", t.offset()) : t);
                }
                case CLOSE -> {
                    if (open.isEmpty() || !closer(open.peek().text()).equals(t.text())) {
                        throw new SyntaxError(t.offset(), open.isEmpty() ? "'" + t.text() + "' closes nothing"
                                : "'" + t.text() + "' does not match '" + open.peek().text() + "' at "
                                + (open.peek().offset() + 1) + "; expected '" + closer(open.peek().text()) + "'");
                    }
                    if (t.text().equals("}") && previous != null && previous.kind() == Kind.OP) {
                        throw new SyntaxError(t.offset(), "a label matcher needs a quoted value before '}'");
                    }
                    if (t.text().equals("]") && previous != null && previous.text().equals("[")) {
                        throw new SyntaxError(t.offset(), "expected a duration like 5m in […]");
                    }
                    if (open.pop().kind() == Kind.GROUPING) {
                        // by (a, b) is a label list, not an operand: an expression may follow it.
                        previous = new Token(Kind.GROUPING, ")", t.offset());
                        return;
                    }
                }
                case IDENT, NUMBER, DURATION, STRING -> {
                    boolean keyword = t.kind() == Kind.IDENT && KEYWORDS.contains(t.text());
                    if (!keyword && endsOperand(previous)) {
                        throw new SyntaxError(t.offset(), "expected an operator or ')' before '" + t.text() + "'");
                    }
                    if (t.kind() == Kind.DURATION && !(previous != null && previous.text().equals("offset"))) {
                        throw new SyntaxError(t.offset(), "'" + t.text() + "' is a duration; durations go in a range "
                                + "[5m] or after offset");
                    }
                }
                case OP -> {
                    if (t.text().equals("=") || t.text().equals("=~") || t.text().equals("!~")) {
                        throw new SyntaxError(t.offset(), "'" + t.text() + "' only compares labels inside {…}; "
                                + "use == to compare values");
                    }
                    boolean unary = t.text().equals("-") || t.text().equals("+");
                    if (previous != null && previous.kind() == Kind.OP && !unary) {
                        throw new SyntaxError(t.offset(), "two operators in a row ('" + previous.text() + "' then '"
                                + t.text() + "')");
                    }
                }
                case GROUPING -> {
                }
                case COMMA -> {
                    if (open.isEmpty() || !open.peek().text().equals("(")) {
                        throw new SyntaxError(t.offset(), "',' outside a function's or aggregation's (…)");
                    }
                }
                case COLON -> throw new SyntaxError(t.offset(), "':' only separates a subquery's range and step: x[1h:5m]");
            }
            previous = t;
        }

        /** Inside {…}: label op "value" [, …]. */
        private void matcher(Token t) throws SyntaxError {
            Kind prev = previous == null ? null : previous.kind();
            boolean atStart = previous != null && previous.text().equals("{");
            boolean afterComma = prev == Kind.COMMA;
            switch (t.kind()) {
                case IDENT -> {
                    if (prev == Kind.OP) {
                        throw new SyntaxError(t.offset(), "expected a quoted label value after '" + previous.text()
                                + "': \"" + t.text() + "\"");
                    }
                    if (!atStart && !afterComma) {
                        throw new SyntaxError(t.offset(), "expected ',' or '}' before label '" + t.text() + "'");
                    }
                }
                case OP -> {
                    if (!MATCH_OPS.contains(t.text()) || prev != Kind.IDENT) {
                        throw new SyntaxError(t.offset(), "expected a label matcher like job=\"x\" (operators = != =~ !~)");
                    }
                }
                case STRING -> {
                    if (prev != Kind.OP) {
                        throw new SyntaxError(t.offset(), "expected a label name and =, !=, =~ or !~ before the value");
                    }
                }
                case COMMA -> {
                    if (prev != Kind.STRING) {
                        throw new SyntaxError(t.offset(), "expected a quoted label value before ','");
                    }
                }
                default -> throw new SyntaxError(t.offset(), "expected a label matcher like job=\"x\" inside {…}, got '"
                        + t.text() + "'" + (t.kind() == Kind.IDENT || t.kind() == Kind.NUMBER
                        || t.kind() == Kind.DURATION ? " (label values are quoted)" : ""));
            }
            previous = t;
        }

        /** Inside […]: a duration, or range:step of a subquery (the step may be left out). */
        private void range(Token t) throws SyntaxError {
            boolean atStart = previous != null && previous.text().equals("[");
            switch (t.kind()) {
                case DURATION -> {
                    if (!atStart && (previous == null || previous.kind() != Kind.COLON)) {
                        throw new SyntaxError(t.offset(), "expected ']' after the range");
                    }
                }
                case COLON -> {
                    if (previous == null || previous.kind() != Kind.DURATION || sawColon()) {
                        throw new SyntaxError(t.offset(), "expected a range like [5m] or a subquery like [1h:5m]");
                    }
                    colonAt = open.peek().offset();
                }
                default -> throw new SyntaxError(t.offset(), "expected a duration like 5m in […], got '" + t.text()
                        + "'");
            }
            previous = t;
        }

        private int colonAt = -1;

        private boolean sawColon() {
            return colonAt == open.peek().offset();
        }

        private static boolean endsOperand(Token t) {
            if (t == null) {
                return false;
            }
            return switch (t.kind()) {
                case IDENT -> !KEYWORDS.contains(t.text());
                case NUMBER, DURATION, STRING -> true;
                case CLOSE -> true;
                default -> false;
            };
        }

        private static String closer(String opener) {
            return switch (opener) {
                case "(" -> ")";
                case "[" -> "]";
                default -> "}";
            };
        }

        private Token next() throws SyntaxError {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (Character.isWhitespace(c)) {
                    pos++;
                } else if (c == '#') {
                    while (pos < s.length() && s.charAt(pos) != '\n') {
                        pos++;
                    }
                } else {
                    break;
                }
            }
            if (pos >= s.length()) {
                return null;
            }
            int start = pos;
            char c = s.charAt(pos);
            if (Character.isLetter(c) || c == '_' || c == ':' && !inRange()) {
                pos++;
                while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_'
                        || s.charAt(pos) == ':' && !inRange())) {
                    pos++;
                }
                String word = s.substring(start, pos);
                return new Token(word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("nan") ? Kind.NUMBER : Kind.IDENT,
                        word, start);
            }
            if (Character.isDigit(c) || c == '.' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))) {
                return number(start);
            }
            if (c == '"' || c == '\'' || c == '`') {
                return string(start, c);
            }
            pos++;
            switch (c) {
                case '(', '{', '[' -> {
                    return new Token(Kind.OPEN, String.valueOf(c), start);
                }
                case ')', '}', ']' -> {
                    return new Token(Kind.CLOSE, String.valueOf(c), start);
                }
                case ',' -> {
                    return new Token(Kind.COMMA, ",", start);
                }
                case ':' -> {
                    return new Token(Kind.COLON, ":", start);
                }
                case '+', '-', '*', '/', '%', '^', '@' -> {
                    return new Token(Kind.OP, String.valueOf(c), start);
                }
                case '=', '!', '<', '>' -> {
                    if (pos < s.length() && (s.charAt(pos) == '=' || s.charAt(pos) == '~' && (c == '=' || c == '!'))) {
                        pos++;
                    } else if (c == '!') {
                        throw new SyntaxError(start, "'!' must be followed by '=' or '~'");
                    }
                    return new Token(Kind.OP, s.substring(start, pos), start);
                }
                default -> throw new SyntaxError(start, "unexpected character '" + printable(c) + "'");
            }
        }

        private boolean inRange() {
            return !open.isEmpty() && open.peek().text().equals("[");
        }

        /** A number (decimal, hex, exponent) or, when units follow, a duration like 1h30m. */
        private Token number(int start) throws SyntaxError {
            if (s.startsWith("0x", pos) || s.startsWith("0X", pos)) {
                pos += 2;
                while (pos < s.length() && Character.digit(s.charAt(pos), 16) >= 0) {
                    pos++;
                }
                return new Token(Kind.NUMBER, s.substring(start, pos), start);
            }
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                pos++;
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                int save = pos;
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                        pos++;
                    }
                    return new Token(Kind.NUMBER, s.substring(start, pos), start);
                }
                pos = save;
            }
            if (pos < s.length() && Character.isLetter(s.charAt(pos))) {
                while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                    pos++;
                }
                String text = s.substring(start, pos);
                if (!text.matches("(\\d+(ms|s|m|h|d|w|y))+")) {
                    throw new SyntaxError(start, "'" + text + "' is neither a number nor a duration (units ms, s, m, "
                            + "h, d, w, y as in 5m or 1h30m)");
                }
                return new Token(Kind.DURATION, text, start);
            }
            return new Token(Kind.NUMBER, s.substring(start, pos), start);
        }

        private Token string(int start, char quote) throws SyntaxError {
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\\' && quote != '`') {
                    pos += 2;
                    continue;
                }
                if (c == '\n' && quote != '`') {
                    break;
                }
                pos++;
                if (c == quote) {
                    return new Token(Kind.STRING, s.substring(start, pos), start);
                }
            }
            throw new SyntaxError(start, "the string starting here is never closed; expected a closing " + quote);
        }

        private static String printable(char c) {
            return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }
    }
}
