package org.gmi.engine;

import java.util.Arrays;
import org.gmi.engine.backend.CpuBackend;
import org.gmi.engine.backend.DeviceMatrix;
import org.gmi.engine.backend.SampledReconstructionKernel;

/**
 * An unbiased estimate of the reconstruction loss of {@link Reconstruction} in O((|T| + kN) d):
 * <pre>
 *   rec = w2 / N^2 * ( sum_{(i,j) in T} l1(s_ij) + sum_{(i,j) not in T} l0(s_ij) )
 *   l1(s) = -w1 log(sigmoid(s) + eps),  l0(s) = -log(1 - sigmoid(s) + eps),  s_ij = h_i . h_j
 * </pre>
 * Every pair of T is summed exactly; for each node i the sum over its n_i = N - |T_i| non-edges is
 * estimated from k columns drawn uniformly among them, each weighted n_i / k. The caller draws the
 * columns (the engine holds no random state): {@code sampled[i*k + t]} is the t-th non-edge of row i,
 * or -1 where row i has none.
 *
 * <p>The gradient of each pair reaches both endpoints (s_ij = h_i . h_j). Each row's gradient is
 * gathered by one thread: from its own pairs (its row of T, its draws), then from the pairs that
 * point at it (T read by columns, the draws inverted; {@link MirroredPairs}), in that fixed order, so
 * the result does not depend on the thread count. When T's pattern is symmetric (the usual A + I),
 * s_ij = s_ji: each unordered pair of T is scored once and its two entries share one coefficient, so
 * the edges cost one dot and one axpy per entry instead of two each. The OpenCL kernel takes the
 * general order for every T (same mathematics, other roundings).
 */
public final class SampledReconstruction implements SampledReconstructionKernel {
    private final int n;
    private final int d;
    private final int k;
    private final float[] edgeCoef;
    private final float[] sampleCoef;
    /** The draws inverted, refilled at each call with a gradient. */
    private final int[] invPtr;
    private final int[] inv;
    private final int[] next;
    /** T read by columns, built at the first call for a target and kept while the same target comes. */
    private CsrMatrix transposedFor;
    private MirroredPairs.Transposed transposed;
    private int[] mirror;

    public SampledReconstruction(int n, int d, int k, int edgePairs) {
        if (k < 1) {
            throw new IllegalArgumentException("sampled reconstruction needs k >= 1 non-edges per node, got " + k);
        }
        this.n = n;
        this.d = d;
        this.k = k;
        this.edgeCoef = new float[edgePairs];
        this.sampleCoef = new float[n * k];
        this.invPtr = new int[n + 1];
        this.inv = new int[n * k];
        this.next = new int[n];
    }

    @Override
    public int samplesPerNode() {
        return k;
    }

    /** The {@link SampledReconstructionKernel} entry: host matrices of the {@link CpuBackend} only. */
    @Override
    public double lossAndGradient(DeviceMatrix h, CsrMatrix target, int[] sampled, float w1, float w2, float eps, float scale,
                                  DeviceMatrix dH) {
        return lossAndGradient(CpuBackend.host(h), target, sampled, w1, w2, eps, scale, dH == null ? null : CpuBackend.host(dH));
    }

    /**
     * T read by columns, for a new target; and when T's pattern is symmetric (A + I of an undirected
     * graph, the usual case), {@code mirror[e]}: the index of the entry (j, i) for the entry e = (i, j).
     */
    private void planMirror(CsrMatrix target) {
        if (transposedFor == target) {
            return;
        }
        transposed = MirroredPairs.transposeWithPositions(target);
        boolean symmetric = Arrays.equals(transposed.ptr(), 0, n + 1, target.rowPtr, 0, n + 1)
                && Arrays.equals(transposed.row(), 0, target.nnz(), target.colIdx, 0, target.nnz());
        mirror = symmetric ? transposed.edge() : null;
        transposedFor = target;
    }

    /** Returns the estimated loss; when {@code dH} is not null adds {@code scale *} its gradient to it. */
    public double lossAndGradient(Matrix h, CsrMatrix target, int[] sampled, float w1, float w2, float eps,
                                  float scale, Matrix dH) {
        if (h.rows != n || h.cols != d || target.rows != n || target.cols != n) {
            throw new IllegalArgumentException("sampledReconstruction: H (" + h.shape() + "), target (" + target.shape()
                    + ") for a kernel planned for " + n + "x" + d);
        }
        if (sampled.length != n * k || target.nnz() != edgeCoef.length) {
            throw new IllegalArgumentException("sampledReconstruction: " + sampled.length + " samples for " + n + " x " + k
                    + ", target nnz " + target.nnz() + " for " + edgeCoef.length + " planned");
        }
        double norm = (double) w2 / ((double) n * n);
        float gScale = (float) (scale * norm);
        float[] hd = h.data;
        int chunks = Parallel.chunks(n, 64);
        double[] partial = new double[chunks];
        planMirror(target);
        boolean symmetric = mirror != null;
        // pass 1: per pair, the loss and dL/ds (row-parallel, written into the coefficient arrays); on a
        // symmetric T each unordered pair once, by the row of its smaller index, into both its entries
        Parallel.forChunks(n, 64, (c, lo, hi) -> {
            double sum = 0;
            for (int i = lo; i < hi; i++) {
                for (int e = target.rowPtr[i]; e < target.rowPtr[i + 1]; e++) {
                    int j = target.colIdx[e];
                    if (symmetric && j < i) {
                        continue;
                    }
                    float s = VectorKernels.dot(hd, i * d, hd, j * d, d);
                    float r = 1f / (1f + (float) Math.exp(-s));
                    float q = r + eps;
                    float coef = gScale * (-w1 * r * (1f - r) / q);
                    double l = -w1 * Math.log(q);
                    edgeCoef[e] = coef;
                    if (symmetric && j != i) {
                        edgeCoef[mirror[e]] = coef;
                        l *= 2;
                    }
                    sum += l;
                }
                int nonEdges = n - (target.rowPtr[i + 1] - target.rowPtr[i]);
                float weight = (float) nonEdges / k;
                for (int t = 0; t < k; t++) {
                    int j = sampled[i * k + t];
                    if (j < 0) {
                        sampleCoef[i * k + t] = 0f;
                        continue;
                    }
                    float s = VectorKernels.dot(hd, i * d, hd, j * d, d);
                    float r = 1f / (1f + (float) Math.exp(-s));
                    float q = 1f - r + eps;
                    sum += -weight * Math.log(q);
                    sampleCoef[i * k + t] = gScale * weight * (r * (1f - r) / q);
                }
            }
            partial[c] = sum;
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        if (dH != null) {
            Matrix.requireSameShape("sampledReconstruction gradient", h, dH);
            float[] g = dH.data;
            MirroredPairs.invertDraws(sampled, n, invPtr, inv, next);
            int[] tPtr = transposed.ptr();
            int[] tRow = transposed.row();
            int[] tEdge = transposed.edge();
            // pass 2: dh_i += sum_j coef_ij h_j over i's pairs, then coef_ji h_j over the pairs pointing at i;
            // on a symmetric T the pairs pointing at i are i's own, so each entry carries both coefficients
            Parallel.forRange(n, 64, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    int gOff = i * d;
                    for (int e = target.rowPtr[i]; e < target.rowPtr[i + 1]; e++) {
                        float coef = symmetric ? edgeCoef[e] + edgeCoef[mirror[e]] : edgeCoef[e];
                        VectorKernels.axpy(coef, hd, target.colIdx[e] * d, g, gOff, d);
                    }
                    for (int t = 0; t < k; t++) {
                        int j = sampled[i * k + t];
                        if (j >= 0) {
                            VectorKernels.axpy(sampleCoef[i * k + t], hd, j * d, g, gOff, d);
                        }
                    }
                    if (!symmetric) {
                        for (int p = tPtr[i]; p < tPtr[i + 1]; p++) {
                            VectorKernels.axpy(edgeCoef[tEdge[p]], hd, tRow[p] * d, g, gOff, d);
                        }
                    }
                    for (int p = invPtr[i]; p < invPtr[i + 1]; p++) {
                        int o = inv[p];
                        VectorKernels.axpy(sampleCoef[o], hd, (o / k) * d, g, gOff, d);
                    }
                }
            });
        }
        return norm * total;
    }
}
