package org.gmi.graph;

/**
 * Bad input data: the message names the file (and line or value where there is one) and what is
 * wrong, in one line fit for a user. The CLI turns it into exit code 2.
 */
public class GraphFormatException extends RuntimeException {
    public GraphFormatException(String message) {
        super(message);
    }

    public GraphFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
