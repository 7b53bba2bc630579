package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GMI reconstruction loss and its gradient without any N x N buffer (DESIGN section 3).
 *
 * <pre>
 *   S = H H^T,  R = sigmoid(S),  T = target pattern (symmetric, diagonal included, values ignored)
 *   loss = w2 / N^2 * sum_{i,j} [ T_ij * (-w1 * log(R_ij + eps)) + (1 - T_ij) * (-log(1 - R_ij + eps)) ]
 * </pre>
 *
 * Computed as a dense "non-edge" term over every pair plus a sparse correction over the pairs in T:
 * {@code sum_ij l0(s_ij) + sum_{(i,j) in T} (l1(s_ij) - l0(s_ij))}, so the dense tiles need no look-up
 * into T. Dense tiles of B x B pairs are visited for J >= I only (S is symmetric); for every
 * unordered pair the gradient dL/dh_i = 2 sum_j l'(s_ij) h_j is accumulated in per-chunk buffers
 * summed in chunk order, so the result depends only on the thread count.
 *
 * <p>One instance holds the buffers for one (N, d) and is reused across epochs.
 */
public final class Reconstruction implements ReconstructionKernel {
    /**
     * Rows per tile: two tiles of H (B x d floats each) stay in L2 for d up to 1024, and the kernels'
     * k loops run B long (the loops' set-up and the accumulators' loads and stores are paid per B
     * steps, so longer runs pay them less often; docs/benchmarks.md has the tile sizes compared).
     */
    static final int B = 128;
    /**
     * A tile buffer: B x B scores, then a row of B floats of scratch (the arguments of exp and log)
     * and LANES floats where a row's lane sums are reduced (see {@link Simd#sumLanes(float[], int)}).
     */
    static final int TILE_FLOATS = B * B;
    static final int TILE_BUFFER = TILE_FLOATS + B + Simd.LANES;
    private static final VectorSpecies<Float> SP = Simd.SPECIES;
    private static final int L = SP.length();
    private static final FloatVector ONE = FloatVector.broadcast(SP, 1f);

    private final int n;
    private final int d;
    private final int tilesPerSide;
    private final int[] tileI;
    private final int[] tileJ;
    private float[][] chunkGrad = new float[0][];
    private float[][] chunkTile = new float[0][];
    /** H^T (d x n), refreshed each call: the blocked S kernel reads 64 consecutive j per load. */
    private float[] ht;

    public Reconstruction(int n, int d) {
        this.n = n;
        this.d = d;
        this.tilesPerSide = (n + B - 1) / B;
        long count = (long) tilesPerSide * (tilesPerSide + 1) / 2;
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("reconstruction: too many tiles for N = " + n);
        }
        tileI = new int[(int) count];
        tileJ = new int[(int) count];
        int t = 0;
        for (int i = 0; i < tilesPerSide; i++) {
            for (int j = i; j < tilesPerSide; j++) {
                tileI[t] = i;
                tileJ[t] = j;
                t++;
            }
        }
    }

    /** The {@link ReconstructionKernel} entry: host matrices of the {@link CpuBackend} only. */
    @Override
    public double lossAndGradient(DeviceMatrix h, CsrMatrix target, float w1, float w2, float eps, float scale, DeviceMatrix dH) {
        return lossAndGradient(CpuBackend.host(h), target, w1, w2, eps, scale, dH == null ? null : CpuBackend.host(dH));
    }

    /**
     * Returns the loss; when {@code dH} is not null adds {@code scale * dloss/dH} to it.
     *
     * @param target the pattern of T = A + I (symmetric, sorted CSR, diagonal present)
     */
    public double lossAndGradient(Matrix h, CsrMatrix target, float w1, float w2, float eps, float scale, Matrix dH) {
        if (h.rows != n || h.cols != d) {
            throw new IllegalArgumentException("reconstruction: H is (" + h.shape() + "), kernel planned for " + n + "x" + d);
        }
        if (target.rows != n || target.cols != n) {
            throw new IllegalArgumentException("reconstruction: target (" + target.shape() + ") for H (" + h.shape() + ")");
        }
        if (dH != null) {
            Matrix.requireSameShape("reconstruction gradient", h, dH);
        }
        boolean simd = Simd.enabled();
        boolean grad = dH != null;
        double norm = (double) w2 / ((double) n * n);
        // dL/ds for one ordered pair is norm * l'(s); the factor 2 is the symmetric pair's share.
        float gScale = (float) (2.0 * scale * norm);
        int chunks = Parallel.chunks(tileI.length, 1);
        ensureBuffers(chunks, grad);
        double[] chunkLoss = new double[chunks];
        if (simd) {
            transposeInto(h.data);
        }
        Parallel.forChunks(tileI.length, 1, (c, lo, hi) -> {
            float[] tile = chunkTile[c];
            float[] g = grad ? chunkGrad[c] : null;
            if (g != null) {
                java.util.Arrays.fill(g, 0f);
            }
            double sum = 0;
            for (int t = lo; t < hi; t++) {
                sum += denseTile(h.data, tileI[t] * B, tileJ[t] * B, tile, g, gScale, eps, simd);
            }
            chunkLoss[c] = sum;
        });
        double dense = 0;
        for (int c = 0; c < chunks; c++) {
            dense += chunkLoss[c];
        }
        if (grad) {
            // Each element sums the chunks' buffers in chunk order whichever thread does it, so
            // splitting the elements across the pool keeps the bits.
            float[] out = dH.data;
            Parallel.forRange(out.length, 1 << 14, (lo, hi) -> {
                for (int c = 0; c < chunks; c++) {
                    if (simd) {
                        VectorKernels.axpySimd(1f, chunkGrad[c], lo, out, lo, hi - lo);
                    } else {
                        VectorKernels.axpyScalar(1f, chunkGrad[c], lo, out, lo, hi - lo);
                    }
                }
            });
        }
        double correction = edgeCorrection(h, target, w1, eps, gScale, dH, simd);
        return norm * (dense + correction);
    }

    private void transposeInto(float[] h) {
        if (ht == null) {
            ht = new float[n * d];
        }
        Transpose.blocked(h, n, d, ht);
    }

    private void ensureBuffers(int chunks, boolean grad) {
        if (chunkTile.length < chunks) {
            float[][] t = new float[chunks][];
            float[][] g = new float[chunks][];
            for (int c = 0; c < chunks; c++) {
                t[c] = c < chunkTile.length ? chunkTile[c] : new float[TILE_BUFFER];
                g[c] = c < chunkGrad.length ? chunkGrad[c] : null;
            }
            chunkTile = t;
            chunkGrad = g;
        }
        if (grad) {
            for (int c = 0; c < chunks; c++) {
                if (chunkGrad[c] == null) {
                    chunkGrad[c] = new float[n * d];
                }
            }
        }
    }

    /**
     * One tile of rows [i0, i0+B) x [j0, j0+B): returns sum of l0 over its ordered pairs (counting
     * an off-diagonal tile twice, for its mirror) and adds gScale * l0'(s) * h to dh.
     */
    private double denseTile(float[] h, int i0, int j0, float[] tile, float[] dh, float gScale, float eps, boolean simd) {
        int ni = Math.min(B, n - i0);
        int nj = Math.min(B, n - j0);
        // S = H_I H_J^T as the rank update S += H_I (H^T)_J from zero, over whole 4-vector blocks of
        // columns: one fma chain per entry over d in order, as the dedicated kernel it replaced
        // (same bits); the columns left over are row dots.
        int blocked = simd ? nj - nj % PanelKernels.BLOCK_COLUMNS : 0;
        if (blocked > 0) {
            for (int a = 0; a < ni; a++) {
                java.util.Arrays.fill(tile, a * B, a * B + blocked, 0f);
            }
            PanelKernels.updateSimd(h, i0 * d, d, 1, ht, j0, n, d, tile, 0, B, ni, blocked);
        }
        if (blocked < nj) {
            if (simd) {
                tileDotsSimd(h, d, i0, ni, j0, blocked, nj, tile);
            } else {
                tileDotsScalar(h, d, i0, ni, j0, nj, tile);
            }
        }
        double sum = simd ? nonEdgeLossSimd(tile, ni * B, nj, eps) : nonEdgeLossScalar(tile, ni * B, nj, eps);
        boolean diagonal = i0 == j0;
        if (dh != null) {
            // tile now holds l0'(s); dh_I += gScale * G H_J, and for an off-diagonal tile dh_J += gScale * G^T H_I.
            if (simd) {
                // G scaled once here (gScale * g, the product the scalar loop forms per element: same
                // bits), so that the blocked kernel broadcasts G straight from memory.
                scaleRowsSimd(tile, ni * B, gScale);
                PanelKernels.updateSimd(tile, 0, B, 1, h, j0 * d, d, nj, dh, i0 * d, d, ni, d);
                if (!diagonal) {
                    PanelKernels.updateSimd(tile, 0, 1, B, h, i0 * d, d, ni, dh, j0 * d, d, nj, d);
                }
            } else {
                gradTileScalar(tile, gScale, h, d, i0, ni, j0, nj, dh, diagonal);
            }
        }
        return diagonal ? sum : 2 * sum;
    }

    /** tile[0, len) *= scale; len is a multiple of B (whole rows; columns past nj are never read). */
    private static void scaleRowsSimd(float[] tile, int len, float scale) {
        for (int o = 0; o < len; o += L) {
            FloatVector.fromArray(SP, tile, o).mul(scale).intoArray(tile, o);
        }
    }

    /** dh_I += gScale * G H_J and, off the diagonal, dh_J += gScale * G^T H_I; G is the tile (stride B). */
    static void gradTileScalar(float[] tile, float gScale, float[] h, int d, int i0, int ni, int j0, int nj,
                               float[] dh, boolean diagonal) {
        for (int a = 0; a < ni; a++) {
            int rowI = (i0 + a) * d;
            for (int b = 0; b < nj; b++) {
                float gv = gScale * tile[a * B + b];
                int rowJ = (j0 + b) * d;
                VectorKernels.axpyScalar(gv, h, rowJ, dh, rowI, d);
                if (!diagonal) {
                    VectorKernels.axpyScalar(gv, h, rowI, dh, rowJ, d);
                }
            }
        }
    }

    /** tile[a*B + b] = h[i0+a] . h[j0+b]. */
    static void tileDotsScalar(float[] h, int d, int i0, int ni, int j0, int nj, float[] tile) {
        for (int a = 0; a < ni; a++) {
            for (int b = 0; b < nj; b++) {
                tile[a * B + b] = VectorKernels.dotScalar(h, (i0 + a) * d, h, (j0 + b) * d, d);
            }
        }
    }

    /** As {@link #tileDotsScalar} for the columns b in [from, nj) only. */
    static void tileDotsSimd(float[] h, int d, int i0, int ni, int j0, int from, int nj, float[] tile) {
        int dv = SP.loopBound(d);
        for (int a = 0; a < ni; a++) {
            int ra = (i0 + a) * d;
            int b = from;
            for (; b + 4 <= nj; b += 4) {
                int r0 = (j0 + b) * d, r1 = r0 + d, r2 = r1 + d, r3 = r2 + d;
                FloatVector s0 = FloatVector.zero(SP), s1 = FloatVector.zero(SP);
                FloatVector s2 = FloatVector.zero(SP), s3 = FloatVector.zero(SP);
                for (int p = 0; p < dv; p += L) {
                    FloatVector av = FloatVector.fromArray(SP, h, ra + p);
                    s0 = av.fma(FloatVector.fromArray(SP, h, r0 + p), s0);
                    s1 = av.fma(FloatVector.fromArray(SP, h, r1 + p), s1);
                    s2 = av.fma(FloatVector.fromArray(SP, h, r2 + p), s2);
                    s3 = av.fma(FloatVector.fromArray(SP, h, r3 + p), s3);
                }
                float x0 = Simd.sumLanes(s0), x1 = Simd.sumLanes(s1);
                float x2 = Simd.sumLanes(s2), x3 = Simd.sumLanes(s3);
                for (int p = dv; p < d; p++) {
                    float av = h[ra + p];
                    x0 += av * h[r0 + p];
                    x1 += av * h[r1 + p];
                    x2 += av * h[r2 + p];
                    x3 += av * h[r3 + p];
                }
                int o = a * B + b;
                tile[o] = x0;
                tile[o + 1] = x1;
                tile[o + 2] = x2;
                tile[o + 3] = x3;
            }
            for (; b < nj; b++) {
                tile[a * B + b] = VectorKernels.dotSimd(h, ra, h, (j0 + b) * d, d);
            }
        }
    }

    /**
     * Over rows of the tile (stride B, nj used columns): replaces s by l0'(s) = R(1-R)/(1-R+eps) and
     * returns sum l0(s) = sum -log(1 - R + eps), with R = sigmoid(s) in float as the official code has it.
     */
    static double nonEdgeLossScalar(float[] tile, int rowsTimesB, int nj, float eps) {
        double sum = 0;
        for (int o = 0; o < rowsTimesB; o += B) {
            float rowSum = 0f;
            for (int b = 0; b < nj; b++) {
                float s = tile[o + b];
                float r = 1f / (1f + (float) Math.exp(-s));
                float q = 1f - r + eps;
                rowSum -= (float) Math.log(q);
                tile[o + b] = r * (1f - r) / q;
            }
            sum += rowSum;
        }
        return sum;
    }

    /**
     * As {@link #nonEdgeLossScalar}, same bits; {@code tile} is a {@link #TILE_BUFFER}-long buffer.
     *
     * <p>Per row: sigmoid, then the loss terms and dL/ds, each a short loop; exp and log run over a
     * row of scratch in SimdMath's array functions, so no vector crosses a call (a vector handed to a
     * call C2 leaves out of line is boxed on the heap: 43 MB per Cora epoch).
     */
    static double nonEdgeLossSimd(float[] tile, int rowsTimesB, int nj, float eps) {
        int nv = SP.loopBound(nj);
        int row = TILE_FLOATS;
        int lanes = TILE_FLOATS + B;
        // 1 - R + eps >= eps: with the official offset the argument of log is always positive and normal.
        boolean positiveArgument = eps >= Float.MIN_NORMAL;
        double sum = 0;
        for (int o = 0; o < rowsTimesB; o += B) {
            sigmoidInPlaceSimd(tile, o, nv, row);
            float rowSum = nonEdgeTermsSimd(tile, o, nv, eps, positiveArgument, row, lanes);
            for (int b = nv; b < nj; b++) {
                float s = tile[o + b];
                float r = 1f / (1f + (float) Math.exp(-s));
                float q = 1f - r + eps;
                rowSum -= (float) Math.log(q);
                tile[o + b] = r * (1f - r) / q;
            }
            sum += rowSum;
        }
        return sum;
    }

    /** tile[o, o+nv) = sigmoid(tile[o, o+nv)), through the row of scratch at {@code row}. */
    private static void sigmoidInPlaceSimd(float[] tile, int o, int nv, int row) {
        for (int b = 0; b < nv; b += L) {
            FloatVector.fromArray(SP, tile, o + b).neg().intoArray(tile, row + b);
        }
        SimdMath.exp(tile, row, tile, row, nv);
        for (int b = 0; b < nv; b += L) {
            ONE.div(FloatVector.fromArray(SP, tile, row + b).add(1f)).intoArray(tile, o + b);
        }
    }

    /**
     * Over R in tile[o, o+nv): returns sum -log(1 - R + eps) and leaves R(1-R)/(1-R+eps); the
     * arguments of log go through the row of scratch at {@code row}, the lane sums through
     * {@code lanes}. {@code positiveArgument}: eps is positive and normal, so log needs no special cases.
     */
    private static float nonEdgeTermsSimd(float[] tile, int o, int nv, float eps, boolean positiveArgument,
                                          int row, int lanes) {
        for (int b = 0; b < nv; b += L) {
            FloatVector r = FloatVector.fromArray(SP, tile, o + b);
            FloatVector oneMinusR = r.neg().add(1f);
            FloatVector q = oneMinusR.add(eps);
            q.intoArray(tile, row + b);
            r.mul(oneMinusR).div(q).intoArray(tile, o + b);
        }
        if (positiveArgument) {
            SimdMath.logPositive(tile, row, tile, row, nv);
        } else {
            SimdMath.log(tile, row, tile, row, nv);
        }
        FloatVector acc = FloatVector.zero(SP);
        for (int b = 0; b < nv; b += L) {
            acc = acc.sub(FloatVector.fromArray(SP, tile, row + b));
        }
        acc.intoArray(tile, lanes);
        return Simd.sumLanes(tile, lanes);
    }

    /**
     * Over every ordered pair (i, j) of T: adds l1(s) - l0(s) to the loss and
     * gScale * (l1'(s) - l0'(s)) * h_j to dh_i (the mirror pair (j, i) is visited too).
     */
    private double edgeCorrection(Matrix h, CsrMatrix t, float w1, float eps, float gScale, Matrix dH, boolean simd) {
        int chunks = Parallel.chunks(n, 64);
        double[] partial = new double[chunks];
        float[] hd = h.data;
        Parallel.forChunks(n, 64, (c, lo, hi) -> {
            double sum = 0;
            for (int i = lo; i < hi; i++) {
                for (int e = t.rowPtr[i]; e < t.rowPtr[i + 1]; e++) {
                    int j = t.colIdx[e];
                    float s = simd ? VectorKernels.dotSimd(hd, i * d, hd, j * d, d) : VectorKernels.dotScalar(hd, i * d, hd, j * d, d);
                    float r = 1f / (1f + (float) Math.exp(-s));
                    float rr = r * (1f - r);
                    float qPos = r + eps;
                    float qNeg = 1f - r + eps;
                    sum += -w1 * Math.log(qPos) + Math.log(qNeg);
                    if (dH != null) {
                        float gEdge = -w1 * rr / qPos;
                        float gNon = rr / qNeg;
                        float gv = gScale * (gEdge - gNon);
                        if (simd) {
                            VectorKernels.axpySimd(gv, hd, j * d, dH.data, i * d, d);
                        } else {
                            VectorKernels.axpyScalar(gv, hd, j * d, dH.data, i * d, d);
                        }
                    }
                }
            }
            partial[c] = sum;
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return total;
    }
}
