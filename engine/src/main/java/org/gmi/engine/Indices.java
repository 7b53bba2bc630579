package org.gmi.engine;

/**
 * K index lists of length N, as a backend holds them for the bilinear scores
 * ({@link Backend#rowDots}): list k pairs row i of the right operand with row {@code idx_k(i)} of
 * the left one; a null list is the identity (the positive pairs). Made by {@link Backend#indices}
 * from the host arrays' contents at that moment.
 */
public interface Indices {
    /** K, the number of lists. */
    int lists();

    /** N, the length of every list. */
    int length();
}
