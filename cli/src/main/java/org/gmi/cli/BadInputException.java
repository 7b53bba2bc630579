package org.gmi.cli;

/**
 * The user asked for something that cannot be done as asked: a flag out of range, a missing file,
 * outputs that already exist. The message is one line fit for a user; the CLI exits with 2.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
