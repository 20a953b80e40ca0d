package io.vigil.ui;

import java.util.Locale;

/** Formats numbers for people: bytes, rates, percentages. */
public final class Units {

    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Units() {
    }

    public static String bytes(double bytes) {
        if (Double.isNaN(bytes)) {
            return "n/a";
        }
        int unit = 0;
        double v = bytes;
        while (Math.abs(v) >= 1024 && unit < BYTE_UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        String pattern = unit == 0 && v != Math.rint(v) ? "%.1f %s" : unit == 0 ? "%.0f %s" : "%.1f %s";
        return String.format(Locale.ROOT, pattern, v, BYTE_UNITS[unit]);
    }

    public static String rate(double bytesPerSecond) {
        return Double.isNaN(bytesPerSecond) ? "n/a" : bytes(bytesPerSecond) + "/s";
    }

    public static String percent(double percent) {
        return Double.isNaN(percent) ? "n/a" : String.format(Locale.ROOT, "%.0f %%", percent);
    }

    /** Scales a byte rate to a value and a unit for a tile ("12.3" + "MiB/s"). */
    public static double[] scaleBytes(double bytes) {
        int unit = 0;
        double v = bytes;
        while (Math.abs(v) >= 1024 && unit < BYTE_UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return new double[] {v, unit};
    }

    public static String byteUnit(int index) {
        return BYTE_UNITS[index];
    }
}
