package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The elementwise layers against the serial loops they replaced, written out here as oracles:
 * vectorised and scalar, 1 to 3 threads, sizes around the vector width and past several pool chunks
 * and slope blocks. Everything but PReLU's slope gradient is bit-identical to its oracle; the slope
 * gradient (summed in double) within 1e-12 of the serial double sum, and bit-identical across thread
 * counts. An overwriting call starts from a buffer of NaN, so an element it failed to write shows.
 */
class ElementwiseTest extends RestoresSwitches {

    private static int length(SplittableRandom rng) {
        return rng.nextInt(3) == 0 ? 2 * Elementwise.SLOPE_BLOCK + 1 + rng.nextInt(3 * Elementwise.SLOPE_BLOCK)
                : Fixtures.size(rng, 100);
    }

    private static float[] nan(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void preluAndItsBackwardMatchTheSerialLoops(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = length(rng);
        float slope = (float) (rng.nextDouble() - 0.2);
        float[] x = Fixtures.randomArray(rng, n);
        x[rng.nextInt(n)] = 0f;
        x[rng.nextInt(n)] = -0f;
        float[] dy = Fixtures.randomArray(rng, n);
        float[] dx0 = Fixtures.randomArray(rng, n);

        float[] wantY = new float[n];
        float[] wantDxAdd = dx0.clone();
        float[] wantDxSet = new float[n];
        double wantDa = 0;
        for (int i = 0; i < n; i++) {
            float v = x[i];
            wantY[i] = v > 0f ? v : slope * v;
            float g = v > 0f ? dy[i] : slope * dy[i];
            wantDxAdd[i] += g;
            wantDxSet[i] = g;
            if (!(v > 0f)) {
                wantDa += (double) v * dy[i];
            }
        }
        Double daAtOneThread = null;
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                String at = "seed " + seed + ", n " + n + ", simd " + simd + ", " + threads + " threads";
                float[] y = nan(n);
                Elementwise.prelu(x, slope, y, n);
                Fixtures.assertBitIdentical(at + ": prelu", wantY, y);

                float[] dx = dx0.clone();
                double da = Elementwise.preluBackward(x, slope, dy, dx, n, true);
                Fixtures.assertBitIdentical(at + ": dx accumulated", wantDxAdd, dx);
                assertEquals(wantDa, da, 1e-12 * (1 + Math.abs(wantDa)), at + ": da");

                float[] dxSet = nan(n);
                double daSet = Elementwise.preluBackward(x, slope, dy, dxSet, n, false);
                Fixtures.assertBitIdentical(at + ": dx overwritten", wantDxSet, dxSet);
                assertEquals(da, daSet, 0.0, at + ": da does not depend on dx's mode");
                assertEquals(da, Elementwise.preluBackward(x, slope, dy, null, n, false), 0.0, at + ": da without dx");
                if (threads == 1) {
                    daAtOneThread = da;
                } else {
                    assertEquals(daAtOneThread, da, 0.0, at + ": da depends on the thread count");
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void biasAndColumnSumsMatchTheSerialLoops(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int rows = rng.nextInt(3) == 0 ? 100 + rng.nextInt(300) : Fixtures.size(rng, 40);
        int cols = rng.nextInt(3) == 0 ? 512 + rng.nextInt(40) : Fixtures.size(rng, 100);
        float[] x = Fixtures.randomArray(rng, rows * cols);
        float[] b = Fixtures.randomArray(rng, cols);
        float[] db0 = Fixtures.randomArray(rng, cols);
        float[] wantOut = x.clone();
        float[] wantDb = db0.clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                wantOut[i * cols + j] += b[j];
                wantDb[j] += x[i * cols + j];
            }
        }
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                String at = "seed " + seed + ", " + rows + "x" + cols + ", simd " + simd + ", " + threads + " threads";
                float[] out = nan(rows * cols);
                Elementwise.addBias(x, b, out, rows, cols);
                Fixtures.assertBitIdentical(at + ": x + b", wantOut, out);
                float[] db = db0.clone();
                Elementwise.addColumnSums(x, rows, cols, db);
                Fixtures.assertBitIdentical(at + ": column sums", wantDb, db);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void scaledAddsAndFillsMatchTheSerialLoops(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = length(rng);
        float alpha = (float) (4 * rng.nextDouble() - 2);
        float[] x = Fixtures.randomArray(rng, n);
        float[] y0 = Fixtures.randomArray(rng, n);
        float[] wantAdd = y0.clone();
        float[] wantSet = new float[n];
        for (int i = 0; i < n; i++) {
            wantAdd[i] += alpha * x[i];
            wantSet[i] = alpha * x[i];
        }
        float[] zeros = new float[n];
        for (boolean simd : new boolean[] {true, false}) {
            Simd.setEnabled(simd);
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                String at = "seed " + seed + ", n " + n + ", simd " + simd + ", " + threads + " threads";
                float[] y = y0.clone();
                Elementwise.addScaled(alpha, x, y, n, true);
                Fixtures.assertBitIdentical(at + ": y + alpha x", wantAdd, y);
                float[] set = nan(n);
                Elementwise.addScaled(alpha, x, set, n, false);
                Fixtures.assertBitIdentical(at + ": alpha x", wantSet, set);
                float[] f = nan(n + 3);
                Elementwise.fill(f, n, 0f);
                Fixtures.assertBitIdentical(at + ": fill", zeros, Arrays.copyOf(f, n));
                assertEquals(Float.NaN, f[n + 2], at + ": fill wrote past n");
            }
        }
    }
}
