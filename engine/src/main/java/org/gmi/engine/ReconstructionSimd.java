package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked Vector API micro-kernels of the reconstruction tiles; their scalar twins are
 * {@link Reconstruction#tileDotsScalar} and the scalar gradient loop in {@link Reconstruction}.
 * Each keeps a 4 x 4 block of vectors (4 rows, 64 columns with 16 lanes) in registers.
 */
final class ReconstructionSimd {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = S.length();
    private static final int W = 4 * L;

    private ReconstructionSimd() {}

    /** Whether the blocked kernels apply: 16-float vectors (AVX-512) and a full tile width. */
    static boolean applicable(int nj) {
        return L == 16 && nj == Reconstruction.B;
    }

    /**
     * tile[a*B + b] = h[i0+a] . h[j0+b] for a < ni, b < 64, reading H^T (d x n, row-major) so that
     * 64 consecutive j share each load.
     */
    static void tileDots(float[] h, float[] ht, int n, int d, int i0, int ni, int j0, float[] tile) {
        // d is walked in chunks of KC: the KC x 64 slice of H^T (16 KB) then stays in L1 while every
        // block of 4 rows of the tile reads it, instead of streaming all of d from L2 per block.
        for (int p0 = 0; p0 < d; p0 += KC) {
            int p1 = Math.min(d, p0 + KC);
            boolean first = p0 == 0;
            int a = 0;
            for (; a + 4 <= ni; a += 4) {
                dots4(h, ht, n, d, i0 + a, j0, p0, p1, tile, a * Reconstruction.B, first);
            }
            for (; a < ni; a++) {
                dots1(h, ht, n, d, i0 + a, j0, p0, p1, tile, a * Reconstruction.B, first);
            }
        }
    }

    private static final int KC = 64;

    /** tile rows t..t+3 (+)= h[row..row+3, p0:p1] . H^T[p0:p1, j0:j0+64]. */
    private static void dots4(float[] h, float[] ht, int n, int d, int row, int j0, int p0, int p1,
                              float[] tile, int t, boolean first) {
        final int bs = Reconstruction.B;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (first) {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = FloatVector.zero(S);
            c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, tile, t); c01 = FloatVector.fromArray(S, tile, t + L);
            c02 = FloatVector.fromArray(S, tile, t + 2 * L); c03 = FloatVector.fromArray(S, tile, t + 3 * L);
            c10 = FloatVector.fromArray(S, tile, t + bs); c11 = FloatVector.fromArray(S, tile, t + bs + L);
            c12 = FloatVector.fromArray(S, tile, t + bs + 2 * L); c13 = FloatVector.fromArray(S, tile, t + bs + 3 * L);
            c20 = FloatVector.fromArray(S, tile, t + 2 * bs); c21 = FloatVector.fromArray(S, tile, t + 2 * bs + L);
            c22 = FloatVector.fromArray(S, tile, t + 2 * bs + 2 * L); c23 = FloatVector.fromArray(S, tile, t + 2 * bs + 3 * L);
            c30 = FloatVector.fromArray(S, tile, t + 3 * bs); c31 = FloatVector.fromArray(S, tile, t + 3 * bs + L);
            c32 = FloatVector.fromArray(S, tile, t + 3 * bs + 2 * L); c33 = FloatVector.fromArray(S, tile, t + 3 * bs + 3 * L);
        }
        int r0 = row * d, r1 = r0 + d, r2 = r1 + d, r3 = r2 + d;
        for (int p = p0; p < p1; p++) {
            int o = p * n + j0;
            FloatVector v0 = FloatVector.fromArray(S, ht, o);
            FloatVector v1 = FloatVector.fromArray(S, ht, o + L);
            FloatVector v2 = FloatVector.fromArray(S, ht, o + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, ht, o + 3 * L);
            FloatVector b0 = FloatVector.broadcast(S, h[r0 + p]);
            c00 = v0.fma(b0, c00); c01 = v1.fma(b0, c01); c02 = v2.fma(b0, c02); c03 = v3.fma(b0, c03);
            FloatVector b1 = FloatVector.broadcast(S, h[r1 + p]);
            c10 = v0.fma(b1, c10); c11 = v1.fma(b1, c11); c12 = v2.fma(b1, c12); c13 = v3.fma(b1, c13);
            FloatVector b2 = FloatVector.broadcast(S, h[r2 + p]);
            c20 = v0.fma(b2, c20); c21 = v1.fma(b2, c21); c22 = v2.fma(b2, c22); c23 = v3.fma(b2, c23);
            FloatVector b3 = FloatVector.broadcast(S, h[r3 + p]);
            c30 = v0.fma(b3, c30); c31 = v1.fma(b3, c31); c32 = v2.fma(b3, c32); c33 = v3.fma(b3, c33);
        }
        c00.intoArray(tile, t); c01.intoArray(tile, t + L); c02.intoArray(tile, t + 2 * L); c03.intoArray(tile, t + 3 * L);
        t += bs;
        c10.intoArray(tile, t); c11.intoArray(tile, t + L); c12.intoArray(tile, t + 2 * L); c13.intoArray(tile, t + 3 * L);
        t += bs;
        c20.intoArray(tile, t); c21.intoArray(tile, t + L); c22.intoArray(tile, t + 2 * L); c23.intoArray(tile, t + 3 * L);
        t += bs;
        c30.intoArray(tile, t); c31.intoArray(tile, t + L); c32.intoArray(tile, t + 2 * L); c33.intoArray(tile, t + 3 * L);
    }

    private static void dots1(float[] h, float[] ht, int n, int d, int row, int j0, int p0, int p1,
                              float[] tile, int t, boolean first) {
        FloatVector c0, c1, c2, c3;
        if (first) {
            c0 = c1 = c2 = c3 = FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, tile, t); c1 = FloatVector.fromArray(S, tile, t + L);
            c2 = FloatVector.fromArray(S, tile, t + 2 * L); c3 = FloatVector.fromArray(S, tile, t + 3 * L);
        }
        int r = row * d;
        for (int p = p0; p < p1; p++) {
            int o = p * n + j0;
            FloatVector b = FloatVector.broadcast(S, h[r + p]);
            c0 = FloatVector.fromArray(S, ht, o).fma(b, c0);
            c1 = FloatVector.fromArray(S, ht, o + L).fma(b, c1);
            c2 = FloatVector.fromArray(S, ht, o + 2 * L).fma(b, c2);
            c3 = FloatVector.fromArray(S, ht, o + 3 * L).fma(b, c3);
        }
        c0.intoArray(tile, t); c1.intoArray(tile, t + L); c2.intoArray(tile, t + 2 * L); c3.intoArray(tile, t + 3 * L);
    }

}
