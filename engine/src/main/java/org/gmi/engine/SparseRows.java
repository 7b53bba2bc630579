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

    /**
     * Where row {@code r}'s entries start in entry order (r in [0, rows]; {@code rowStart(rows)} is
     * {@link #entries}): row r holds the entries [rowStart(r), rowStart(r + 1)). With {@link #column}
     * and {@link #value}, what walks a graph's rows without copying them (neighbour sampling, the
     * normalised adjacency's entries) reads.
     */
    long rowStart(int r);

    /** The column of entry {@code k}. */
    int column(long k);

    /** The value of entry {@code k}. */
    float value(long k);

    /** The columns of entries [from, from + len) into {@code dst[off ..]}: {@link #column} in bulk. */
    default void columns(long from, int[] dst, int off, int len) {
        for (int i = 0; i < len; i++) {
            dst[off + i] = column(from + i);
        }
    }

    /** The entry of row {@code r} in column {@code c}, or -1 when the row has none (a binary search: columns rise within a row). */
    default long find(int r, int c) {
        long lo = rowStart(r);
        long hi = rowStart(r + 1) - 1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            int m = column(mid);
            if (m < c) {
                lo = mid + 1;
            } else if (m > c) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }
}
