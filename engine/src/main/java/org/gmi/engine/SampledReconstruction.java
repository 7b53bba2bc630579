package org.gmi.engine;

import java.util.Arrays;

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
 * gathered by one thread, in one pass: from its own pairs (its row of T, its draws), then from the
 * pairs that point at it (T read by columns, the draws inverted; {@link MirroredPairs}), in that fixed
 * order, so the result does not depend on the thread count. Each pair is scored where its gradient
 * term is added, from both its ends (the dot of a pair is the same float from either end): one
 * random read of the other row per term, instead of a scoring pass and a gradient pass reading it
 * twice. When T's pattern is symmetric (the usual A + I), the entries (i, j) and (j, i) share one
 * coefficient and row i takes both from its own row of T. The OpenCL kernel takes the general order
 * for every T (same mathematics, other roundings).
 */
public final class SampledReconstruction implements SampledReconstructionKernel {
    private final int n;
    private final int d;
    private final int k;
    /** The pairs of T the kernel was planned for (checked at each call). */
    private final int edgePairs;
    /** The draws inverted, refilled at each call with a gradient. */
    private final int[] invPtr;
    private final int[] inv;
    private final int[] next;
    /** T read by columns, built at the first call for a target and kept while the same target comes. */
    private CsrMatrix transposedFor;
    private MirroredPairs.Transposed transposed;
    private boolean symmetricTarget;

    public SampledReconstruction(int n, int d, int k, int edgePairs) {
        if (k < 1) {
            throw new IllegalArgumentException("sampled reconstruction needs k >= 1 non-edges per node, got " + k);
        }
        this.n = n;
        this.d = d;
        this.k = k;
        this.edgePairs = edgePairs;
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

    /** T read by columns, for a new target, and whether T's pattern is symmetric (A + I of an undirected graph, the usual case). */
    private void planTranspose(CsrMatrix target) {
        if (transposedFor == target) {
            return;
        }
        transposed = MirroredPairs.transposeWithPositions(target);
        symmetricTarget = Arrays.equals(transposed.ptr(), 0, n + 1, target.rowPtr, 0, n + 1)
                && Arrays.equals(transposed.row(), 0, target.nnz(), target.colIdx, 0, target.nnz());
        transposedFor = target;
    }

    /** n_i / k: the weight of each of row i's k draws, which stand for its n_i = N - |T_i| non-edges. */
    private float nonEdgeWeight(CsrMatrix target, int i) {
        int nonEdges = n - (target.rowPtr[i + 1] - target.rowPtr[i]);
        return (float) nonEdges / k;
    }

    /** Returns the estimated loss; when {@code dH} is not null adds {@code scale *} its gradient to it. */
    public double lossAndGradient(Matrix h, CsrMatrix target, int[] sampled, float w1, float w2, float eps,
                                  float scale, Matrix dH) {
        if (h.rows != n || h.cols != d || target.rows != n || target.cols != n) {
            throw new IllegalArgumentException("sampledReconstruction: H (" + h.shape() + "), target (" + target.shape()
                    + ") for a kernel planned for " + n + "x" + d);
        }
        if (sampled.length != n * k || target.nnz() != edgePairs) {
            throw new IllegalArgumentException("sampledReconstruction: " + sampled.length + " samples for " + n + " x " + k
                    + ", target nnz " + target.nnz() + " for " + edgePairs + " planned");
        }
        double norm = (double) w2 / ((double) n * n);
        float gScale = (float) (scale * norm);
        float[] hd = h.data;
        float[] g = null;
        if (dH != null) {
            Matrix.requireSameShape("sampledReconstruction gradient", h, dH);
            g = dH.data;
            MirroredPairs.invertDraws(sampled, n, invPtr, inv, next);
        }
        float[] gd = g;
        planTranspose(target);
        boolean symmetric = symmetricTarget;
        int[] tPtr = transposed.ptr();
        int[] tRow = transposed.row();
        int chunks = Parallel.chunks(n, 64);
        double[] partial = new double[chunks];
        // One pass, each row by one thread: every pair that involves h_i is scored and its gradient
        // term added to dh_i while the other row is in cache (a pair is scored from both its ends:
        // a second dot is cheaper than reading the other row again). The loss counts each pair once,
        // from the row that drew it or, on a symmetric T, from its smaller index (twice off the diagonal).
        Parallel.forChunks(n, 64, (c, lo, hi) -> {
            double sum = 0;
            for (int i = lo; i < hi; i++) {
                int iOff = i * d;
                for (int e = target.rowPtr[i]; e < target.rowPtr[i + 1]; e++) {
                    int j = target.colIdx[e];
                    if (gd == null && symmetric && j < i) {
                        continue; // the loss alone: this pair counts from row j
                    }
                    float s = VectorKernels.dot(hd, iOff, hd, j * d, d);
                    float r = 1f / (1f + (float) Math.exp(-s));
                    float q = r + eps;
                    if (!symmetric || j >= i) {
                        double l = -w1 * Math.log(q);
                        sum += symmetric && j != i ? 2 * l : l;
                    }
                    if (gd != null) {
                        float coef = gScale * (-w1 * r * (1f - r) / q);
                        // on a symmetric T the entry (j, i) has this same coefficient and reaches h_i too
                        VectorKernels.axpy(symmetric ? coef + coef : coef, hd, j * d, gd, iOff, d);
                    }
                }
                for (int t = 0; t < k; t++) {
                    int j = sampled[i * k + t];
                    if (j < 0) {
                        continue;
                    }
                    float weight = nonEdgeWeight(target, i);
                    float s = VectorKernels.dot(hd, iOff, hd, j * d, d);
                    float r = 1f / (1f + (float) Math.exp(-s));
                    float q = 1f - r + eps;
                    sum += -weight * Math.log(q);
                    if (gd != null) {
                        VectorKernels.axpy(gScale * weight * (r * (1f - r) / q), hd, j * d, gd, iOff, d);
                    }
                }
                if (gd == null) {
                    continue;
                }
                if (!symmetric) {
                    // the entries (r, i) of T, scored from this end
                    for (int p = tPtr[i]; p < tPtr[i + 1]; p++) {
                        int r0 = tRow[p];
                        float s = VectorKernels.dot(hd, r0 * d, hd, iOff, d);
                        float r = 1f / (1f + (float) Math.exp(-s));
                        float q = r + eps;
                        VectorKernels.axpy(gScale * (-w1 * r * (1f - r) / q), hd, r0 * d, gd, iOff, d);
                    }
                }
                // the draws of other rows that hit i
                for (int p = invPtr[i]; p < invPtr[i + 1]; p++) {
                    int row = inv[p] / k;
                    float weight = nonEdgeWeight(target, row);
                    float s = VectorKernels.dot(hd, row * d, hd, iOff, d);
                    float r = 1f / (1f + (float) Math.exp(-s));
                    float q = 1f - r + eps;
                    VectorKernels.axpy(gScale * weight * (r * (1f - r) / q), hd, row * d, gd, iOff, d);
                }
            }
            partial[c] = sum;
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return norm * total;
    }
}
