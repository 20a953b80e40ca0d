package io.vigil.fleet;

/**
 * A fleet read that failed, with what kind of failure it was (so the source's health says the right
 * thing) and a message a user can act on ("Prometheus at http://… refused the credentials: check
 * fleet.endpoints[0].auth").
 */
public final class FleetException extends Exception {

    /** What went wrong, coarsely: it decides the source health and the advice shown. */
    public enum Kind { UNREACHABLE, AUTH, BAD_QUERY, TIMEOUT, SERVER, BAD_RESPONSE }

    private final Kind kind;

    public FleetException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public FleetException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
