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
        final int bStride = Reconstruction.B;
        int a = 0;
        for (; a + 4 <= ni; a += 4) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
            int r0 = (i0 + a) * d, r1 = r0 + d, r2 = r1 + d, r3 = r2 + d;
            for (int p = 0; p < d; p++) {
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
            int t = a * bStride;
            c00.intoArray(tile, t); c01.intoArray(tile, t + L); c02.intoArray(tile, t + 2 * L); c03.intoArray(tile, t + 3 * L);
            t += bStride;
            c10.intoArray(tile, t); c11.intoArray(tile, t + L); c12.intoArray(tile, t + 2 * L); c13.intoArray(tile, t + 3 * L);
            t += bStride;
            c20.intoArray(tile, t); c21.intoArray(tile, t + L); c22.intoArray(tile, t + 2 * L); c23.intoArray(tile, t + 3 * L);
            t += bStride;
            c30.intoArray(tile, t); c31.intoArray(tile, t + L); c32.intoArray(tile, t + 2 * L); c33.intoArray(tile, t + 3 * L);
        }
        for (; a < ni; a++) {
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
            int r = (i0 + a) * d;
            for (int p = 0; p < d; p++) {
                int o = p * n + j0;
                FloatVector b = FloatVector.broadcast(S, h[r + p]);
                c0 = FloatVector.fromArray(S, ht, o).fma(b, c0);
                c1 = FloatVector.fromArray(S, ht, o + L).fma(b, c1);
                c2 = FloatVector.fromArray(S, ht, o + 2 * L).fma(b, c2);
                c3 = FloatVector.fromArray(S, ht, o + 3 * L).fma(b, c3);
            }
            int t = a * bStride;
            c0.intoArray(tile, t); c1.intoArray(tile, t + L); c2.intoArray(tile, t + 2 * L); c3.intoArray(tile, t + 3 * L);
        }
    }

}
