package org.gmi.engine.backend;

import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;

/**
 * The seam between the autodiff ops and the hardware that runs their kernels (DESIGN section 4).
 *
 * <p>Operands are {@link DeviceMatrix} handles of this backend; results stay where the backend keeps
 * them, so an epoch runs without a host round trip per op. Only what the training loop needs on the
 * host comes back: the loss terms ({@link #jsd}, {@link ReconstructionKernel#lossAndGradient}) and
 * whatever a caller {@link #read}s on purpose (checkpoints, the final parameters).
 *
 * <p>Constant inputs cross once: sparse matrices ({@link CsrMatrix}, immutable by convention) are
 * taken by reference and a device backend keeps its copy per instance (and its transpose); the index
 * lists of the negatives cross once per epoch through {@link #indices}. Every {@code accumulate} flag
 * means {@code C += ...}, otherwise {@code C = ...}.
 *
 * <p>Implementations: {@link CpuBackend} (the engine's Vector API kernels, zero copy) and the OpenCL
 * backend of module gmi-opencl. A backend is used by one thread at a time.
 */
public interface Backend extends AutoCloseable {
    /** A short name for logs and metrics, e.g. {@code cpu} or {@code opencl:0:0 (NVIDIA H100)}. */
    String name();

    /** Whether this is the host CPU backend (handles are plain {@link Matrix} objects). */
    default boolean isCpu() {
        return false;
    }

    // ---- memory ------------------------------------------------------------------------------

    /** A rows x cols matrix of zeros. */
    DeviceMatrix allocate(int rows, int cols);

    /** dst = src (host to backend); shapes must match. */
    void write(Matrix src, DeviceMatrix dst);

    /** dst = src (backend to host); shapes must match. */
    void read(DeviceMatrix src, Matrix dst);

    /** A new matrix holding a copy of {@code src}. */
    default DeviceMatrix upload(Matrix src) {
        DeviceMatrix m = allocate(src.rows, src.cols);
        write(src, m);
        return m;
    }

    /** A host copy of {@code src}. */
    default Matrix download(DeviceMatrix src) {
        Matrix m = new Matrix(src.rows(), src.cols());
        read(src, m);
        return m;
    }

    /** Gives the storage back; the handle must not be used afterwards. */
    void release(DeviceMatrix m);

    /** x[:] = v. */
    void fill(DeviceMatrix x, float v);

    /** dst = src (same shape). */
    void copy(DeviceMatrix src, DeviceMatrix dst);

    /** y += alpha x elementwise (same shape). */
    void addScaled(float alpha, DeviceMatrix x, DeviceMatrix y);

    /**
     * y = alpha x + y when {@code accumulate}, else y = alpha x (y's old contents unread): the first
     * gradient written into a buffer overwrites it instead of adding to a pass of zeros.
     */
    default void addScaled(float alpha, DeviceMatrix x, DeviceMatrix y, boolean accumulate) {
        if (!accumulate) {
            fill(y, 0f);
        }
        addScaled(alpha, x, y);
    }

    // ---- products ----------------------------------------------------------------------------

    /** C (+)= S B: S m x k sparse, B k x n, C m x n. */
    void spmm(CsrMatrix s, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    /** C (+)= S^T B: S m x k sparse, B m x n, C k x n. */
    void spmmTransA(CsrMatrix s, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    /** C (+)= A B: A m x k, B k x n. */
    void gemm(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    /** C (+)= A^T B: A m x k, B m x n, C k x n. */
    void gemmTransA(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    /** C (+)= A B^T: A m x k, B n x k, C m x n. */
    void gemmTransB(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    // ---- elementwise layers ------------------------------------------------------------------

    /** out[i,j] = x[i,j] + bias[0,j]; bias is 1 x n. */
    void addBias(DeviceMatrix x, DeviceMatrix bias, DeviceMatrix out);

    /** db[0,j] += sum_i dy[i,j] (the bias gradient). */
    void addColumnSums(DeviceMatrix dy, DeviceMatrix db);

    /** out = x where x > 0, a[0] x elsewhere (one shared slope a, 1 x 1). */
    void prelu(DeviceMatrix x, DeviceMatrix a, DeviceMatrix out);

    /**
     * The PReLU backward: dx += dy where x > 0, a dy elsewhere; da[0] += sum over x <= 0 of x dy.
     * Either gradient may be null (not needed).
     */
    void preluBackward(DeviceMatrix x, DeviceMatrix a, DeviceMatrix dy, DeviceMatrix dx, DeviceMatrix da);

    /** As {@link #preluBackward(DeviceMatrix, DeviceMatrix, DeviceMatrix, DeviceMatrix, DeviceMatrix)}, overwriting dx unless {@code accumulateDx}. */
    default void preluBackward(DeviceMatrix x, DeviceMatrix a, DeviceMatrix dy, DeviceMatrix dx, boolean accumulateDx,
                               DeviceMatrix da) {
        if (dx != null && !accumulateDx) {
            fill(dx, 0f);
        }
        preluBackward(x, a, dy, dx, da);
    }

    // ---- discriminator scores ----------------------------------------------------------------

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

    /**
     * The JSD MI estimator (returned to the host: a loss term):
     * {@code mean_i softplus(-f(pos_i)) + mean_{k,i} softplus(f(neg_{k,i}))}, f = sigmoid when
     * {@code probabilities}, the identity otherwise.
     */
    double jsd(DeviceMatrix pos, DeviceMatrix neg, boolean probabilities);

    /**
     * Its gradient times {@code up}: dPos += -up/|pos| sigmoid(-f(pos)) f'(pos),
     * dNeg += up/|neg| sigmoid(f(neg)) f'(neg). Either gradient may be null.
     */
    void jsdBackward(DeviceMatrix pos, DeviceMatrix neg, boolean probabilities, double up, DeviceMatrix dPos, DeviceMatrix dNeg);

    /** One index list (null: the identity) as {@link Indices}; a backend may keep its copy per array. */
    default Indices indices(int[] list, int leftRows) {
        return indices(new int[][] {list}, leftRows);
    }

    // ---- DGI's corruption, readout and loss ----------------------------------------------------

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

    /** out = sigmoid(x) elementwise. */
    void sigmoid(DeviceMatrix x, DeviceMatrix out);

    /** Its backward from the output y: dx += dy y (1 - y). */
    void sigmoidBackward(DeviceMatrix y, DeviceMatrix dy, DeviceMatrix dx);

    /**
     * DGI's loss, returned to the host: {@code (sum_i softplus(-pos_i) + sum_i softplus(neg_i)) / (|pos| + |neg|)},
     * binary cross-entropy with logits, positives labelled 1 and negatives 0.
     */
    double bceWithLogits(DeviceMatrix pos, DeviceMatrix neg);

    /** Its gradient times {@code up}: dPos += -up/n sigmoid(-pos), dNeg += up/n sigmoid(neg), n = |pos| + |neg|. */
    void bceWithLogitsBackward(DeviceMatrix pos, DeviceMatrix neg, double up, DeviceMatrix dPos, DeviceMatrix dNeg);

    // ---- reconstruction and optimiser ----------------------------------------------------------

    /** A fused reconstruction loss planned for H of shape n x d (buffers reused across calls). */
    ReconstructionKernel reconstruction(int n, int d);

    /** The sampled reconstruction estimate for H of shape n x d, k non-edges per node, a target of {@code edgePairs} entries. */
    SampledReconstructionKernel sampledReconstruction(int n, int d, int k, int edgePairs);

    /**
     * One Adam step over one parameter, as PyTorch (L2 weight decay added to the gradient):
     * <pre>
     *   g = grad + wd w;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
     *   w -= lr (m / c1) / (sqrt(v / c2) + eps),  c1 = 1 - b1^t, c2 = 1 - b2^t
     * </pre>
     * A null {@code grad} counts as zero.
     */
    void adamStep(DeviceMatrix w, DeviceMatrix grad, DeviceMatrix m, DeviceMatrix v,
                  float b1, float b2, float c1, float c2, float lr, float eps, float wd);

    // ---- bookkeeping ---------------------------------------------------------------------------

    /** The most bytes this backend held at once in buffers it allocated (0 for the CPU: see the heap). */
    long peakBytes();

    /** Waits until all work sent so far has finished (for timing); a no-op on the CPU. */
    default void finish() {}

    /** Releases everything this backend holds; the CPU backend holds nothing. */
    @Override
    void close();

    /** Throws unless {@code m} belongs to this backend, naming the op. */
    default void requireOwn(String op, DeviceMatrix m) {
        if (m != null && m.backend() != this) {
            throw new IllegalArgumentException(op + ": operand (" + m.shape() + ") belongs to backend "
                    + m.backend().name() + ", not " + name());
        }
    }
}
