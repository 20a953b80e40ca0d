package io.vigil.telemetry;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure a source understands: the message is shown to the user as is, and a source that knows
 * when to try again (throttling with a Retry-After, a budget that resets at midnight) says so.
 */
public class SourceException extends Exception {

    private final Duration retryAfter;

    public SourceException(String message) {
        this(message, null, null);
    }

    public SourceException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public SourceException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
