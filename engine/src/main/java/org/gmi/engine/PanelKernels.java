package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked rank update behind every dense product of the engine:
 * <pre>
 *   out[outOff + r*ldo + p] += sum_{k < nk} g[gOff + r*rs + k*ks] * h[hOff + k*ldh + p]
 *   for r < nr, p < ncols
 * </pre>
 * With the strides (rs, ks) of g it is C += A B ({@code rs = lda, ks = 1}), C += A^T B
 * ({@code rs = 1, ks = lda}), or the reconstruction's S = H_I H_J^T (from H^T), dH_I += G H_J and
 * dH_J += G^T H_I.
 *
 * <p>The vectorised loop keeps 4 rows x 4 vectors (64 floats with AVX-512) of {@code out} in 16
 * registers while k runs, so each load of h feeds 4 FMAs and each broadcast of g feeds 4; rows and
 * columns past the last full block fall back to one axpy per (row, k). {@link #updateScalar} is the
 * scalar twin and test oracle.
 *
 * <p>There is no scale factor: a caller that needs one scales g first, so the broadcast operand is a
 * plain load rather than a product formed per k step. What counts is the packing: each nk x 64 panel
 * of h is copied into a contiguous per-thread buffer before the row blocks read it, so the blocks
 * read it from L1/L2 instead of strided rows; packing moves data only and changes no bit.
 */
final class PanelKernels {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = S.length();
    private static final int W = 4 * L;
    /** The width of the register block: 4 vectors (64 floats with AVX-512). */
    static final int BLOCK_COLUMNS = W;

    private PanelKernels() {}

    static void update(float[] g, int gOff, int rs, int ks, float[] h, int hOff, int ldh, int nk,
                       float[] out, int outOff, int ldo, int nr, int ncols) {
        if (Simd.enabled()) {
            updateSimd(g, gOff, rs, ks, h, hOff, ldh, nk, out, outOff, ldo, nr, ncols);
        } else {
            updateScalar(g, gOff, rs, ks, h, hOff, ldh, nk, out, outOff, ldo, nr, ncols);
        }
    }

    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[0]);

    /** A per-thread buffer of at least {@code size} floats, kept across calls (no garbage per epoch). */
    private static float[] panelBuffer(int size) {
        float[] b = PANEL.get();
        if (b.length < size) {
            b = new float[size];
            PANEL.set(b);
        }
        return b;
    }

    static void updateScalar(float[] g, int gOff, int rs, int ks, float[] h, int hOff, int ldh, int nk,
                             float[] out, int outOff, int ldo, int nr, int ncols) {
        for (int r = 0; r < nr; r++) {
            int o = outOff + r * ldo;
            for (int k = 0; k < nk; k++) {
                float gv = g[gOff + r * rs + k * ks];
                if (gv == 0f) {
                    continue;
                }
                int hk = hOff + k * ldh;
                for (int p = 0; p < ncols; p++) {
                    out[o + p] += gv * h[hk + p];
                }
            }
        }
    }

    static void updateSimd(float[] g, int gOff, int rs, int ks, float[] h, int hOff, int ldh, int nk,
                           float[] out, int outOff, int ldo, int nr, int ncols) {
        int cBlocked = ncols - ncols % W;
        int rBlocked = nr - nr % 4;
        float[] panel = rBlocked > 0 ? panelBuffer(nk * W) : null;
        // Column panels outermost: the nk x 64 panel of h stays in L1/L2 while every row block uses it.
        for (int p = 0; p < cBlocked; p += W) {
            float[] hp = h;
            int hpOff = hOff + p;
            int hpLd = ldh;
            if (panel != null) {
                // Packed contiguously: read in place, the panel's rows lie ldh floats apart (2 KB at
                // d = 512, so they share few L1 sets); packed, they are 256 consecutive bytes.
                for (int k = 0; k < nk; k++) {
                    System.arraycopy(h, hOff + k * ldh + p, panel, k * W, W);
                }
                hp = panel;
                hpOff = 0;
                hpLd = W;
            }
            for (int r = 0; r < rBlocked; r += 4) {
                int o0 = outOff + r * ldo, o1 = o0 + ldo, o2 = o1 + ldo, o3 = o2 + ldo;
                int g0 = gOff + r * rs;
                FloatVector c00 = FloatVector.fromArray(S, out, o0 + p), c01 = FloatVector.fromArray(S, out, o0 + p + L);
                FloatVector c02 = FloatVector.fromArray(S, out, o0 + p + 2 * L), c03 = FloatVector.fromArray(S, out, o0 + p + 3 * L);
                FloatVector c10 = FloatVector.fromArray(S, out, o1 + p), c11 = FloatVector.fromArray(S, out, o1 + p + L);
                FloatVector c12 = FloatVector.fromArray(S, out, o1 + p + 2 * L), c13 = FloatVector.fromArray(S, out, o1 + p + 3 * L);
                FloatVector c20 = FloatVector.fromArray(S, out, o2 + p), c21 = FloatVector.fromArray(S, out, o2 + p + L);
                FloatVector c22 = FloatVector.fromArray(S, out, o2 + p + 2 * L), c23 = FloatVector.fromArray(S, out, o2 + p + 3 * L);
                FloatVector c30 = FloatVector.fromArray(S, out, o3 + p), c31 = FloatVector.fromArray(S, out, o3 + p + L);
                FloatVector c32 = FloatVector.fromArray(S, out, o3 + p + 2 * L), c33 = FloatVector.fromArray(S, out, o3 + p + 3 * L);
                for (int k = 0; k < nk; k++) {
                    int hk = hpOff + k * hpLd;
                    FloatVector v0 = FloatVector.fromArray(S, hp, hk);
                    FloatVector v1 = FloatVector.fromArray(S, hp, hk + L);
                    FloatVector v2 = FloatVector.fromArray(S, hp, hk + 2 * L);
                    FloatVector v3 = FloatVector.fromArray(S, hp, hk + 3 * L);
                    int gk = g0 + k * ks;
                    FloatVector b0 = FloatVector.broadcast(S, g[gk]);
                    c00 = v0.fma(b0, c00); c01 = v1.fma(b0, c01); c02 = v2.fma(b0, c02); c03 = v3.fma(b0, c03);
                    FloatVector b1 = FloatVector.broadcast(S, g[gk + rs]);
                    c10 = v0.fma(b1, c10); c11 = v1.fma(b1, c11); c12 = v2.fma(b1, c12); c13 = v3.fma(b1, c13);
                    FloatVector b2 = FloatVector.broadcast(S, g[gk + 2 * rs]);
                    c20 = v0.fma(b2, c20); c21 = v1.fma(b2, c21); c22 = v2.fma(b2, c22); c23 = v3.fma(b2, c23);
                    FloatVector b3 = FloatVector.broadcast(S, g[gk + 3 * rs]);
                    c30 = v0.fma(b3, c30); c31 = v1.fma(b3, c31); c32 = v2.fma(b3, c32); c33 = v3.fma(b3, c33);
                }
                c00.intoArray(out, o0 + p); c01.intoArray(out, o0 + p + L); c02.intoArray(out, o0 + p + 2 * L); c03.intoArray(out, o0 + p + 3 * L);
                c10.intoArray(out, o1 + p); c11.intoArray(out, o1 + p + L); c12.intoArray(out, o1 + p + 2 * L); c13.intoArray(out, o1 + p + 3 * L);
                c20.intoArray(out, o2 + p); c21.intoArray(out, o2 + p + L); c22.intoArray(out, o2 + p + 2 * L); c23.intoArray(out, o2 + p + 3 * L);
                c30.intoArray(out, o3 + p); c31.intoArray(out, o3 + p + L); c32.intoArray(out, o3 + p + 2 * L); c33.intoArray(out, o3 + p + 3 * L);
            }
        }
        // Rows past the last block of 4, and columns past the last 64-wide block: one axpy per (row, k).
        for (int rr = 0; rr < nr; rr++) {
            int pFrom = rr < rBlocked ? cBlocked : 0;
            if (pFrom >= ncols) {
                continue;
            }
            int o = outOff + rr * ldo + pFrom;
            for (int k = 0; k < nk; k++) {
                float gv = g[gOff + rr * rs + k * ks];
                VectorKernels.axpySimd(gv, h, hOff + k * ldh + pFrom, out, o, ncols - pFrom);
            }
        }
    }
}
