package org.gmi.models;

/**
 * A loss term became NaN or infinite: training stops at once. The message names the epoch and the
 * term ({@code epoch 7: loss term reconstruction is NaN; try a smaller --lr}). The CLI exits with 3.
 */
public class NumericalFailureException extends RuntimeException {
    private final int epoch;
    private final String term;

    public NumericalFailureException(int epoch, String term, double value) {
        super("epoch " + epoch + ": " + ("loss".equals(term) ? "the loss" : "loss term " + term) + " is " + value
                + "; try a smaller --lr");
        this.epoch = epoch;
        this.term = term;
    }

    public NumericalFailureException(String message) {
        this(0, null, message);
    }

    private NumericalFailureException(int epoch, String term, String message) {
        super(message);
        this.epoch = epoch;
        this.term = term;
    }

    /** The same failure with {@code note} appended to its message (e.g. where the last checkpoint is). */
    public NumericalFailureException withNote(String note) {
        return new NumericalFailureException(epoch, term, getMessage() + note);
    }

    /** The 1-based epoch whose loss was not finite (0 when unknown). */
    public int epoch() {
        return epoch;
    }

    /** The name of the term that was not finite ({@code loss} for the total), or null. */
    public String term() {
        return term;
    }
}
