package org.gmi.engine;

/**
 * Row gathers, row dots and their scatters: the discriminator scores {@code out[i] = left[idx[i]] . right[i]}.
 *
 * <p>{@code idx == null} means the identity (positive pairs).
 */
public final class RowOps {
    private static final int MIN_ROWS_PER_CHUNK = 128;

    private RowOps() {}

    /** out[outOff + i] = left[idx[i], :] . right[i, :] for every row i of right. */
    public static void rowDots(Matrix left, int[] idx, Matrix right, float[] out, int outOff) {
        checkPair("rowDots", left, idx, right);
        if (out.length < outOff + right.rows) {
            throw new IllegalArgumentException("rowDots: output too short for " + right.rows + " scores");
        }
        int d = right.cols;
        Parallel.forRange(right.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int l = idx == null ? i : idx[i];
                out[outOff + i] = VectorKernels.dot(left.data, l * d, right.data, i * d, d);
            }
        });
    }

    /**
     * The backward of {@link #rowDots}: with g = dL/dout,
     * {@code dRight[i,:] += g[i] * left[idx[i],:]} and {@code dLeft[idx[i],:] += g[i] * right[i,:]}.
     * Either gradient may be null (not needed). dLeft is scattered serially in index order so that
     * the sums do not depend on the thread count.
     */
    public static void rowDotsBackward(Matrix left, int[] idx, Matrix right, float[] g, int gOff,
                                       Matrix dLeft, Matrix dRight) {
        checkPair("rowDotsBackward", left, idx, right);
        int d = right.cols;
        if (dRight != null) {
            Parallel.forRange(right.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    int l = idx == null ? i : idx[i];
                    VectorKernels.axpy(g[gOff + i], left.data, l * d, dRight.data, i * d, d);
                }
            });
        }
        if (dLeft != null) {
            if (idx == null) {
                Parallel.forRange(right.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) {
                        VectorKernels.axpy(g[gOff + i], right.data, i * d, dLeft.data, i * d, d);
                    }
                });
            } else {
                for (int i = 0; i < right.rows; i++) {
                    VectorKernels.axpy(g[gOff + i], right.data, i * d, dLeft.data, idx[i] * d, d);
                }
            }
        }
    }

    /**
     * The backward of K lists of {@link #rowDots} at once (list k's scores at {@code g[k*n ..]}, n the rows
     * of right; a null list the identity): the same sums, in the same order, as
     * {@link #rowDotsBackward} called for k = 0, 1, ..., K-1, so the same bits, but parallel on both
     * sides. dRight[i] takes its K terms in list order in one visit of the row. dLeft is gathered: the
     * lists are inverted (which offsets k*n + i point at row l, ascending) and each row of dLeft sums
     * its terms in that order, which is the order of the serial scatter.
     */
    public static void rowDotsBackwardLists(Matrix left, int[][] lists, Matrix right, float[] g, Matrix dLeft, Matrix dRight) {
        rowDotsBackwardLists(left, lists, right, g, dLeft, true, dRight, true);
    }

    /**
     * As {@link #rowDotsBackwardLists(Matrix, int[][], Matrix, float[], Matrix, Matrix)}, but a gradient
     * whose flag is false is overwritten: each of its rows is zeroed by the thread that sums into it,
     * just before, instead of in a pass of its own (the same bits as zeroing the whole buffer first).
     */
    public static void rowDotsBackwardLists(Matrix left, int[][] lists, Matrix right, float[] g,
                                            Matrix dLeft, boolean accumulateLeft, Matrix dRight, boolean accumulateRight) {
        if (dLeft != null && dLeft == dRight && !(accumulateLeft && accumulateRight)) {
            throw new IllegalArgumentException("rowDotsBackward: one buffer for both gradients must accumulate both");
        }
        int n = right.rows;
        int d = right.cols;
        for (int[] idx : lists) {
            checkPair("rowDotsBackward", left, idx, right);
        }
        if (g.length < (long) lists.length * n) {
            throw new IllegalArgumentException("rowDotsBackward: " + g.length + " score gradients for " + lists.length + " x " + n);
        }
        if (dRight != null) {
            Parallel.forRange(n, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    if (!accumulateRight) {
                        java.util.Arrays.fill(dRight.data, i * d, (i + 1) * d, 0f);
                    }
                    for (int k = 0; k < lists.length; k++) {
                        int l = lists[k] == null ? i : lists[k][i];
                        VectorKernels.axpy(g[k * n + i], left.data, l * d, dRight.data, i * d, d);
                    }
                }
            });
        }
        if (dLeft != null) {
            int p = left.rows;
            InverseLists inv = INVERSE.get().fill(lists, n, p);
            int[] ptr = inv.ptr;
            int[] offsets = inv.offsets;
            Parallel.forRange(p, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
                for (int l = lo; l < hi; l++) {
                    if (!accumulateLeft) {
                        java.util.Arrays.fill(dLeft.data, l * d, (l + 1) * d, 0f);
                    }
                    for (int q = ptr[l]; q < ptr[l + 1]; q++) {
                        int o = offsets[q];
                        VectorKernels.axpy(g[o], right.data, (o % n) * d, dLeft.data, l * d, d);
                    }
                }
            });
        }
    }

    /** Scratch of the inverted lists, per calling thread, grown when needed and then reused (no garbage per epoch). */
    private static final ThreadLocal<InverseLists> INVERSE = ThreadLocal.withInitial(InverseLists::new);

    private static final class InverseLists {
        int[] ptr = new int[0];
        int[] offsets = new int[0];
        int[] next = new int[0];
        int[] flat = new int[0];

        /** ptr[l] .. ptr[l+1]: the offsets k*n + i with lists[k][i] == l (i for a null list), ascending. */
        InverseLists fill(int[][] lists, int n, int p) {
            int total = lists.length * n;
            if (ptr.length < p + 1) {
                ptr = new int[p + 1];
                next = new int[p];
            }
            if (offsets.length < total) {
                offsets = new int[total];
                flat = new int[total];
            }
            for (int k = 0; k < lists.length; k++) {
                int[] idx = lists[k];
                for (int i = 0; i < n; i++) {
                    flat[k * n + i] = idx == null ? i : idx[i];
                }
            }
            IndexInversion.invert(flat, total, p, ptr, offsets, next);
            return this;
        }
    }

    /** out[i,:] = src[idx[i],:]. */
    public static void gatherRows(Matrix src, int[] idx, Matrix out) {
        if (out.rows != idx.length || out.cols != src.cols) {
            throw new IllegalArgumentException("gatherRows: " + idx.length + " rows of (" + src.shape() + ") -> (" + out.shape() + ")");
        }
        int d = src.cols;
        Parallel.forRange(idx.length, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                System.arraycopy(src.data, idx[i] * d, out.data, i * d, d);
            }
        });
    }

    /** dSrc[idx[i],:] += g[i,:]: the sums of a serial scatter in index order. */
    public static void scatterAddRows(Matrix g, int[] idx, Matrix dSrc) {
        scatterAddRows(g, idx, dSrc, true);
    }

    /**
     * As {@link #scatterAddRows(Matrix, int[], Matrix)}, overwriting dSrc unless {@code accumulate}.
     * Gathered: idx inverted, each row of dSrc sums the rows of g that point at it, ascending, on
     * the pool (the serial scatter's order per row, so its bits, on any thread count).
     */
    public static void scatterAddRows(Matrix g, int[] idx, Matrix dSrc, boolean accumulate) {
        if (g.rows != idx.length || g.cols != dSrc.cols) {
            throw new IllegalArgumentException("scatterAddRows: (" + g.shape() + ") into (" + dSrc.shape() + ")");
        }
        int d = g.cols;
        int p = dSrc.rows;
        for (int l : idx) {
            if (l < 0 || l >= p) {
                throw new IllegalArgumentException("scatterAddRows: index " + l + " outside [0, " + p + ")");
            }
        }
        InverseLists inv = INVERSE.get().fill(new int[][] {idx}, idx.length, p);
        int[] ptr = inv.ptr;
        int[] offsets = inv.offsets;
        Parallel.forRange(p, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            for (int l = lo; l < hi; l++) {
                if (!accumulate) {
                    java.util.Arrays.fill(dSrc.data, l * d, (l + 1) * d, 0f);
                }
                for (int q = ptr[l]; q < ptr[l + 1]; q++) {
                    VectorKernels.axpy(1f, g.data, offsets[q] * d, dSrc.data, l * d, d);
                }
            }
        });
    }

    private static void checkPair(String op, Matrix left, int[] idx, Matrix right) {
        if (left.cols != right.cols) {
            throw new IllegalArgumentException(op + ": row lengths differ (" + left.shape() + ") vs (" + right.shape() + ")");
        }
        if (idx == null) {
            if (left.rows != right.rows) {
                throw new IllegalArgumentException(op + ": identity pairing needs equal rows (" + left.shape() + ") vs (" + right.shape() + ")");
            }
        } else if (idx.length != right.rows) {
            throw new IllegalArgumentException(op + ": " + idx.length + " indices for " + right.rows + " rows");
        }
    }
}
