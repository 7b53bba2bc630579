package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.engine.Spmm;
import org.gmi.engine.VectorKernels;

/**
 * GMI-adaptive's neighbour aggregation (Peng et al. 2020, section 3.2): the average of the
 * neighbours' rows of Z weighted by how alike the nodes' embeddings are, instead of GMI-mean's
 * 1 / |N_i|:
 * <pre>
 *   s_ij = h_i . h_j                                   for every j in N_i (the pattern of A)
 *   w_ij = sigmoid(s_ij) / sum_{k in N_i} sigmoid(s_ik)
 *   Y_i  = sum_{j in N_i} w_ij Z_j                     (a row without neighbours stays zero, as in M)
 * </pre>
 * The weights are computed as a softmax over log sigmoid(s_ij) = -softplus(-s_ij) (the same ratio,
 * and it cannot underflow to 0 / 0 when every s_ij of a row is very negative). At H = 0 every
 * sigmoid is 1/2 and W equals M = D^-1 A exactly: the adaptive variant starts where GMI-mean is.
 *
 * <p>Gradients flow into both inputs ("adaptive": the weights are learnt through H):
 * <pre>
 *   dZ  += W^T dY
 *   g_ij = dY_i . Z_j                                  (d loss / d w_ij)
 *   ds_ij = w_ij (g_ij - sum_k w_ik g_ik) sigmoid(-s_ij)   (softmax backward, then d log sigmoid(s) / ds)
 *   dH_i += sum_j ds_ij h_j,   dH_j += ds_ij h_i       (DS H and DS^T H)
 * </pre>
 * Work and memory O(nnz(A) d): three products over the pattern of A, no N x N buffer.
 * Shapes: pattern (N x N, values ignored), H (N x e), Z (N x d) -> Y (N x d).
 */
public final class AdaptiveNeighbourMean implements Op {
    private static final int MIN_ROWS_PER_CHUNK = 64;

    private final CsrMatrix pattern;
    private final Tensor h;
    private final Tensor z;
    private final Tensor y;
    /** W: the pattern with the weights w_ij as values. */
    private final CsrMatrix weights;
    /** s_ij = h_i . h_j, in the order of the pattern's entries. */
    private final float[] scores;

    private AdaptiveNeighbourMean(CsrMatrix pattern, Tensor h, Tensor z, Tensor y, CsrMatrix weights, float[] scores) {
        this.pattern = pattern;
        this.h = h;
        this.z = z;
        this.y = y;
        this.weights = weights;
        this.scores = scores;
    }

    /** Y = W(H) Z over the pattern of {@code pattern} (its values are not read). */
    public static Tensor apply(Tape tape, String name, CsrMatrix pattern, Tensor h, Tensor z) {
        int n = pattern.rows;
        if (pattern.cols != n || h.rows() != n || z.rows() != n) {
            throw new IllegalArgumentException("adaptiveNeighbourMean: pattern (" + pattern.shape() + "), H ("
                    + h.value().shape() + "), Z (" + z.value().shape() + "): need N x N, N x e, N x d");
        }
        float[] s = new float[pattern.nnz()];
        float[] w = new float[pattern.nnz()];
        scores(pattern, h.value(), s);
        softmaxOfLogSigmoid(pattern.rowPtr, s, w);
        CsrMatrix weights = new CsrMatrix(n, n, pattern.rowPtr, pattern.colIdx, w);
        Matrix out = tape.allocate(n, z.cols(), false);
        Spmm.spmm(weights, z.value(), out, false);
        boolean grad = h.requiresGrad() || z.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new AdaptiveNeighbourMean(pattern, h, z, y, weights, s));
        }
        return y;
    }

    /** The weights W(H) alone (for tests and inspection): the pattern with w_ij as values. */
    public static CsrMatrix weights(CsrMatrix pattern, Matrix h) {
        float[] s = new float[pattern.nnz()];
        float[] w = new float[pattern.nnz()];
        scores(pattern, h, s);
        softmaxOfLogSigmoid(pattern.rowPtr, s, w);
        return new CsrMatrix(pattern.rows, pattern.cols, pattern.rowPtr, pattern.colIdx, w);
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
                    max = Math.max(max, -Scalars.softplus(-s[k]));
                }
                double sum = 0;
                for (int k = from; k < to; k++) {
                    sum += Math.exp(-Scalars.softplus(-s[k]) - max);
                }
                for (int k = from; k < to; k++) {
                    w[k] = (float) (Math.exp(-Scalars.softplus(-s[k]) - max) / sum);
                }
            }
        });
    }

    @Override
    public String name() {
        return "AdaptiveNeighbourMean(" + pattern.shape() + ", nnz=" + pattern.nnz() + ", H " + h.value().shape()
                + ", Z " + z.value().shape() + ")";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        Matrix dy = y.grad();
        if (z.requiresGrad()) {
            // a fresh CSR each step: its cached transpose belongs to these weights only
            Spmm.spmmTransA(weights, dy, z.grad(), true);
        }
        if (!h.requiresGrad()) {
            return;
        }
        int n = pattern.rows;
        int d = z.cols();
        float[] w = weights.values;
        float[] ds = new float[pattern.nnz()];
        Matrix zv = z.value();
        Parallel.forRange(n, MIN_ROWS_PER_CHUNK, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int from = pattern.rowPtr[i];
                int to = pattern.rowPtr[i + 1];
                double weighted = 0;
                for (int k = from; k < to; k++) {
                    // g_ij = dY_i . Z_j, kept in ds until the row's weighted mean is known
                    ds[k] = VectorKernels.dot(dy.data, i * d, zv.data, pattern.colIdx[k] * d, d);
                    weighted += (double) w[k] * ds[k];
                }
                for (int k = from; k < to; k++) {
                    ds[k] = (float) (w[k] * (ds[k] - weighted) * Scalars.sigmoid(-scores[k]));
                }
            }
        });
        CsrMatrix dScores = new CsrMatrix(n, n, pattern.rowPtr, pattern.colIdx, ds);
        // s_ij = h_i . h_j: dH_i += sum_j ds_ij h_j (DS H) and dH_j += ds_ij h_i (DS^T H)
        Spmm.spmm(dScores, h.value(), h.grad(), true);
        Spmm.spmmTransA(dScores, h.value(), h.grad(), true);
    }
}
