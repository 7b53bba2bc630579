package org.gmi.models;

/**
 * A checkpoint that cannot be used: missing, truncated, corrupt, of another format version, or
 * written for another configuration. The message is one line naming the file; the CLI exits with 2.
 */
public class CheckpointFormatException extends RuntimeException {
    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
