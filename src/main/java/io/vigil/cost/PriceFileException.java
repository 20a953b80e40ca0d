package io.vigil.cost;

/** A price file that cannot be used; the message starts with {@code file:line:column}. */
public final class PriceFileException extends Exception {

    public PriceFileException(String message) {
        super(message);
    }
}
