package org.gmi.models;

/**
 * An encoder file that cannot be used: missing, truncated, corrupt, of another format version, or
 * holding an encoder this gmi cannot run. The message is one line naming the file; the CLI exits with 2.
 */
public class EncoderFormatException extends RuntimeException {
    public EncoderFormatException(String message) {
        super(message);
    }

    public EncoderFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
