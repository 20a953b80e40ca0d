package io.vigil.scenario;

/** A scenario file could not be used; the message names the file, where, and what was expected. */
public class ScenarioException extends Exception {

    public ScenarioException(String message, Throwable cause) {
        super(message, cause);
    }

    public ScenarioException(String message) {
        super(message);
    }
}
