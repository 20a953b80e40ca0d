package io.vigil.inventory;

/** Where a listening socket accepts connections from. */
public enum BindScope {
    /** Only this machine ({@code 127.x}, {@code ::1}). */
    LOOPBACK,
    /** Every interface ({@code 0.0.0.0}, {@code ::}, {@code *}): reachable from the network. */
    ALL_INTERFACES,
    /** One specific non-loopback address: reachable from that network, not probed by Vigil. */
    SPECIFIC;

    public static BindScope of(String address) {
        if (address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1")
                || address.equals("localhost")) {
            return LOOPBACK;
        }
        if (address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0")
                || address.equals("*") || address.isEmpty()) {
            return ALL_INTERFACES;
        }
        return SPECIFIC;
    }

    /** The label value used in metrics: {@code loopback}, {@code all}, {@code specific}. */
    public String label() {
        return switch (this) {
            case LOOPBACK -> "loopback";
            case ALL_INTERFACES -> "all";
            case SPECIFIC -> "specific";
        };
    }
}
