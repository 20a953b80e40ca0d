package io.vigil.playbook;

/** A built-in action that could not do its work; the message is shown and audited as the step's message. */
public class ActionException extends Exception {

    public ActionException(String message) {
        super(message);
    }

    public ActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
