package io.vigil.fleet.prometheus;

/**
 * Prometheus sends sample values as strings so that {@code NaN}, {@code +Inf} and {@code -Inf}
 * survive JSON; this turns them into doubles. Stateless.
 */
final class PromValues {

    private PromValues() {
    }

    /** {@code "1.5"}, {@code "NaN"}, {@code "+Inf"}, {@code "-Inf"}, also Go's {@code "1e+09"}. */
    static double parse(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** A Prometheus timestamp (unix seconds, fractional) as epoch milliseconds. */
    static long millis(double unixSeconds) {
        return Math.round(unixSeconds * 1000.0);
    }

    /** Epoch milliseconds as the decimal seconds Prometheus accepts ({@code 1700000000.123}). */
    static String seconds(long epochMillis) {
        return java.math.BigDecimal.valueOf(epochMillis, 3).toPlainString();
    }
}
