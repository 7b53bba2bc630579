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

    /** out[i,:] = src[idx[i],:]. */
    public static void gatherRows(Matrix src, int[] idx, Matrix out) {
        if (out.rows != idx.length || out.cols != src.cols) {
            throw new IllegalArgumentException("gatherRows: " + idx.length + " rows of (" + src.shape() + ") -> (" + out.shape() + ")");
        }
        int d = src.cols;
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(src.data, idx[i] * d, out.data, i * d, d);
        }
    }

    /** dSrc[idx[i],:] += g[i,:], serially in index order. */
    public static void scatterAddRows(Matrix g, int[] idx, Matrix dSrc) {
        if (g.rows != idx.length || g.cols != dSrc.cols) {
            throw new IllegalArgumentException("scatterAddRows: (" + g.shape() + ") into (" + dSrc.shape() + ")");
        }
        int d = g.cols;
        for (int i = 0; i < idx.length; i++) {
            VectorKernels.axpy(1f, g.data, i * d, dSrc.data, idx[i] * d, d);
        }
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
