package org.gmi.engine;

/**
 * Row-indexed operations: the discriminators' bilinear scores over K index lists, DGI's row
 * shuffle (gather and scatter) and its readout (the row mean).
 * Part of {@link Backend}.
 */
public interface ScoreKernels extends DeviceMemory {
    /**
     * The current contents of K index lists of length N (null: the identity) for
     * {@link #rowDots}; valid until {@code indices} is called again with the same arrays.
     *
     * @param leftRows the rows of the left operand the indices point into
     */
    Indices indices(int[][] lists, int leftRows);

    /** out[k, i] = left[idx_k(i), :] . right[i, :] + c[0]; out is K x N, c is 1 x 1. */
    void rowDots(DeviceMatrix left, Indices idx, DeviceMatrix right, DeviceMatrix c, DeviceMatrix out);

    /**
     * The backward of {@link #rowDots} with dy = dL/dout: dRight[i] += sum_k dy[k,i] left[idx_k(i)],
     * dLeft[idx_k(i)] += dy[k,i] right[i], dc[0] += sum dy. Any gradient may be null.
     */
    void rowDotsBackward(DeviceMatrix left, Indices idx, DeviceMatrix right, DeviceMatrix dy,
                         DeviceMatrix dLeft, DeviceMatrix dRight, DeviceMatrix dc);

    /**
     * As {@link #rowDotsBackward(DeviceMatrix, Indices, DeviceMatrix, DeviceMatrix, DeviceMatrix, DeviceMatrix, DeviceMatrix)},
     * overwriting dLeft unless {@code accumulateLeft} and dRight unless {@code accumulateRight}; dLeft and
     * dRight must then be different buffers.
     */
    default void rowDotsBackward(DeviceMatrix left, Indices idx, DeviceMatrix right, DeviceMatrix dy,
                                 DeviceMatrix dLeft, boolean accumulateLeft, DeviceMatrix dRight, boolean accumulateRight,
                                 DeviceMatrix dc) {
        if (dLeft != null && !accumulateLeft) {
            fill(dLeft, 0f);
        }
        if (dRight != null && !accumulateRight) {
            fill(dRight, 0f);
        }
        rowDotsBackward(left, idx, right, dy, dLeft, dRight, dc);
    }

    /** One index list (null: the identity) as {@link Indices}; a backend may keep its copy per array. */
    default Indices indices(int[] list, int leftRows) {
        return indices(new int[][] {list}, leftRows);
    }

    /** out[i, :] = src[idx(i), :] with the first list of {@code idx} (DGI's row shuffle). */
    void gatherRows(DeviceMatrix src, Indices idx, DeviceMatrix out);

    /** Its backward: dSrc[idx(i), :] += g[i, :]. */
    void scatterAddRows(DeviceMatrix g, Indices idx, DeviceMatrix dSrc);

    /** As {@link #scatterAddRows(DeviceMatrix, Indices, DeviceMatrix)}, overwriting dSrc unless {@code accumulate}. */
    default void scatterAddRows(DeviceMatrix g, Indices idx, DeviceMatrix dSrc, boolean accumulate) {
        if (!accumulate) {
            fill(dSrc, 0f);
        }
        scatterAddRows(g, idx, dSrc);
    }

    /** out[0, j] = (1/N) sum_i x[i, j] (DGI's readout before its sigmoid); out is 1 x d. */
    void rowMean(DeviceMatrix x, DeviceMatrix out);

    /** Its backward: dx[i, j] += dy[0, j] / N. */
    void rowMeanBackward(DeviceMatrix dy, DeviceMatrix dx);
}
