package io.vigil.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes NVML's clock-event (formerly "throttle") reason bitmask into words an analyst reads at a
 * glance. Stateless and thread-safe.
 */
public final class ClockEventReasons {

    public static final long GPU_IDLE = 0x1L;
    public static final long APPLICATIONS_CLOCKS_SETTING = 0x2L;
    public static final long SW_POWER_CAP = 0x4L;
    public static final long HW_SLOWDOWN = 0x8L;
    public static final long SYNC_BOOST = 0x10L;
    public static final long SW_THERMAL_SLOWDOWN = 0x20L;
    public static final long HW_THERMAL_SLOWDOWN = 0x40L;
    public static final long HW_POWER_BRAKE_SLOWDOWN = 0x80L;
    public static final long DISPLAY_CLOCK_SETTING = 0x100L;

    private static final long[] BITS = {GPU_IDLE, APPLICATIONS_CLOCKS_SETTING, SW_POWER_CAP, HW_SLOWDOWN,
            SYNC_BOOST, SW_THERMAL_SLOWDOWN, HW_THERMAL_SLOWDOWN, HW_POWER_BRAKE_SLOWDOWN, DISPLAY_CLOCK_SETTING};
    private static final String[] WORDS = {"idle", "application clocks setting", "power cap", "hardware slowdown",
            "sync boost", "thermal slowdown", "hardware thermal slowdown", "power brake", "display clock setting"};

    private ClockEventReasons() {
    }

    /** The reasons set in {@code mask}, in bit order; unknown bits are named by their hex value. */
    public static List<String> words(long mask) {
        List<String> out = new ArrayList<>();
        long rest = mask;
        for (int i = 0; i < BITS.length; i++) {
            if ((mask & BITS[i]) != 0) {
                out.add(WORDS[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) {
            out.add("other (0x" + Long.toHexString(rest) + ")");
        }
        return out;
    }

    /** "none" for 0, otherwise the words joined by commas. */
    public static String describe(long mask) {
        List<String> w = words(mask);
        return w.isEmpty() ? "none" : String.join(", ", w);
    }
}
