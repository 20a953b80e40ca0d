package io.vigil.gpu;

/**
 * One GPU error event from the driver, as it happened: an XID (a numbered driver error) or an ECC
 * event. {@code seq} increases by one per event a reader delivers (so a publisher can tell new
 * events from ones it has seen), {@code epochMillis} is when Vigil received it, {@code gpu} the
 * index at that time and {@code uuid} the card's stable identity, {@code xid} the driver's number
 * (999 when the driver does not know it; 0 for ECC events without one). Immutable.
 */
public record XidEvent(long seq, long epochMillis, int gpu, String uuid, Kind kind, long xid) {

    /** Which NVML event type it was. */
    public enum Kind {
        /** {@code nvmlEventTypeXidCriticalError} (0x8): {@code xid} is the XID number. */
        XID(0x8),
        /** {@code nvmlEventTypeSingleBitEccError} (0x1). */
        SINGLE_BIT_ECC(0x1),
        /** {@code nvmlEventTypeDoubleBitEccError} (0x2). */
        DOUBLE_BIT_ECC(0x2);

        private final long mask;

        Kind(long mask) {
            this.mask = mask;
        }

        /** The NVML event type bit. */
        public long mask() {
            return mask;
        }

        /** The kind of an NVML event type, or null for one Vigil does not register. */
        public static Kind of(long eventType) {
            for (Kind k : values()) {
                if (k.mask == eventType) {
                    return k;
                }
            }
            return null;
        }
    }
}
