package org.gmi.engine;

/**
 * GMI-adaptive's neighbour weights W(H) over the pattern of A (Peng et al. 2020, section 3.2), with
 * the CPU kernels that compute them, multiply by them and take their gradient:
 * <pre>
 *   s_ij = h_i . h_j                                   for every j in N_i (the pattern of A)
 *   w_ij = sigmoid(s_ij) / sum_{k in N_i} sigmoid(s_ik)
 * </pre>
 * The weights are computed as a softmax over log sigmoid(s_ij) = -softplus(-s_ij) (the same ratio,
 * and it cannot underflow to 0 / 0 when every s_ij of a row is very negative). At H = 0 every
 * sigmoid is 1/2 and W equals M = D^-1 A exactly. A row without neighbours has no weights.
 *
 * <p>The backward from dY of Y = W Z, into H:
 * <pre>
 *   g_ij  = dY_i . Z_j                                 (d loss / d w_ij)
 *   ds_ij = w_ij (g_ij - sum_k w_ik g_ik) sigmoid(-s_ij)   (softmax backward, then d log sigmoid(s) / ds)
 *   dH_i += sum_j ds_ij h_j,   dH_j += ds_ij h_i       (DS H and DS^T H)
 * </pre>
 * Work and memory O(nnz(A) d), no N x N buffer. An instance is the weights of one forward pass.
 */
public final class NeighbourWeights {
    private static final int MIN_ROWS_PER_CHUNK = 64;

    private final CsrMatrix pattern;
    /** s_ij = h_i . h_j, in the order of the pattern's entries. */
    private final float[] scores;
    /** W: the pattern with the weights w_ij as values. */
    private final CsrMatrix weights;

    private NeighbourWeights(CsrMatrix pattern, float[] scores, CsrMatrix weights) {
        this.pattern = pattern;
        this.scores = scores;
        this.weights = weights;
    }

    /** W(H) over the pattern of {@code pattern} (its values are not read); H is N x e. */
    public static NeighbourWeights compute(CsrMatrix pattern, Matrix h) {
        if (pattern.cols != pattern.rows || h.rows != pattern.rows) {
            throw new IllegalArgumentException("neighbourWeights: pattern (" + pattern.shape() + "), H (" + h.shape()
                    + "): need N x N and N x e");
        }
        float[] s = new float[pattern.nnz()];
        float[] w = new float[pattern.nnz()];
        scores(pattern, h, s);
        softmaxOfLogSigmoid(pattern.rowPtr, s, w);
        return new NeighbourWeights(pattern, s, new CsrMatrix(pattern.rows, pattern.cols, pattern.rowPtr, pattern.colIdx, w));
    }

    /** W as a sparse matrix: the pattern with w_ij as values. */
    public CsrMatrix matrix() {
        return weights;
    }

    /** The pattern the weights live on. */
    public CsrMatrix pattern() {
        return pattern;
    }

    /** s[e] = h_i . h_j for each entry e = (i, j) of the pattern. */
    private static void scores(CsrMatrix p, Matrix h, float[] s) {
        int e = h.cols;
        Parallel.forRange(p.rows, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int k = p.rowPtr[i]; k < p.rowPtr[i + 1]; k++) {
                    s[k] = VectorKernels.dot(h.data, i * e, h.data, p.colIdx[k] * e, e);
                }
            }
        });
    }

    /** w over each row: softmax of log sigmoid(s) = sigmoid(s) / row sum of sigmoid(s), in double. */
    private static void softmaxOfLogSigmoid(int[] rowPtr, float[] s, float[] w) {
        int n = rowPtr.length - 1;
        Parallel.forRange(n, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int from = rowPtr[i];
                int to = rowPtr[i + 1];
                if (from == to) {
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int k = from; k < to; k++) {
                    max = Math.max(max, -ScalarMath.softplus(-s[k]));
                }
                double sum = 0;
                for (int k = from; k < to; k++) {
                    sum += Math.exp(-ScalarMath.softplus(-s[k]) - max);
                }
                for (int k = from; k < to; k++) {
                    w[k] = (float) (Math.exp(-ScalarMath.softplus(-s[k]) - max) / sum);
                }
            }
        });
    }

    /** dH += d(loss)/dH through the weights, given dY of Y = W Z. */
    public void backwardIntoH(Matrix h, Matrix z, Matrix dy, Matrix dh) {
        int n = pattern.rows;
        int d = z.cols;
        float[] w = weights.values;
        float[] ds = new float[pattern.nnz()];
        Parallel.forRange(n, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int from = pattern.rowPtr[i];
                int to = pattern.rowPtr[i + 1];
                double weighted = 0;
                for (int k = from; k < to; k++) {
                    // g_ij = dY_i . Z_j, kept in ds until the row's weighted mean is known
                    ds[k] = VectorKernels.dot(dy.data, i * d, z.data, pattern.colIdx[k] * d, d);
                    weighted += (double) w[k] * ds[k];
                }
                for (int k = from; k < to; k++) {
                    ds[k] = (float) (w[k] * (ds[k] - weighted) * ScalarMath.sigmoid(-scores[k]));
                }
            }
        });
        CsrMatrix dScores = new CsrMatrix(n, n, pattern.rowPtr, pattern.colIdx, ds);
        // s_ij = h_i . h_j: dH_i += sum_j ds_ij h_j (DS H) and dH_j += ds_ij h_i (DS^T H)
        Spmm.spmm(dScores, h, dh, true);
        Spmm.spmmTransA(dScores, h, dh, true);
    }
}
