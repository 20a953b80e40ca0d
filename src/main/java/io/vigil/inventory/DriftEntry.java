package io.vigil.inventory;

/**
 * One difference between a baseline's manifest and the files now: {@code path} relative to the
 * baseline root, the kind of change and a sentence of detail. Immutable.
 */
public record DriftEntry(String path, Kind kind, String detail) {

    /** The kinds of drift. */
    public enum Kind {
        ADDED, REMOVED, CHANGED, UNREADABLE
    }
}
