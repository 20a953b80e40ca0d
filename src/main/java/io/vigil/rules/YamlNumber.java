package io.vigil.rules;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * The value of a YAML number scalar as a rules file means it. YAML 1.1 integers ({@code 1_000},
 * {@code 0x10}, {@code 0b101}) are numbers; what cannot be a threshold is refused with the reason:
 * {@code .inf} and {@code .nan}, values beyond a double's range ({@code 1e400}), and integers with a
 * leading 0, which YAML 1.1 reads as octal ({@code 017} is 15), a surprise no analyst intends.
 * Stateless.
 */
final class YamlNumber {

    /** Either a finite value or the reason there is none. */
    record Parsed(double value, String problem) {
    }

    private YamlNumber() {
    }

    static Parsed parse(String text) {
        String t = text.strip().replace("_", "").toLowerCase(Locale.ROOT);
        String digits = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        boolean negative = t.startsWith("-");
        if (digits.endsWith("inf") || digits.endsWith("nan")) {
            return new Parsed(Double.NaN, "infinity and not-a-number cannot be compared with a reading");
        }
        try {
            BigDecimal value;
            if (digits.startsWith("0x")) {
                value = new BigDecimal(new BigInteger(digits.substring(2), 16));
            } else if (digits.startsWith("0b")) {
                value = new BigDecimal(new BigInteger(digits.substring(2), 2));
            } else if (digits.length() > 1 && digits.charAt(0) == '0' && Character.isDigit(digits.charAt(1))
                    && digits.chars().allMatch(Character::isDigit)) {
                return new Parsed(Double.NaN, "a leading 0 makes YAML read it as octal; write it without the 0");
            } else {
                value = new BigDecimal(digits);
            }
            double d = (negative ? value.negate() : value).doubleValue();
            if (Double.isInfinite(d)) {
                return new Parsed(Double.NaN, "too large (the largest number is about 1.8e308)");
            }
            return new Parsed(d, null);
        } catch (NumberFormatException | ArithmeticException e) {
            return new Parsed(Double.NaN, "not a number this file can use");
        }
    }
}
