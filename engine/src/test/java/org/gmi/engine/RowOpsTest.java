package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * rowDots and rowDotsBackward with the identity (idx null) and with random index lists into a left
 * matrix of another row count; gatherRows and scatterAddRows. Vectorised and scalar, one and two
 * threads (up to 300 rows, so that two chunks of 128 occur), against double oracles.
 *
 * <p>Tolerance: 1e-5 * (sum of absolute terms) + 1e-6; simd vs scalar twice that; repeated calls at
 * the same thread count bit-identical.
 */
class RowOpsTest extends RestoresSwitches {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void rowDotsAndBackwardMatchOracle(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (boolean identity : new boolean[] {true, false}) {
            int n = rng.nextInt(4) == 0 ? 256 + rng.nextInt(45) : Fixtures.size(rng, 100);
            int d = Fixtures.size(rng, 70);
            int p = identity ? n : Fixtures.size(rng, 100);
            Matrix left = Fixtures.randomMatrix(rng, p, d);
            Matrix right = Fixtures.randomMatrix(rng, n, d);
            int[] idx = identity ? null : Fixtures.randomIndices(rng, n, p);
            int outOff = rng.nextInt(5);
            float[] g = Fixtures.randomArray(rng, outOff + n);
            Matrix dLeft0 = Fixtures.randomMatrix(rng, p, d);
            Matrix dRight0 = Fixtures.randomMatrix(rng, n, d);

            // Oracles in double.
            double[] dots = new double[outOff + n];
            double[] dotsMag = new double[outOff + n];
            double[] wantLeft = new double[p * d];
            double[] magLeft = new double[p * d];
            double[] wantRight = new double[n * d];
            double[] magRight = new double[n * d];
            for (int k = 0; k < p * d; k++) {
                wantLeft[k] = dLeft0.data[k];
                magLeft[k] = Math.abs(dLeft0.data[k]);
            }
            for (int i = 0; i < n; i++) {
                int l = identity ? i : idx[i];
                for (int c = 0; c < d; c++) {
                    double t = (double) left.get(l, c) * right.get(i, c);
                    dots[outOff + i] += t;
                    dotsMag[outOff + i] += Math.abs(t);
                    double gr = (double) g[outOff + i] * left.get(l, c);
                    wantRight[i * d + c] = dRight0.get(i, c) + gr;
                    magRight[i * d + c] = Math.abs(dRight0.get(i, c)) + Math.abs(gr);
                    double gl = (double) g[outOff + i] * right.get(i, c);
                    wantLeft[l * d + c] += gl;
                    magLeft[l * d + c] += Math.abs(gl);
                }
            }
            String what = "rowDots " + (identity ? "identity" : "indexed") + " left=" + left.shape() + " right=" + right.shape()
                    + " seed=" + seed;
            float[][] outs = new float[2][];
            float[][] lefts = new float[2][];
            float[][] rights = new float[2][];
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (boolean simd : new boolean[] {false, true}) {
                    Simd.setEnabled(simd);
                    String label = what + " simd=" + simd + " threads=" + threads;
                    float[] out = new float[outOff + n];
                    RowOps.rowDots(left, idx, right, out, outOff);
                    Fixtures.assertClose(label, out, dots, dotsMag, RTOL, ATOL);
                    float[] out2 = new float[outOff + n];
                    RowOps.rowDots(left, idx, right, out2, outOff);
                    Fixtures.assertBitIdentical(label + " (repeat)", out, out2);

                    Matrix dl = dLeft0.copy();
                    Matrix dr = dRight0.copy();
                    RowOps.rowDotsBackward(left, idx, right, g, outOff, dl, dr);
                    Fixtures.assertClose(label + " backward dLeft", dl.data, wantLeft, magLeft, RTOL, ATOL);
                    Fixtures.assertClose(label + " backward dRight", dr.data, wantRight, magRight, RTOL, ATOL);
                    Matrix dl2 = dLeft0.copy();
                    Matrix dr2 = dRight0.copy();
                    RowOps.rowDotsBackward(left, idx, right, g, outOff, dl2, dr2);
                    Fixtures.assertBitIdentical(label + " backward dLeft (repeat)", dl.data, dl2.data);
                    Fixtures.assertBitIdentical(label + " backward dRight (repeat)", dr.data, dr2.data);

                    // Either gradient may be skipped; the other comes out the same.
                    Matrix onlyLeft = dLeft0.copy();
                    RowOps.rowDotsBackward(left, idx, right, g, outOff, onlyLeft, null);
                    Fixtures.assertBitIdentical(label + " backward dLeft alone", dl.data, onlyLeft.data);
                    Matrix onlyRight = dRight0.copy();
                    RowOps.rowDotsBackward(left, idx, right, g, outOff, null, onlyRight);
                    Fixtures.assertBitIdentical(label + " backward dRight alone", dr.data, onlyRight.data);

                    int s = simd ? 1 : 0;
                    outs[s] = out;
                    lefts[s] = dl.data;
                    rights[s] = dr.data;
                }
                String label = what + " threads=" + threads + " simd vs scalar";
                Fixtures.assertClose(label, outs[1], outs[0], dotsMag, 2 * RTOL, 2 * ATOL);
                Fixtures.assertClose(label + " dLeft", lefts[1], lefts[0], magLeft, 2 * RTOL, 2 * ATOL);
                Fixtures.assertClose(label + " dRight", rights[1], rights[0], magRight, 2 * RTOL, 2 * ATOL);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void gatherAndScatterRowsMatchOracle(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int p = Fixtures.size(rng, 60);
        int n = Fixtures.size(rng, 80);
        int d = Fixtures.size(rng, 40);
        Matrix src = Fixtures.randomMatrix(rng, p, d);
        int[] idx = Fixtures.randomIndices(rng, n, p);
        Matrix gathered = new Matrix(n, d);
        RowOps.gatherRows(src, idx, gathered);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                if (gathered.get(i, c) != src.get(idx[i], c)) {
                    throw new AssertionError("gatherRows row " + i + " col " + c + " seed=" + seed);
                }
            }
        }
        Matrix g = Fixtures.randomMatrix(rng, n, d);
        Matrix d0 = Fixtures.randomMatrix(rng, p, d);
        double[] want = new double[p * d];
        double[] mag = new double[p * d];
        for (int k = 0; k < p * d; k++) {
            want[k] = d0.data[k];
            mag[k] = Math.abs(d0.data[k]);
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                want[idx[i] * d + c] += g.get(i, c);
                mag[idx[i] * d + c] += Math.abs(g.get(i, c));
            }
        }
        for (boolean simd : new boolean[] {false, true}) {
            Simd.setEnabled(simd);
            Matrix dSrc = d0.copy();
            RowOps.scatterAddRows(g, idx, dSrc);
            Fixtures.assertClose("scatterAddRows simd=" + simd + " seed=" + seed, dSrc.data, want, mag, RTOL, ATOL);
        }
    }

    /**
     * The scatter of rows runs gathered on the pool: at 1 to 3 threads it has the bits of the serial
     * scatter in index order (written out here), with repeated and missing targets; overwriting a
     * buffer of NaN gives the bits of adding into zeros.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void scatterOfRowsIsBitIdenticalToTheSerialScatter(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int p = rng.nextInt(3) == 0 ? 256 + rng.nextInt(200) : Fixtures.size(rng, 60);
        int n = rng.nextInt(3) == 0 ? 256 + rng.nextInt(200) : Fixtures.size(rng, 80);
        int d = Fixtures.size(rng, 40);
        int[] idx = Fixtures.randomIndices(rng, n, p);
        Matrix g = Fixtures.randomMatrix(rng, n, d);
        Matrix d0 = Fixtures.randomMatrix(rng, p, d);
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            Matrix serial = d0.copy();
            Matrix zeros = new Matrix(p, d);
            for (int i = 0; i < n; i++) {
                VectorKernels.axpy(1f, g.data, i * d, serial.data, idx[i] * d, d);
                VectorKernels.axpy(1f, g.data, i * d, zeros.data, idx[i] * d, d);
            }
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                String at = "seed " + seed + ", simd " + simd + ", " + threads + " threads";
                Matrix added = d0.copy();
                RowOps.scatterAddRows(g, idx, added);
                Fixtures.assertBitIdentical(at + ": added", serial.data, added.data);
                Matrix written = new Matrix(p, d);
                written.fill(Float.NaN);
                RowOps.scatterAddRows(g, idx, written, false);
                Fixtures.assertBitIdentical(at + ": overwritten", zeros.data, written.data);
            }
        }
    }

    @Test
    void mismatchedPairingsAreRejected() {
        Matrix left = new Matrix(3, 4);
        Matrix right = new Matrix(5, 4);
        assertThrows(IllegalArgumentException.class, () -> RowOps.rowDots(left, null, right, new float[5], 0));
        assertThrows(IllegalArgumentException.class, () -> RowOps.rowDots(left, new int[4], right, new float[5], 0));
        assertThrows(IllegalArgumentException.class, () -> RowOps.rowDots(new Matrix(5, 3), null, right, new float[5], 0));
        assertThrows(IllegalArgumentException.class, () -> RowOps.rowDots(left, new int[5], right, new float[4], 0));
    }

    /**
     * K lists at once (a mix of identity and random lists into a left matrix of another row count) give
     * the bits of the single-list backward called list after list, on 1, 2 and 3 threads, SIMD or not.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void listsAtOnceAreBitIdenticalToListAfterList(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = rng.nextInt(3) == 0 ? 256 + rng.nextInt(200) : Fixtures.size(rng, 100);
        int d = Fixtures.size(rng, 70);
        boolean square = rng.nextBoolean();
        int p = square ? n : Fixtures.size(rng, 300);
        int k = 1 + rng.nextInt(6);
        int[][] lists = new int[k][];
        for (int q = 0; q < k; q++) {
            lists[q] = square && rng.nextInt(3) == 0 ? null : Fixtures.randomIndices(rng, n, p);
        }
        Matrix left = Fixtures.randomMatrix(rng, p, d);
        Matrix right = Fixtures.randomMatrix(rng, n, d);
        float[] g = Fixtures.randomArray(rng, k * n);
        Matrix dLeft0 = Fixtures.randomMatrix(rng, p, d);
        Matrix dRight0 = Fixtures.randomMatrix(rng, n, d);
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            Parallel.setThreads(1);
            Matrix wantLeft = dLeft0.copy();
            Matrix wantRight = dRight0.copy();
            for (int q = 0; q < k; q++) {
                RowOps.rowDotsBackward(left, lists[q], right, g, q * n, wantLeft, wantRight);
            }
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                Matrix dl = dLeft0.copy();
                Matrix dr = dRight0.copy();
                RowOps.rowDotsBackwardLists(left, lists, right, g, dl, dr);
                org.junit.jupiter.api.Assertions.assertArrayEquals(wantLeft.data, dl.data,
                        "seed " + seed + ", simd " + simd + ", " + threads + " threads: dLeft");
                org.junit.jupiter.api.Assertions.assertArrayEquals(wantRight.data, dr.data,
                        "seed " + seed + ", simd " + simd + ", " + threads + " threads: dRight");

                // overwriting (from buffers of NaN) gives what accumulating into zeros gives
                Matrix zl = new Matrix(p, d);
                Matrix zr = new Matrix(n, d);
                RowOps.rowDotsBackwardLists(left, lists, right, g, zl, zr);
                Matrix nl = new Matrix(p, d);
                Matrix nr = new Matrix(n, d);
                nl.fill(Float.NaN);
                nr.fill(Float.NaN);
                RowOps.rowDotsBackwardLists(left, lists, right, g, nl, false, nr, false);
                Fixtures.assertBitIdentical("seed " + seed + ", " + threads + " threads: dLeft overwritten", zl.data, nl.data);
                Fixtures.assertBitIdentical("seed " + seed + ", " + threads + " threads: dRight overwritten", zr.data, nr.data);
            }
        }
    }
}
