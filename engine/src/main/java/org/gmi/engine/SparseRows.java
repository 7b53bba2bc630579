package org.gmi.engine;

/**
 * A sparse matrix read a few rows at a time: {@link CsrMatrix} on the heap, or a matrix that stays
 * in a file and is read through memory mapping (the graph module's binary layout), so that
 * minibatch training can read the feature rows of its batches from a matrix larger than the heap.
 * Every method returns rows with the invariants of {@link CsrMatrix} (sorted, no duplicates).
 */
public interface SparseRows {
    int rows();

    int cols();

    /** The stored entries; a long, since a mapped matrix may hold more than an array can. */
    long entries();

    /** Rows {@code ids[0 .. count)}, in that order, as a count x cols matrix on the heap. */
    CsrMatrix gather(int[] ids, int count);

    /** Rows [from, to), as a (to - from) x cols matrix on the heap. */
    CsrMatrix rowRange(int from, int to);

    /** The whole matrix on the heap (for a heap matrix, itself). */
    CsrMatrix toCsr();
}
