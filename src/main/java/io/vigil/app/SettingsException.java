package io.vigil.app;

/** The settings file could not be read; the message gives the file, line and column. */
public class SettingsException extends Exception {

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
