package org.gmi.models;

/** A loss term became NaN or infinite; names the epoch and the term. The CLI exits with 3. */
public class NumericalFailureException extends RuntimeException {
    public NumericalFailureException(String message) {
        super(message);
    }
}
