package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API twins of the loops in {@link Gemm}; same contracts, same argument order. */
final class GemmSimd {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final int L = S.length();

    private GemmSimd() {}

    /** c[i,j] += sum_p a[i,p] * b[p,j], rows i in [lo, hi). Four rows of C share each load of B. */
    static void gemmRows(float[] a, float[] b, float[] c, int k, int n, int lo, int hi) {
        int nv = S.loopBound(n);
        int i = lo;
        for (; i + 4 <= hi; i += 4) {
            int a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            int c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
            for (int j = 0; j < nv; j += L) {
                FloatVector acc0 = FloatVector.fromArray(S, c, c0 + j);
                FloatVector acc1 = FloatVector.fromArray(S, c, c1 + j);
                FloatVector acc2 = FloatVector.fromArray(S, c, c2 + j);
                FloatVector acc3 = FloatVector.fromArray(S, c, c3 + j);
                for (int p = 0; p < k; p++) {
                    FloatVector bv = FloatVector.fromArray(S, b, p * n + j);
                    acc0 = bv.fma(FloatVector.broadcast(S, a[a0 + p]), acc0);
                    acc1 = bv.fma(FloatVector.broadcast(S, a[a1 + p]), acc1);
                    acc2 = bv.fma(FloatVector.broadcast(S, a[a2 + p]), acc2);
                    acc3 = bv.fma(FloatVector.broadcast(S, a[a3 + p]), acc3);
                }
                acc0.intoArray(c, c0 + j);
                acc1.intoArray(c, c1 + j);
                acc2.intoArray(c, c2 + j);
                acc3.intoArray(c, c3 + j);
            }
            if (nv < n) {
                tailColumns(a, b, c, k, n, i, i + 4, nv);
            }
        }
        for (; i < hi; i++) {
            int aOff = i * k;
            int cOff = i * n;
            for (int j = 0; j < nv; j += L) {
                FloatVector acc = FloatVector.fromArray(S, c, cOff + j);
                for (int p = 0; p < k; p++) {
                    acc = FloatVector.fromArray(S, b, p * n + j).fma(FloatVector.broadcast(S, a[aOff + p]), acc);
                }
                acc.intoArray(c, cOff + j);
            }
            if (nv < n) {
                tailColumns(a, b, c, k, n, i, i + 1, nv);
            }
        }
    }

    private static void tailColumns(float[] a, float[] b, float[] c, int k, int n, int lo, int hi, int j0) {
        for (int i = lo; i < hi; i++) {
            for (int j = j0; j < n; j++) {
                float s = c[i * n + j];
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
    }

    /** c[p,j] += sum_i a[i,p] * b[i,j], rows p in [lo, hi) of c; a is m x k, b is m x n. */
    static void gemmTransARows(float[] a, float[] b, float[] c, int m, int k, int n, int lo, int hi) {
        int nv = S.loopBound(n);
        int p = lo;
        for (; p + 4 <= hi; p += 4) {
            int c0 = p * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
            for (int j = 0; j < nv; j += L) {
                FloatVector acc0 = FloatVector.fromArray(S, c, c0 + j);
                FloatVector acc1 = FloatVector.fromArray(S, c, c1 + j);
                FloatVector acc2 = FloatVector.fromArray(S, c, c2 + j);
                FloatVector acc3 = FloatVector.fromArray(S, c, c3 + j);
                for (int i = 0; i < m; i++) {
                    FloatVector bv = FloatVector.fromArray(S, b, i * n + j);
                    int aOff = i * k + p;
                    acc0 = bv.fma(FloatVector.broadcast(S, a[aOff]), acc0);
                    acc1 = bv.fma(FloatVector.broadcast(S, a[aOff + 1]), acc1);
                    acc2 = bv.fma(FloatVector.broadcast(S, a[aOff + 2]), acc2);
                    acc3 = bv.fma(FloatVector.broadcast(S, a[aOff + 3]), acc3);
                }
                acc0.intoArray(c, c0 + j);
                acc1.intoArray(c, c1 + j);
                acc2.intoArray(c, c2 + j);
                acc3.intoArray(c, c3 + j);
            }
        }
        for (; p < hi; p++) {
            int cOff = p * n;
            for (int j = 0; j < nv; j += L) {
                FloatVector acc = FloatVector.fromArray(S, c, cOff + j);
                for (int i = 0; i < m; i++) {
                    acc = FloatVector.fromArray(S, b, i * n + j).fma(FloatVector.broadcast(S, a[i * k + p]), acc);
                }
                acc.intoArray(c, cOff + j);
            }
        }
        if (nv < n) {
            for (int q = lo; q < hi; q++) {
                for (int j = nv; j < n; j++) {
                    float s = c[q * n + j];
                    for (int i = 0; i < m; i++) {
                        s += a[i * k + q] * b[i * n + j];
                    }
                    c[q * n + j] = s;
                }
            }
        }
    }

    /** c[i,j] += sum_p a[i,p] * b[j,p], rows i in [lo, hi); a is . x k, b is n x k. */
    static void gemmTransBRows(float[] a, float[] b, float[] c, int k, int n, int lo, int hi) {
        int kv = S.loopBound(k);
        for (int i = lo; i < hi; i++) {
            int aOff = i * k;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
                FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                for (int p = 0; p < kv; p += L) {
                    FloatVector av = FloatVector.fromArray(S, a, aOff + p);
                    s0 = av.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                    s1 = av.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                    s2 = av.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                    s3 = av.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                }
                float r0 = Simd.sumLanes(s0), r1 = Simd.sumLanes(s1);
                float r2 = Simd.sumLanes(s2), r3 = Simd.sumLanes(s3);
                for (int p = kv; p < k; p++) {
                    float av = a[aOff + p];
                    r0 += av * b[b0 + p];
                    r1 += av * b[b1 + p];
                    r2 += av * b[b2 + p];
                    r3 += av * b[b3 + p];
                }
                int cOff = i * n + j;
                c[cOff] += r0;
                c[cOff + 1] += r1;
                c[cOff + 2] += r2;
                c[cOff + 3] += r3;
            }
            for (; j < n; j++) {
                c[i * n + j] += VectorKernels.dotSimd(a, aOff, b, j * k, k);
            }
        }
    }
}
