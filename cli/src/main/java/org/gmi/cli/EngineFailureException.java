package org.gmi.cli;

/**
 * A training engine's job failed for good ({@code gmi train --engine spark}: a task that failed on every
 * try, a cluster that lost every executor). Not a defect of gmi: the CLI prints its message as it is,
 * with where the last checkpoint is, and exits with 1.
 */
public class EngineFailureException extends RuntimeException {
    public EngineFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same failure with {@code note} appended to its message. */
    public EngineFailureException withNote(String note) {
        return new EngineFailureException(getMessage() + note, getCause());
    }
}
