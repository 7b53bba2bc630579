package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sampled reconstruction against the exact one: its mean over many draws of non-edges is the
 * exact loss, and its gradient (for fixed draws) matches central differences of its own loss.
 */
class SampledReconstructionTest extends RestoresSwitches {
    static LongStream seeds() {
        return LongStream.range(0, 12);
    }

    /** A random symmetric pattern with the diagonal, sorted rows. */
    static CsrMatrix randomTarget(SplittableRandom rng, int n, double p) {
        List<List<Integer>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new ArrayList<>(List.of(i)));
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (rng.nextDouble() < p) {
                    rows.get(i).add(j);
                    rows.get(j).add(i);
                }
            }
        }
        int[] ptr = new int[n + 1];
        int nnz = rows.stream().mapToInt(List::size).sum();
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int e = 0;
        for (int i = 0; i < n; i++) {
            List<Integer> r = rows.get(i);
            r.sort(null);
            for (int j : r) {
                idx[e] = j;
                val[e++] = 1f;
            }
            ptr[i + 1] = e;
        }
        return new CsrMatrix(n, n, ptr, idx, val);
    }

    /** An N x d embedding with independent N(0, sd^2) entries. */
    static Matrix gaussian(SplittableRandom rng, int n, int d, double sd) {
        Matrix h = new Matrix(n, d);
        for (int i = 0; i < h.data.length; i++) {
            h.data[i] = (float) (rng.nextGaussian() * sd);
        }
        return h;
    }

    static void drawNonEdges(CsrMatrix t, int k, SplittableRandom rng, int[] out) {
        int n = t.rows;
        for (int i = 0; i < n; i++) {
            boolean none = t.rowPtr[i + 1] - t.rowPtr[i] >= n;
            for (int s = 0; s < k; s++) {
                if (none) {
                    out[i * k + s] = -1;
                    continue;
                }
                int j;
                do {
                    j = rng.nextInt(n);
                } while (Arrays.binarySearch(t.colIdx, t.rowPtr[i], t.rowPtr[i + 1], j) >= 0);
                out[i * k + s] = j;
            }
        }
    }

    static LongStream fewerSeeds() {
        return LongStream.range(0, 6);
    }

    @ParameterizedTest
    @MethodSource("fewerSeeds")
    void meanOverDrawsIsTheExactLoss(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 20 + rng.nextInt(30);
        int d = 1 + rng.nextInt(24);
        CsrMatrix t = randomTarget(rng, n, 0.1);
        Matrix h = gaussian(rng, n, d, 0.6);
        double exact = new Reconstruction(n, d).lossAndGradient(h, t, 7f, 1.1f, 1e-10f, 1f, null);
        int k = 8;
        SampledReconstruction kernel = new SampledReconstruction(n, d, k, t.nnz());
        int[] sampled = new int[n * k];
        int draws = 400;
        double sum = 0;
        for (int r = 0; r < draws; r++) {
            drawNonEdges(t, k, rng, sampled);
            sum += kernel.lossAndGradient(h, t, sampled, 7f, 1.1f, 1e-10f, 1f, null);
        }
        double mean = sum / draws;
        assertEquals(exact, mean, 0.01 * Math.abs(exact), "seed " + seed + ": mean of " + draws + " sampled estimates vs exact");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void gradientMatchesFiniteDifferencesForFixedDraws(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 5 + rng.nextInt(30);
        int d = 1 + rng.nextInt(10);
        int k = 1 + rng.nextInt(4);
        CsrMatrix t = randomTarget(rng, n, 0.2);
        Matrix h = gaussian(rng, n, d, 0.5);
        int[] sampled = new int[n * k];
        drawNonEdges(t, k, rng, sampled);
        SampledReconstruction kernel = new SampledReconstruction(n, d, k, t.nnz());
        Matrix grad = new Matrix(n, d);
        kernel.lossAndGradient(h, t, sampled, 3f, 1.2f, 1e-3f, 1f, grad);
        double step = 1e-2;
        for (int c = 0; c < 20; c++) {
            int idx = rng.nextInt(h.data.length);
            float orig = h.data[idx];
            h.data[idx] = (float) (orig + step);
            double plus = kernel.lossAndGradient(h, t, sampled, 3f, 1.2f, 1e-3f, 1f, null);
            h.data[idx] = (float) (orig - step);
            double minus = kernel.lossAndGradient(h, t, sampled, 3f, 1.2f, 1e-3f, 1f, null);
            h.data[idx] = orig;
            double numeric = (plus - minus) / (2 * step);
            double analytic = grad.data[idx];
            assertTrue(Math.abs(numeric - analytic) <= 2e-2 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 1e-5,
                    "seed " + seed + ": dL/dh[" + idx + "] analytic " + analytic + " numeric " + numeric);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void simdAndScalarAgreeAndRepeatsAreBitIdentical(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 10 + rng.nextInt(200);
        int d = 1 + rng.nextInt(70);
        int k = 1 + rng.nextInt(5);
        CsrMatrix t = randomTarget(rng, n, 0.05);
        Matrix h = gaussian(rng, n, d, 0.4);
        int[] sampled = new int[n * k];
        drawNonEdges(t, k, rng, sampled);
        SampledReconstruction kernel = new SampledReconstruction(n, d, k, t.nnz());
        try {
            Matrix g1 = new Matrix(n, d);
            Matrix g2 = new Matrix(n, d);
            Simd.setEnabled(true);
            double l1 = kernel.lossAndGradient(h, t, sampled, 5f, 1f, 1e-10f, 1f, g1);
            double l1b = kernel.lossAndGradient(h, t, sampled, 5f, 1f, 1e-10f, 1f, null);
            Simd.setEnabled(false);
            double l2 = kernel.lossAndGradient(h, t, sampled, 5f, 1f, 1e-10f, 1f, g2);
            assertEquals(l1, l1b, 0.0, "seed " + seed + ": repeat");
            assertEquals(l2, l1, 1e-5 * Math.abs(l2), "seed " + seed + ": simd vs scalar loss");
            for (int i = 0; i < g1.data.length; i++) {
                assertEquals(g2.data[i], g1.data[i], 1e-4 * Math.abs(g2.data[i]) + 1e-7, "seed " + seed + ": grad[" + i + "]");
            }
        } finally {
            Simd.setEnabled(true);
        }
    }

    /**
     * The gather by rows (own pairs, then the pairs pointing at the row) against a direct reference that
     * walks every pair once and adds its term to both endpoints in double precision; and the same bits
     * for 1, 2 and 3 threads.
     */
    @ParameterizedTest
    @MethodSource("fewerSeeds")
    void gradientGatherMatchesPairwiseReferenceForAnyThreadCount(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 150 + rng.nextInt(200);
        int d = 1 + rng.nextInt(40);
        int k = 1 + rng.nextInt(5);
        CsrMatrix t = randomTarget(rng, n, 0.03);
        if (seed % 2 == 1) {
            t = withoutSomeEntries(t, rng); // a directed pattern: the general gather
        }
        Matrix h = gaussian(rng, n, d, 0.4);
        int[] sampled = new int[n * k];
        drawNonEdges(t, k, rng, sampled);
        sampled[rng.nextInt(n * k)] = -1; // a row without that draw
        float w1 = 4f, w2 = 1.3f, eps = 1e-10f;
        SampledReconstruction kernel = new SampledReconstruction(n, d, k, t.nnz());
        Matrix[] grads = new Matrix[3];
        for (int threads = 1; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            grads[threads - 1] = new Matrix(n, d);
            kernel.lossAndGradient(h, t, sampled, w1, w2, eps, 1f, grads[threads - 1]);
        }
        assertTrue(Arrays.equals(grads[0].data, grads[1].data) && Arrays.equals(grads[0].data, grads[2].data),
                "seed " + seed + ": the gradient depends on the thread count");

        double norm = (double) w2 / ((double) n * n);
        double loss = kernel.lossAndGradient(h, t, sampled, w1, w2, eps, 1f, null);
        double refLoss = 0;
        double[] ref = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int e = t.rowPtr[i]; e < t.rowPtr[i + 1]; e++) {
                int j = t.colIdx[e];
                double r = 1 / (1 + Math.exp(-dot(h, i, j)));
                refLoss += -w1 * Math.log(r + eps);
                addPair(ref, h, i, j, norm * (-w1 * r * (1 - r) / (r + eps)));
            }
            double weight = (double) (n - (t.rowPtr[i + 1] - t.rowPtr[i])) / k;
            for (int s = 0; s < k; s++) {
                int j = sampled[i * k + s];
                if (j >= 0) {
                    double r = 1 / (1 + Math.exp(-dot(h, i, j)));
                    refLoss += -weight * Math.log(1 - r + eps);
                    addPair(ref, h, i, j, norm * weight * r * (1 - r) / (1 - r + eps));
                }
            }
        }
        assertEquals(norm * refLoss, loss, 1e-5 * Math.abs(norm * refLoss), "seed " + seed + ": loss");
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int x = 0; x < ref.length; x++) {
            assertEquals(ref[x], grads[0].data[x], 1e-4 * scale, "seed " + seed + ": grad[" + x + "]");
        }
    }

    /** T with about a fifth of its off-diagonal entries removed, so that it is no longer symmetric. */
    private static CsrMatrix withoutSomeEntries(CsrMatrix t, SplittableRandom rng) {
        int[] ptr = new int[t.rows + 1];
        int[] idx = new int[t.nnz()];
        float[] val = new float[t.nnz()];
        int e = 0;
        for (int i = 0; i < t.rows; i++) {
            for (int q = t.rowPtr[i]; q < t.rowPtr[i + 1]; q++) {
                if (t.colIdx[q] == i || rng.nextInt(5) != 0) {
                    idx[e] = t.colIdx[q];
                    val[e++] = 1f;
                }
            }
            ptr[i + 1] = e;
        }
        return new CsrMatrix(t.rows, t.cols, ptr, Arrays.copyOf(idx, e), Arrays.copyOf(val, e));
    }

    private static double dot(Matrix h, int i, int j) {
        double s = 0;
        for (int c = 0; c < h.cols; c++) {
            s += (double) h.get(i, c) * h.get(j, c);
        }
        return s;
    }

    /** ds_ij/dh_i = h_j and ds_ij/dh_j = h_i. */
    private static void addPair(double[] g, Matrix h, int i, int j, double coef) {
        for (int c = 0; c < h.cols; c++) {
            g[i * h.cols + c] += coef * h.get(j, c);
            g[j * h.cols + c] += coef * h.get(i, c);
        }
    }
}
