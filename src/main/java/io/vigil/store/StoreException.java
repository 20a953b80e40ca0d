package io.vigil.store;

/** A database operation failed; the message names the file and what went wrong. */
public class StoreException extends Exception {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
