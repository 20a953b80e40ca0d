package io.vigil.inventory;

/** What a loopback probe of a service found. */
public enum ProbeOutcome {
    /** The service answered its API without any credentials. */
    OPEN,
    /** It asked for authentication (401/403, or a redirect to a login page). */
    AUTH_REQUIRED,
    /** It accepted the connection but did not answer in time. */
    TIMEOUT,
    /** Nothing accepted the connection on loopback. */
    UNREACHABLE,
    /** It answered, but not like the service we expected (garbage, another app, an error page). */
    UNKNOWN,
    /** Vigil did not probe it (bound only to a non-loopback address, or no probe for this service). */
    NOT_PROBED
}
