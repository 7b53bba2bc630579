package org.gmi.engine;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise layers over whole buffers: PReLU and its backward, the bias and its column sums,
 * scaled adds and fills. Each runs on the pool, and each has its scalar twin.
 *
 * <p>They stream N x d buffers that do not fit any cache, so what they cost is passes over memory:
 * hence the {@code accumulate} flags, which let the first gradient written into a buffer overwrite
 * it instead of adding to zeros filled in a pass of their own. Every result except PReLU's slope
 * gradient has the bits of the serial loops these replaced (one rounding per element, in the same
 * order); the slope gradient is summed in double, in blocks of fixed size whatever the thread
 * count, and rounds to the same float as the serial double sum but for ties at the last bit.
 */
public final class Elementwise {
    private static final VectorSpecies<Float> S = Simd.SPECIES;
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
    private static final int L = S.length();
    /** Elements per pool chunk at least: below this a chunk costs more to hand out than to run. */
    private static final int MIN_PER_CHUNK = 1 << 14;
    /** The slope gradient's blocks: fixed, so its sum does not depend on the thread count. */
    static final int SLOPE_BLOCK = 1 << 14;

    private Elementwise() {}

    /** x[0 .. n) = v. */
    public static void fill(float[] x, int n, float v) {
        Parallel.forRange(n, MIN_PER_CHUNK, (lo, hi) -> java.util.Arrays.fill(x, lo, hi, v));
    }

    // ---- y = alpha x (+ y) ---------------------------------------------------------------------

    /** y = alpha x + y when {@code accumulate}, else y = alpha x; over [0, n). */
    public static void addScaled(float alpha, float[] x, float[] y, int n, boolean accumulate) {
        boolean simd = Simd.enabled();
        Parallel.forRange(n, MIN_PER_CHUNK, (lo, hi) -> {
            if (simd) {
                addScaledSimd(alpha, x, y, lo, hi, accumulate);
            } else {
                addScaledScalar(alpha, x, y, lo, hi, accumulate);
            }
        });
    }

    static void addScaledScalar(float alpha, float[] x, float[] y, int lo, int hi, boolean accumulate) {
        for (int i = lo; i < hi; i++) {
            y[i] = accumulate ? y[i] + alpha * x[i] : alpha * x[i];
        }
    }

    static void addScaledSimd(float alpha, float[] x, float[] y, int lo, int hi, boolean accumulate) {
        int i = lo;
        int bound = lo + S.loopBound(hi - lo);
        for (; i < bound; i += L) {
            // a product then a sum, as the scalar loop rounds them (not an FMA)
            FloatVector p = FloatVector.fromArray(S, x, i).mul(alpha);
            (accumulate ? FloatVector.fromArray(S, y, i).add(p) : p).intoArray(y, i);
        }
        addScaledScalar(alpha, x, y, i, hi, accumulate);
    }

    // ---- bias ----------------------------------------------------------------------------------

    /** out[i, j] = x[i, j] + b[j] for a rows x cols x, in one pass. */
    public static void addBias(float[] x, float[] b, float[] out, int rows, int cols) {
        boolean simd = Simd.enabled();
        Parallel.forRange(rows, Math.max(1, MIN_PER_CHUNK / Math.max(1, cols)), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                if (simd) {
                    addRowSimd(x, b, out, i * cols, cols);
                } else {
                    addRowScalar(x, b, out, i * cols, cols);
                }
            }
        });
    }

    static void addRowScalar(float[] x, float[] b, float[] out, int off, int cols) {
        for (int j = 0; j < cols; j++) {
            out[off + j] = x[off + j] + b[j];
        }
    }

    static void addRowSimd(float[] x, float[] b, float[] out, int off, int cols) {
        int j = 0;
        for (int bound = S.loopBound(cols); j < bound; j += L) {
            FloatVector.fromArray(S, x, off + j).add(FloatVector.fromArray(S, b, j)).intoArray(out, off + j);
        }
        for (; j < cols; j++) {
            out[off + j] = x[off + j] + b[j];
        }
    }

    /**
     * db[j] += sum_i dy[i, j], row after row into db itself as the serial loop did (the same bits), on
     * the calling thread: split by columns across threads, each thread streams every row for a slice
     * of its columns and the pass is bound by memory, not arithmetic, so threads do not pay; split by
     * rows it would need partial sums, which change the bits.
     */
    public static void addColumnSums(float[] dy, int rows, int cols, float[] db) {
        if (Simd.enabled()) {
            columnSumsSimd(dy, rows, cols, db, 0, cols);
        } else {
            columnSumsScalar(dy, rows, cols, db, 0, cols);
        }
    }

    static void columnSumsScalar(float[] dy, int rows, int cols, float[] db, int c0, int c1) {
        for (int i = 0; i < rows; i++) {
            for (int j = c0; j < c1; j++) {
                db[j] += dy[i * cols + j];
            }
        }
    }

    static void columnSumsSimd(float[] dy, int rows, int cols, float[] db, int c0, int c1) {
        int bound = c0 + S.loopBound(c1 - c0);
        for (int i = 0; i < rows; i++) {
            int off = i * cols;
            int j = c0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, db, j).add(FloatVector.fromArray(S, dy, off + j)).intoArray(db, j);
            }
            for (; j < c1; j++) {
                db[j] += dy[off + j];
            }
        }
    }

    // ---- PReLU ---------------------------------------------------------------------------------

    /** out = x where x > 0, slope x elsewhere (NaN stays NaN); over [0, n). */
    public static void prelu(float[] x, float slope, float[] out, int n) {
        boolean simd = Simd.enabled();
        Parallel.forRange(n, MIN_PER_CHUNK, (lo, hi) -> {
            if (simd) {
                preluSimd(x, slope, out, lo, hi);
            } else {
                preluScalar(x, slope, out, lo, hi);
            }
        });
    }

    static void preluScalar(float[] x, float slope, float[] out, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            float v = x[i];
            out[i] = v > 0f ? v : slope * v;
        }
    }

    static void preluSimd(float[] x, float slope, float[] out, int lo, int hi) {
        int i = lo;
        for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        preluScalar(x, slope, out, i, hi);
    }

    /**
     * The PReLU backward over [0, n): dx = (or +=, when {@code accumulate}) dy where x > 0, slope dy
     * elsewhere (dx may be null: not needed); returns sum over x <= 0 of x dy, in double.
     */
    public static double preluBackward(float[] x, float slope, float[] dy, float[] dx, int n, boolean accumulate) {
        boolean simd = Simd.enabled();
        int blocks = (n + SLOPE_BLOCK - 1) / SLOPE_BLOCK;
        double[] partial = new double[blocks];
        Parallel.forRange(blocks, 1, (lo, hi) -> {
            for (int blk = lo; blk < hi; blk++) {
                int from = blk * SLOPE_BLOCK;
                int to = Math.min(n, from + SLOPE_BLOCK);
                partial[blk] = simd ? preluBackwardSimd(x, slope, dy, dx, from, to, accumulate)
                        : preluBackwardScalar(x, slope, dy, dx, from, to, accumulate);
            }
        });
        double da = 0;
        for (double p : partial) {
            da += p;
        }
        return da;
    }

    static double preluBackwardScalar(float[] x, float slope, float[] dy, float[] dx, int lo, int hi, boolean accumulate) {
        double da = 0;
        for (int i = lo; i < hi; i++) {
            float v = x[i];
            float g = v > 0f ? dy[i] : slope * dy[i];
            if (dx != null) {
                dx[i] = accumulate ? dx[i] + g : g;
            }
            // min(v, 0) is v where v <= 0 (and NaN), 0 elsewhere: no branch on the sign
            da += (double) Math.min(v, 0f) * dy[i];
        }
        return da;
    }

    static double preluBackwardSimd(float[] x, float slope, float[] dy, float[] dx, int lo, int hi, boolean accumulate) {
        DoubleVector acc0 = DoubleVector.zero(D);
        DoubleVector acc1 = DoubleVector.zero(D);
        int i = lo;
        for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector g = FloatVector.fromArray(S, dy, i);
            if (dx != null) {
                VectorMask<Float> pos = v.compare(VectorOperators.GT, 0f);
                FloatVector d = g.mul(slope).blend(g, pos);
                (accumulate ? FloatVector.fromArray(S, dx, i).add(d) : d).intoArray(dx, i);
            }
            FloatVector neg = v.min(0f);
            // products of two floats are exact in double: only the sums round, and in double
            acc0 = ((DoubleVector) neg.convertShape(VectorOperators.F2D, D, 0))
                    .fma((DoubleVector) g.convertShape(VectorOperators.F2D, D, 0), acc0);
            acc1 = ((DoubleVector) neg.convertShape(VectorOperators.F2D, D, 1))
                    .fma((DoubleVector) g.convertShape(VectorOperators.F2D, D, 1), acc1);
        }
        DoubleVector sum = acc0.add(acc1);
        double da = 0;
        for (int k = 0; k < D.length(); k++) {
            da += sum.lane(k); // in lane order: reduceLanes' order is unspecified
        }
        return da + preluBackwardScalar(x, slope, dy, dx, i, hi, accumulate);
    }
}
