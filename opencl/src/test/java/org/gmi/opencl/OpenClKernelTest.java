package org.gmi.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.gmi.engine.Backend;
import org.gmi.engine.CpuBackend;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.Fixtures;
import org.gmi.engine.Indices;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every OpenCL kernel against the CPU backend (the oracle) on random inputs built from a printed
 * seed: sizes around the tile side 16 and the reduction width (1, 2, 15, 16, 17, 33, 65, ...),
 * empty rows, zero-entry sparse matrices, accumulate and overwrite. Tolerances, elementwise
 * |cl - cpu| <= ABS + REL |cpu|:
 * <ul>
 *   <li>products (GEMM, SpMM, row dots and their backwards, column sums): 1e-5 + 1e-5 |x|, scaled
 *       by the inner length (float sums in another order);
 *   <li>elementwise ops (bias, PReLU, add, fill, copy, row gather): exact; sigmoid and its backward,
 *       the row mean: 1e-6 to 1e-5 relative (float exp on the device, double on the host); Adam: 1e-6
 *       relative (sqrt, division);
 *   <li>JSD and BCE terms and gradients: 1e-5 relative (float on the device, double on the host);
 *   <li>the reconstruction: loss 1e-4 relative, gradient 1e-4 of its largest entry (N^2 float
 *       terms summed in another order); the sampled one: 1e-5 (far fewer terms).
 * </ul>
 */
class OpenClKernelTest {
    private static OpenClBackend cl;
    private static final CpuBackend CPU = CpuBackend.INSTANCE;
    private static final int[] SIZES = {1, 2, 3, 5, 15, 16, 17, 31, 33, 47, 65, 100};

    @BeforeAll
    static void open() {
        cl = OpenClTestSupport.openOrSkip();
    }

    @AfterAll
    static void close() {
        if (cl != null) {
            cl.close();
        }
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Integer.getInteger("gmi.test.seeds", 12));
    }

    private static int size(SplittableRandom rng) {
        return rng.nextBoolean() ? SIZES[rng.nextInt(SIZES.length)] : 1 + rng.nextInt(70);
    }

    private static Matrix random(SplittableRandom rng, int rows, int cols) {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextInt(6) == 0 ? 0f : (float) (2 * rng.nextDouble() - 1);
        }
        return m;
    }

    /** A symmetric target pattern with its diagonal (T = A + I) over n nodes. */
    private static CsrMatrix randomTarget(SplittableRandom rng, int n) {
        boolean[][] a = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = true;
            for (int j = i + 1; j < n; j++) {
                if (rng.nextDouble() < 0.08) {
                    a[i][j] = true;
                    a[j][i] = true;
                }
            }
        }
        int[] ptr = new int[n + 1];
        List<Integer> col = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (a[i][j]) {
                    col.add(j);
                }
            }
            ptr[i + 1] = col.size();
        }
        float[] ones = new float[col.size()];
        java.util.Arrays.fill(ones, 1f);
        return new CsrMatrix(n, n, ptr, col.stream().mapToInt(Integer::intValue).toArray(), ones);
    }

    private static DeviceMatrix up(Matrix m) {
        return cl.upload(m);
    }

    private static Matrix down(DeviceMatrix m) {
        return cl.download(m);
    }

    /** |actual - expected| <= abs + rel |expected| elementwise; names the op, seed and index. */
    private static void assertClose(String op, long seed, Matrix expected, Matrix actual, double abs, double rel) {
        assertEquals(expected.rows, actual.rows, op + " rows");
        assertEquals(expected.cols, actual.cols, op + " cols");
        for (int i = 0; i < expected.data.length; i++) {
            double e = expected.data[i];
            double a = actual.data[i];
            if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) {
                fail(op + " (seed " + seed + ", " + expected.shape() + "): entry " + i + " is " + a + ", the CPU gives " + e
                        + " (tolerance " + abs + " + " + rel + " |x|)");
            }
        }
    }

    private static void check(String op, long seed, Matrix cpu, DeviceMatrix dev, double abs, double rel) {
        assertClose(op + " (" + cl.kernels() + " kernels)", seed, cpu, down(dev), abs, rel);
    }

    /** Runs {@code body} on each kernel set of the backend, the tuned one left in place afterwards. */
    private static void onBothKernelSets(Runnable body) {
        try {
            for (OpenClBackend.Kernels k : OpenClBackend.Kernels.values()) {
                cl.useKernels(k);
                body.run();
            }
        } finally {
            cl.useKernels(OpenClBackend.Kernels.TUNED);
        }
    }

    private static void free(DeviceMatrix... ms) {
        for (DeviceMatrix m : ms) {
            cl.release(m);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gemmVariantsMatchTheCpu(long seed) {
        onBothKernelSets(() -> gemmVariants(seed));
    }

    private void gemmVariants(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = size(rng), k = size(rng), n = size(rng);
        boolean acc = rng.nextBoolean();
        double tol = 1e-5 * Math.max(1, k);
        Matrix a = random(rng, m, k), b = random(rng, k, n), c0 = random(rng, m, n);
        Matrix c = c0.copy();
        CPU.gemm(a, b, c, acc);
        DeviceMatrix da = up(a), db = up(b), dc = up(c0);
        cl.gemm(da, db, dc, acc);
        check("gemm", seed, c, dc, tol, 1e-5);
        // A^T B: A is m x k, B is m x n -> k x n
        Matrix bt = random(rng, m, n), ct0 = random(rng, k, n);
        Matrix ct = ct0.copy();
        CPU.gemmTransA(a, bt, ct, acc);
        DeviceMatrix dbt = up(bt), dct = up(ct0);
        cl.gemmTransA(da, dbt, dct, acc);
        check("gemmTransA", seed, ct, dct, 1e-5 * Math.max(1, m), 1e-5);
        // A B^T: A is m x k, B is n x k -> m x n
        Matrix bb = random(rng, n, k);
        Matrix cb = c0.copy();
        CPU.gemmTransB(a, bb, cb, acc);
        DeviceMatrix dbb = up(bb), dcb = up(c0);
        cl.gemmTransB(da, dbb, dcb, acc);
        check("gemmTransB", seed, cb, dcb, tol, 1e-5);
        free(da, db, dc, dbt, dct, dbb, dcb);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void tiledGemmMatchesTheCpuOnEveryTileSplitAndOffset(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        // shapes across several tiles of both sizes; k long enough for three splits of 512
        int m = 1 + rng.nextInt(200), n = 1 + rng.nextInt(200);
        int k = rng.nextBoolean() ? 1 + rng.nextInt(40) : 1100 + rng.nextInt(600);
        int skipA = rng.nextInt(3), skipC = rng.nextInt(3);
        for (OpenClBackend.GemmTile tile : new OpenClBackend.GemmTile[] {OpenClBackend.GemmTile.LARGE, OpenClBackend.GemmTile.SMALL}) {
            for (int splits : new int[] {1, 3}) {
                for (int variant = 0; variant < 4; variant++) {
                    boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0;
                    boolean acc = rng.nextBoolean();
                    // op(A) is m x k: stored k x m when transposed; skipA leading rows before it (an offset)
                    Matrix aStore = random(rng, skipA + (ta ? k : m), ta ? m : k);
                    Matrix bStore = random(rng, tb ? n : k, tb ? k : n);
                    Matrix a = new Matrix(m, k), b = new Matrix(k, n);
                    for (int i = 0; i < m; i++) {
                        for (int p = 0; p < k; p++) {
                            a.data[i * k + p] = ta ? aStore.data[(skipA + p) * m + i] : aStore.data[(skipA + i) * k + p];
                        }
                    }
                    for (int p = 0; p < k; p++) {
                        for (int j = 0; j < n; j++) {
                            b.data[p * n + j] = tb ? bStore.data[j * k + p] : bStore.data[p * n + j];
                        }
                    }
                    Matrix cStore = random(rng, skipC + m, n);
                    Matrix c = new Matrix(m, n, java.util.Arrays.copyOfRange(cStore.data, skipC * n, (skipC + m) * n));
                    CPU.gemm(a, b, c, acc);
                    DeviceMatrix da = up(aStore), db = up(bStore), dc = up(cStore);
                    cl.gemmTiled(cl.mem(da), skipA * (ta ? m : k), ta ? m : k, ta, cl.mem(db), 0, tb ? k : n, tb,
                            cl.mem(dc), skipC * n, m, n, k, acc, tile, splits);
                    Matrix got = down(dc);
                    String what = "gemmTiled " + tile + " splits " + splits + (ta ? " A^T" : " A") + (tb ? " B^T" : " B")
                            + (acc ? " accumulate" : "") + " " + m + "x" + n + "x" + k;
                    assertClose(what, seed, c, new Matrix(m, n, java.util.Arrays.copyOfRange(got.data, skipC * n, (skipC + m) * n)),
                            1e-5 * k, 1e-5);
                    for (int i = 0; i < skipC * n; i++) {
                        assertEquals(cStore.data[i], got.data[i], what + ": entry " + i + " before C's offset was written (seed " + seed + ")");
                    }
                    free(da, db, dc);
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reconstructionInSeveralChunksMatchesTheCpu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 20 + rng.nextInt(180);
        int d = 1 + rng.nextInt(70);
        int chunkRows = 1 + rng.nextInt(n / 2);
        CsrMatrix t = randomTarget(rng, n);
        Matrix h = random(rng, n, d);
        Matrix dh = random(rng, n, d);
        DeviceMatrix dH = up(h), dDh = up(dh);
        double expected = CPU.reconstruction(n, d).lossAndGradient(h, t, 9f, 1.3f, 1e-10f, 1f, dh);
        ClReconstruction chunked = new ClReconstruction(cl, n, d, chunkRows);
        assertEquals(chunkRows, chunked.chunkRows());
        double actual = chunked.lossAndGradient(dH, t, 9f, 1.3f, 1e-10f, 1f, dDh);
        assertEquals(expected, actual, 1e-4 * Math.abs(expected), "chunked reconstruction loss (seed " + seed + ", n " + n
                + ", chunks of " + chunkRows + ")");
        float max = 0;
        for (float v : dh.data) {
            max = Math.max(max, Math.abs(v));
        }
        check("chunked reconstruction gradient, chunks of " + chunkRows, seed, dh, dDh, 1e-4 * max, 0);
        free(dH, dDh);
    }

    @Test
    void chunksHoldAtMostTheirBudgetAndAreWholeTiles() {
        assertEquals(2708, ClReconstruction.defaultChunkRows(2708));
        int rows = ClReconstruction.defaultChunkRows(18333);
        assertTrue((long) rows * 18333 <= ClReconstruction.CHUNK_FLOATS, "chunk of " + rows + " rows");
        assertEquals(0, rows % OpenClBackend.GemmTile.LARGE.bm());
        assertTrue(rows >= 1024, "chunk of " + rows + " rows");
        assertEquals(OpenClBackend.GemmTile.LARGE.bm(), ClReconstruction.defaultChunkRows(10_000_000));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void columnSumsAndMeansOfTallMatricesMatchTheCpu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = 64 + rng.nextInt(5000), n = 1 + rng.nextInt(40);
        Matrix x = random(rng, m, n), db0 = random(rng, 1, n);
        Matrix db = db0.copy();
        CPU.addColumnSums(x, db);
        DeviceMatrix dX = up(x), dDb = up(db0);
        cl.addColumnSums(dX, dDb);
        check("addColumnSums " + m + " rows", seed, db, dDb, 1e-5 * m, 1e-5);
        Matrix mean = new Matrix(1, n);
        CPU.rowMean(x, mean);
        DeviceMatrix dMean = cl.allocate(1, n);
        cl.rowMean(dX, dMean);
        check("rowMean " + m + " rows", seed, mean, dMean, 1e-5, 1e-5);
        free(dX, dDb, dMean);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void spmmAndItsTransposeMatchTheCpu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = size(rng), k = size(rng), n = size(rng);
        boolean acc = rng.nextBoolean();
        CsrMatrix s = Fixtures.randomCsr(rng, m, k);
        Matrix b = random(rng, k, n), c0 = random(rng, m, n);
        Matrix c = c0.copy();
        CPU.spmm(s, b, c, acc);
        DeviceMatrix db = up(b), dc = up(c0);
        cl.spmm(s, db, dc, acc);
        check("spmm", seed, c, dc, 1e-5 * Math.max(1, k), 1e-5);
        Matrix bt = random(rng, m, n), ct0 = random(rng, k, n);
        Matrix ct = ct0.copy();
        CPU.spmmTransA(s, bt, ct, acc);
        DeviceMatrix dbt = up(bt), dct = up(ct0);
        cl.spmmTransA(s, dbt, dct, acc);
        check("spmmTransA", seed, ct, dct, 1e-5 * Math.max(1, m), 1e-5);
        free(db, dc, dbt, dct);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void elementwiseOpsMatchTheCpu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = size(rng), n = size(rng);
        Matrix x = random(rng, m, n), bias = random(rng, 1, n), dy = random(rng, m, n), dx0 = random(rng, m, n);
        Matrix slope = new Matrix(1, 1, new float[] {(float) rng.nextDouble()});
        DeviceMatrix dX = up(x), dBias = up(bias), dDy = up(dy), dSlope = up(slope);
        // add bias
        Matrix out = new Matrix(m, n);
        CPU.addBias(x, bias, out);
        DeviceMatrix dOut = cl.allocate(m, n);
        cl.addBias(dX, dBias, dOut);
        check("addBias", seed, out, dOut, 0, 0);
        // column sums
        Matrix db = bias.copy();
        CPU.addColumnSums(dy, db);
        DeviceMatrix dDb = up(bias);
        cl.addColumnSums(dDy, dDb);
        check("addColumnSums", seed, db, dDb, 1e-5 * m, 1e-5);
        // PReLU and its backward
        CPU.prelu(x, slope, out);
        cl.prelu(dX, dSlope, dOut);
        check("prelu", seed, out, dOut, 0, 0);
        Matrix dx = dx0.copy();
        Matrix da = new Matrix(1, 1, new float[] {0.5f});
        CPU.preluBackward(x, slope, dy, dx, da);
        DeviceMatrix dDx = up(dx0), dDa = up(new Matrix(1, 1, new float[] {0.5f}));
        cl.preluBackward(dX, dSlope, dDy, dDx, dDa);
        check("preluBackward dx", seed, dx, dDx, 1e-7, 1e-6);
        check("preluBackward da", seed, da, dDa, 1e-5 * m * n, 1e-5);
        // add scaled, fill, copy
        float alpha = (float) (2 * rng.nextDouble() - 1);
        Matrix y = dx0.copy();
        CPU.addScaled(alpha, dy, y);
        DeviceMatrix dY = up(dx0);
        cl.addScaled(alpha, dDy, dY);
        check("addScaled", seed, y, dY, 1e-7, 1e-6);
        cl.copy(dX, dY);
        check("copy", seed, x, dY, 0, 0);
        cl.fill(dY, 0.25f);
        Matrix filled = new Matrix(m, n);
        filled.fill(0.25f);
        check("fill", seed, filled, dY, 0, 0);
        free(dX, dBias, dDy, dSlope, dOut, dDb, dDx, dDa, dY);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void scoresAndTheirBackwardMatchTheCpu(long seed) {
        onBothKernelSets(() -> scores(seed));
    }

    private void scores(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = size(rng), d = size(rng), leftRows = size(rng);
        int lists = 1 + rng.nextInt(5);
        int[][] idx = new int[lists][];
        for (int k = 0; k < lists; k++) {
            if (k == 0 && rng.nextBoolean() && leftRows == n) {
                continue; // an identity list (the positives) when the shapes allow it
            }
            idx[k] = new int[n];
            for (int i = 0; i < n; i++) {
                idx[k][i] = rng.nextInt(leftRows);
            }
        }
        if (idx[0] == null && leftRows != n) {
            fail("unreachable");
        }
        Matrix left = random(rng, leftRows, d), right = random(rng, n, d);
        Matrix c = new Matrix(1, 1, new float[] {(float) (2 * rng.nextDouble() - 1)});
        Matrix out = new Matrix(lists, n);
        Indices hostIdx = CPU.indices(idx, leftRows);
        CPU.rowDots(left, hostIdx, right, c, out);
        DeviceMatrix dl = up(left), dr = up(right), dc = up(c), dOut = cl.allocate(lists, n);
        Indices devIdx = cl.indices(idx, leftRows);
        cl.rowDots(dl, devIdx, dr, dc, dOut);
        check("rowDots", seed, out, dOut, 1e-5 * d, 1e-5);
        // backward
        Matrix dy = random(rng, lists, n);
        Matrix gl = random(rng, leftRows, d), gr = random(rng, n, d), gc = new Matrix(1, 1, new float[] {0.1f});
        DeviceMatrix dDy = up(dy), dGl = up(gl), dGr = up(gr), dGc = up(gc);
        CPU.rowDotsBackward(left, hostIdx, right, dy, gl, gr, gc);
        cl.rowDotsBackward(dl, devIdx, dr, dDy, dGl, dGr, dGc);
        check("rowDotsBackward dLeft", seed, gl, dGl, 1e-5 * lists * n, 1e-5);
        check("rowDotsBackward dRight", seed, gr, dGr, 1e-5 * lists, 1e-5);
        check("rowDotsBackward dc", seed, gc, dGc, 1e-5 * lists * n, 1e-5);
        free(dl, dr, dc, dOut, dDy, dGl, dGr, dGc);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void jsdAndItsGradientMatchTheCpu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = size(rng) * (rng.nextBoolean() ? 1 : 40);
        int k = 1 + rng.nextInt(5);
        boolean probabilities = rng.nextBoolean();
        Matrix pos = random(rng, 1, n), neg = random(rng, k, n);
        for (int i = 0; i < neg.data.length; i += 7) {
            neg.data[i] *= 30; // large scores: the stable softplus and sigmoid
        }
        DeviceMatrix dPos = up(pos), dNeg = up(neg);
        double expected = CPU.jsd(pos, neg, probabilities);
        double actual = cl.jsd(dPos, dNeg, probabilities);
        assertEquals(expected, actual, 1e-5 * Math.abs(expected) + 1e-7, "jsd (seed " + seed + ")");
        double upstream = 2 * rng.nextDouble() - 1;
        Matrix gp = random(rng, 1, n), gn = random(rng, k, n);
        DeviceMatrix dGp = up(gp), dGn = up(gn);
        CPU.jsdBackward(pos, neg, probabilities, upstream, gp, gn);
        cl.jsdBackward(dPos, dNeg, probabilities, upstream, dGp, dGn);
        check("jsdBackward pos", seed, gp, dGp, 1e-7, 1e-5);
        check("jsdBackward neg", seed, gn, dGn, 1e-7, 1e-5);
        free(dPos, dNeg, dGp, dGn);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reconstructionMatchesTheCpu(long seed) {
        onBothKernelSets(() -> reconstruction(seed));
    }

    private void reconstruction(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = size(rng) + (rng.nextBoolean() ? 64 : 0);
        int d = size(rng);
        CsrMatrix t = randomTarget(rng, n);
        Matrix h = random(rng, n, d);
        float spread = (float) (0.2 + 2 * rng.nextDouble());
        for (int i = 0; i < h.data.length; i++) {
            h.data[i] *= spread;
        }
        float w1 = (float) (1 + 20 * rng.nextDouble());
        float w2 = (float) (1 + rng.nextDouble());
        float scale = rng.nextBoolean() ? 1f : 0.5f;
        Matrix dh = random(rng, n, d);
        DeviceMatrix dH = up(h), dDh = up(dh);
        double expected = CPU.reconstruction(n, d).lossAndGradient(h, t, w1, w2, 1e-10f, scale, dh);
        double actual = cl.reconstruction(n, d).lossAndGradient(dH, t, w1, w2, 1e-10f, scale, dDh);
        assertEquals(expected, actual, 1e-4 * Math.abs(expected), "reconstruction loss (seed " + seed + ", n " + n + ", d " + d + ", "
                + cl.kernels() + " kernels)");
        float max = 0;
        for (float v : dh.data) {
            max = Math.max(max, Math.abs(v));
        }
        check("reconstruction gradient", seed, dh, dDh, 1e-4 * max, 0);
        // the loss alone (no gradient) is the same loss
        double lossOnly = cl.reconstruction(n, d).lossAndGradient(dH, t, w1, w2, 1e-10f, scale, null);
        assertEquals(actual, lossOnly, 1e-6 * Math.abs(actual), "reconstruction without gradient (seed " + seed + ")");
        free(dH, dDh);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void dgiOpsMatchTheCpu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = size(rng), d = size(rng), srcRows = size(rng);
        // gather and its scatter (repeated rows: a shuffle with replacement)
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = rng.nextInt(srcRows);
        }
        Matrix src = random(rng, srcRows, d), out = new Matrix(n, d);
        CPU.gatherRows(src, CPU.indices(idx, srcRows), out);
        DeviceMatrix dSrc = up(src), dOut = cl.allocate(n, d);
        Indices devIdx = cl.indices(idx, srcRows);
        cl.gatherRows(dSrc, devIdx, dOut);
        check("gatherRows", seed, out, dOut, 0, 0);
        Matrix g = random(rng, n, d), acc = random(rng, srcRows, d);
        DeviceMatrix dG = up(g), dAcc = up(acc);
        CPU.scatterAddRows(g, CPU.indices(idx, srcRows), acc);
        cl.scatterAddRows(dG, devIdx, dAcc);
        check("scatterAddRows", seed, acc, dAcc, 1e-5 * n, 1e-5);
        // readout: row mean and sigmoid, and their backwards
        Matrix mean = new Matrix(1, d);
        CPU.rowMean(src, mean);
        DeviceMatrix dMean = cl.allocate(1, d);
        cl.rowMean(dSrc, dMean);
        check("rowMean", seed, mean, dMean, 1e-6, 1e-5);
        Matrix dy = random(rng, 1, d), dx = random(rng, srcRows, d);
        DeviceMatrix dDy = up(dy), dDx = up(dx);
        CPU.rowMeanBackward(dy, dx);
        cl.rowMeanBackward(dDy, dDx);
        check("rowMeanBackward", seed, dx, dDx, 1e-7, 1e-6);
        Matrix big = random(rng, n, d);
        for (int i = 0; i < big.data.length; i += 5) {
            big.data[i] *= 40; // saturating inputs: the stable sigmoid
        }
        Matrix sig = new Matrix(n, d);
        CPU.sigmoid(big, sig);
        DeviceMatrix dBig = up(big), dSig = cl.allocate(n, d);
        cl.sigmoid(dBig, dSig);
        check("sigmoid", seed, sig, dSig, 1e-7, 1e-6);
        Matrix sg = random(rng, n, d), sx = random(rng, n, d);
        DeviceMatrix dSg = up(sg), dSx = up(sx);
        CPU.sigmoidBackward(sig, sg, sx);
        cl.sigmoidBackward(dSig, dSg, dSx);
        check("sigmoidBackward", seed, sx, dSx, 1e-7, 1e-5);
        // the loss: BCE with logits and its gradient
        Matrix pos = random(rng, 1, n), neg = random(rng, 1, n);
        neg.data[0] *= 50;
        DeviceMatrix dPos = up(pos), dNeg = up(neg);
        double expected = CPU.bceWithLogits(pos, neg);
        assertEquals(expected, cl.bceWithLogits(dPos, dNeg), 1e-5 * Math.abs(expected) + 1e-7, "bce (seed " + seed + ")");
        float upstream = (float) (2 * rng.nextDouble() - 1);
        Matrix gp = random(rng, 1, n), gn = random(rng, 1, n);
        DeviceMatrix dGp = up(gp), dGn = up(gn);
        CPU.bceWithLogitsBackward(pos, neg, upstream, gp, gn);
        cl.bceWithLogitsBackward(dPos, dNeg, upstream, dGp, dGn);
        check("bceBackward pos", seed, gp, dGp, 1e-7, 1e-5);
        check("bceBackward neg", seed, gn, dGn, 1e-7, 1e-5);
        free(dSrc, dOut, dG, dAcc, dMean, dDy, dDx, dBig, dSig, dSg, dSx, dPos, dNeg, dGp, dGn);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sampledReconstructionMatchesTheCpu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = size(rng) + 1;
        int d = size(rng);
        int k = 1 + rng.nextInt(6);
        CsrMatrix t = randomTarget(rng, n);
        int[] sampled = new int[n * k];
        for (int i = 0; i < sampled.length; i++) {
            sampled[i] = rng.nextInt(8) == 0 ? -1 : rng.nextInt(n); // draws may repeat; -1: none
        }
        Matrix h = random(rng, n, d);
        float w1 = (float) (1 + 20 * rng.nextDouble());
        float w2 = (float) (1 + rng.nextDouble());
        float scale = rng.nextBoolean() ? 1f : 0.5f;
        Matrix dh = random(rng, n, d);
        DeviceMatrix dH = up(h), dDh = up(dh);
        double expected = CPU.sampledReconstruction(n, d, k, t.nnz()).lossAndGradient(h, t, sampled, w1, w2, 1e-10f, scale, dh);
        double actual = cl.sampledReconstruction(n, d, k, t.nnz()).lossAndGradient(dH, t, sampled, w1, w2, 1e-10f, scale, dDh);
        assertEquals(expected, actual, 1e-5 * Math.abs(expected), "sampled reconstruction loss (seed " + seed + ", n " + n + ", k " + k + ")");
        float max = 0;
        for (float v : dh.data) {
            max = Math.max(max, Math.abs(v));
        }
        check("sampled reconstruction gradient", seed, dh, dDh, 1e-5 * max, 0);
        free(dH, dDh);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void adamMatchesTheCpu(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = size(rng), n = size(rng);
        Matrix w = random(rng, m, n), g = random(rng, m, n), mo = random(rng, m, n), v = random(rng, m, n);
        for (int i = 0; i < v.data.length; i++) {
            v.data[i] = Math.abs(v.data[i]);
        }
        boolean hasGrad = rng.nextInt(4) != 0;
        float wd = rng.nextBoolean() ? 0f : 1e-3f;
        int step = 1 + rng.nextInt(50);
        float c1 = (float) (1 - Math.pow(0.9, step));
        float c2 = (float) (1 - Math.pow(0.999, step));
        DeviceMatrix dW = up(w), dG = up(g), dM = up(mo), dV = up(v);
        CPU.adamStep(w, hasGrad ? g : null, mo, v, 0.9f, 0.999f, c1, c2, 1e-3f, 1e-8f, wd);
        cl.adamStep(dW, hasGrad ? dG : null, dM, dV, 0.9f, 0.999f, c1, c2, 1e-3f, 1e-8f, wd);
        check("adam w", seed, w, dW, 1e-7, 1e-6);
        check("adam m", seed, mo, dM, 1e-8, 1e-6);
        check("adam v", seed, v, dV, 1e-8, 1e-6);
        free(dW, dG, dM, dV);
    }

    @Test
    void shapesAreCheckedNamingTheOp() {
        DeviceMatrix a = cl.allocate(3, 4), b = cl.allocate(5, 2), c = cl.allocate(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cl.gemm(a, b, c, false));
        assertEquals("gemm: (3x4) x (5x2) -> (3x2)", e.getMessage());
        Matrix host = new Matrix(3, 4);
        assertThrows(IllegalArgumentException.class, () -> cl.gemm(host, b, c, false), "a CPU matrix on the OpenCL backend");
        free(a, b, c);
    }

    @Test
    void memoryIsCountedAndGivenBack() {
        long before = cl.liveBytes();
        DeviceMatrix m = cl.allocate(100, 10);
        assertEquals(before + 4000, cl.liveBytes());
        assertTrue(cl.peakBytes() >= before + 4000);
        cl.release(m);
        assertEquals(before, cl.liveBytes());
        Backend b = m.backend();
        assertEquals(cl, b);
    }
}
