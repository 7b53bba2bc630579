package org.gmi.bench;

import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;

/** Random operands shared by the benchmarks, built from a fixed seed. */
final class KernelState {
    private KernelState() {}

    static Matrix gaussian(int rows, int cols, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (rng.nextGaussian() * scale);
        }
        return m;
    }

    /** A symmetric random pattern with about {@code degree} neighbours per row plus the diagonal. */
    static CsrMatrix randomGraph(int n, int degree, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        java.util.List<java.util.TreeSet<Integer>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            java.util.TreeSet<Integer> r = new java.util.TreeSet<>();
            r.add(i);
            rows.add(r);
        }
        for (long e = 0; e < (long) n * degree / 2; e++) {
            int i = rng.nextInt(n);
            int j = rng.nextInt(n);
            rows.get(i).add(j);
            rows.get(j).add(i);
        }
        int[] ptr = new int[n + 1];
        int nnz = 0;
        for (java.util.TreeSet<Integer> r : rows) {
            nnz += r.size();
        }
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j : rows.get(i)) {
                idx[k] = j;
                val[k++] = 1f / rows.get(i).size();
            }
            ptr[i + 1] = k;
        }
        return new CsrMatrix(n, n, ptr, idx, val);
    }
}
