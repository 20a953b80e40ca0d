package io.vigil.text;

import java.util.Locale;

/**
 * The unit a metric's values are in, and how a person reads one. The single place that turns a
 * number into text for views, charts, notifications and the CLI's text output (JSON keeps raw
 * numbers), so one window never shows "1521.25 USD" beside "$1,521.25".
 *
 * <p>Stateless; safe from any thread.
 */
public enum Unit {
    /** Bytes, binary prefixes (KiB, MiB, GiB). */
    BYTES,
    /** Bytes per second, binary prefixes. */
    BYTES_PER_SECOND,
    /** 0–100. */
    PERCENT,
    WATTS,
    CELSIUS,
    MEGAHERTZ,
    JOULES,
    /** US dollars. */
    USD,
    /** US dollars per hour. */
    USD_PER_HOUR,
    SECONDS,
    /** A plain count or ratio. */
    NONE;

    private static final String[] BYTE_PREFIXES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    /** Shown wherever a value is unknown: never "0" for "no data". */
    public static final String NO_DATA = "—";

    /**
     * Infers the unit from Vigil's metric naming convention (suffixes {@code _bytes},
     * {@code _bytes_per_s}, {@code _percent}, {@code _watts}, {@code _c}, {@code _mhz},
     * {@code _joules}, {@code cost.*}). A label set ({@code gpu.power_watts{gpu="0"}}, as a
     * metric id prints) is ignored. Unknown names, and null, read as {@link #NONE}.
     */
    public static Unit ofMetric(String metric) {
        if (metric == null) {
            return NONE;
        }
        int labels = metric.indexOf('{');
        String m = (labels >= 0 ? metric.substring(0, labels) : metric).strip().toLowerCase(Locale.ROOT);
        if (m.endsWith("_bytes_per_s") || m.endsWith("_bytes_per_second")) {
            return BYTES_PER_SECOND;
        }
        if (m.endsWith("_bytes") || m.endsWith(".bytes")) {
            return BYTES;
        }
        if (m.endsWith("cost_per_hour") || m.endsWith("per_hour")) {
            return USD_PER_HOUR;
        }
        if (m.startsWith("cost.") && !m.endsWith("ratio") && !m.endsWith(".today") && !m.endsWith("count")) {
            return USD;
        }
        if (m.endsWith("percent") || m.endsWith("utilization") || m.endsWith("_util")) {
            return PERCENT;
        }
        if (m.endsWith("_watts")) {
            return WATTS;
        }
        if (m.endsWith("_c") || m.endsWith("temperature")) {
            return CELSIUS;
        }
        if (m.endsWith("_mhz")) {
            return MEGAHERTZ;
        }
        if (m.endsWith("_joules")) {
            return JOULES;
        }
        if (m.endsWith("_seconds")) {
            return SECONDS;
        }
        return NONE;
    }

    /** The value with its unit ("12.3 MiB/s", "85 °C", "$1,521.25"); {@link #NO_DATA} for NaN. */
    public String format(double value) {
        if (Double.isNaN(value)) {
            return NO_DATA;
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        return switch (this) {
            case BYTES -> bytes(value);
            case BYTES_PER_SECOND -> bytes(value) + "/s";
            case PERCENT -> trim(value, value != 0 && Math.abs(value) < 10 ? 1 : 0) + " %";
            case WATTS -> Math.abs(value) >= 10_000
                    ? trim(value / 1000, 1) + " kW" : grouped(value, Math.abs(value) < 10 ? 1 : 0) + " W";
            case CELSIUS -> trim(value, 0) + " °C";
            case MEGAHERTZ -> grouped(value, 0) + " MHz";
            case JOULES -> Math.abs(value) >= 3_600_000
                    ? trim(value / 3_600_000, 1) + " kWh" : grouped(value, 0) + " J";
            case USD -> money(value);
            case USD_PER_HOUR -> money(value) + "/h";
            case SECONDS -> Durations.compact(value);
            case NONE -> grouped(value, value == Math.rint(value) ? 0 : 2);
        };
    }

    /** The unit's name for an axis title ("MiB/s" is chosen per scale, so this is the family). */
    public String axisTitle() {
        return switch (this) {
            case BYTES -> "bytes";
            case BYTES_PER_SECOND -> "bytes/s";
            case PERCENT -> "%";
            case WATTS -> "W";
            case CELSIUS -> "°C";
            case MEGAHERTZ -> "MHz";
            case JOULES -> "J";
            case USD -> "$";
            case USD_PER_HOUR -> "$/h";
            case SECONDS -> "s";
            case NONE -> "";
        };
    }

    /**
     * Round tick values covering {@code [min, max]} with at most about {@code maxTicks} ticks:
     * steps of 1, 2 or 5 × 10^n, or for byte units powers of two of the prefix (so an axis reads
     * 0, 16, 32, 48 GiB rather than 23.3, 46.6, 69.8).
     */
    public Ticks ticks(double min, double max, int maxTicks) {
        return Ticks.round(this, min, max, maxTicks);
    }

    /** US dollars with thousands separators and cents ("$1,521.25"; "-$3.10"). */
    public static String money(double usd) {
        if (Double.isNaN(usd)) {
            return NO_DATA;
        }
        String digits = String.format(Locale.ROOT, "%,.2f", Math.abs(usd));
        return (usd < 0 ? "-$" : "$") + digits;
    }

    /** Bytes with a binary prefix, one decimal above 1 KiB ("1.5 GiB", "512 B"). */
    public static String bytes(double bytes) {
        if (Double.isNaN(bytes)) {
            return NO_DATA;
        }
        int prefix = bytePrefixIndex(bytes);
        double scaled = bytes / Math.pow(1024, prefix);
        return (prefix == 0 ? trim(scaled, 0) : trim(scaled, 1)) + " " + BYTE_PREFIXES[prefix];
    }

    /** The index into KiB/MiB/… that keeps {@code |bytes|} below 1024. */
    static int bytePrefixIndex(double bytes) {
        int prefix = 0;
        double v = Math.abs(bytes);
        while (v >= 1024 && prefix < BYTE_PREFIXES.length - 1) {
            v /= 1024;
            prefix++;
        }
        return prefix;
    }

    static String bytePrefix(int index) {
        return BYTE_PREFIXES[index];
    }

    /** Fixed decimals with trailing zeros after the point removed ("12.0" → "12"). */
    static String trim(double value, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", value);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.equals("-0") ? "0" : s;
    }

    static String grouped(double value, int decimals) {
        String s = String.format(Locale.ROOT, "%,." + decimals + "f", value);
        return s.startsWith("-0") && value > -0.5 && decimals == 0 ? "0" : s;
    }
}
