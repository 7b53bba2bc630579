package org.gmi.engine;

import java.util.SplittableRandom;

/**
 * A warm-up of the kernels before training. A Vector API kernel runs tens to hundreds of times
 * slower in the interpreter and in C1 than once C2 has compiled it with its intrinsics, so without a
 * warm-up the first epochs of a real graph pay for the JIT. {@link #warmUp()} calls every public
 * kernel entry point on the smallest shapes that take both the register-blocked paths and their
 * tails (6 rows x 72 columns: a full 4-row block and a 2-row tail, a 64-column panel and an 8-column
 * tail, row dots of 72 = 4 x 16 + 8; a reconstruction of B + 2 nodes with d = 24: a full B x B tile
 * ({@link Reconstruction#B}), 2-wide edge tiles, a 16-lane loop and an 8-float tail), repeated until
 * C2 has had the chance to compile them, for at most
 * {@value #BUDGET_MILLIS} ms. The shapes are small on purpose: until C2 compiles a kernel every
 * vector operation runs as slow Java code, and C2 compiles a method only after some hundreds of
 * calls, so cheap calls get there soonest. For the same reason each round first calls the inner
 * vector kernels themselves ({@link PanelKernels}, the reconstruction tiles, the SIMD exp and log,
 * the SpMM rows, dot and axpy) on tiny operands, several times, and the public entry points (which
 * add their checks, chunking and threads) every round only once the inner kernels are compiled.
 *
 * <p>It computes on its own small operands only, so it changes no result, only how soon the
 * compiled code runs. The vector path or the scalar one is warmed, whichever {@link Simd} selects;
 * {@code -Dgmi.warmup=false} turns the warm-up off.
 */
public final class JitWarmUp {
    /** Upper bound on the time one warm-up takes. */
    static final long BUDGET_MILLIS = 1500;
    /** Rounds (one call of every kernel each) after which the warm-up stops even within its budget. */
    static final int MAX_ROUNDS = 2000;

    /** Calls of the inner kernels per round: they reach C2's invocation thresholds this much sooner. */
    static final int INNER_PER_ROUND = 4;
    /** Rounds in which the (costlier) public calls run only every 16th round. */
    static final int EARLY_ROUNDS = 256;

    private static boolean done;
    private static Result last = new Result(0, 0.0, false);

    private JitWarmUp() {}

    /**
     * What a warm-up did.
     *
     * @param rounds  rounds of calls made (0 when skipped)
     * @param seconds its wall time
     * @param ran     false when it was skipped: already done in this JVM, or turned off
     */
    public record Result(int rounds, double seconds, boolean ran) {}

    /** Whether {@code -Dgmi.warmup} allows warming up (default: yes). */
    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty("gmi.warmup", "true"));
    }

    /**
     * Warms every kernel up once per JVM (later calls return at once); bounded to about
     * {@value #BUDGET_MILLIS} ms. Returns what this call did.
     */
    public static synchronized Result warmUp() {
        if (done || !enabled()) {
            return new Result(0, 0.0, false);
        }
        done = true;
        last = warmUp(BUDGET_MILLIS * 1_000_000L, MAX_ROUNDS);
        return last;
    }

    /** The result of the warm-up this JVM ran, or a zero result when none ran. */
    public static synchronized Result lastWarmUp() {
        return last;
    }

    /** Runs rounds of kernel calls until {@code maxRounds} or {@code budgetNanos} is reached (at least one round). */
    static Result warmUp(long budgetNanos, int maxRounds) {
        long t0 = System.nanoTime();
        Operands o = new Operands(new SplittableRandom(0x5EEDL));
        boolean simd = Simd.enabled();
        int rounds = 0;
        double sink = 0;
        do {
            if (simd) {
                for (int k = 0; k < INNER_PER_ROUND; k++) {
                    sink += o.inner();
                }
            }
            // the public calls run every round once their kernels are compiled (only now and then before)
            if (!simd || rounds >= EARLY_ROUNDS || rounds % 16 == 0) {
                sink += o.round();
            }
            rounds++;
        } while (rounds < maxRounds && System.nanoTime() - t0 < budgetNanos);
        if (Double.isNaN(sink)) {
            // never true for these operands; keeps the results observably used
            throw new IllegalStateException("kernel warm-up produced NaN");
        }
        return new Result(rounds, (System.nanoTime() - t0) / 1e9, true);
    }

    /** The small operands of the warm-up, and one round of calls over them. */
    private static final class Operands {
        /** Rows (a 4-row block and a 2-row tail) and the inner dimension of the products. */
        static final int M = 6;
        /** Columns: one 64-float panel and an 8-float tail. */
        static final int N = 72;
        /** Nodes of the reconstruction: one full tile of {@link Reconstruction#B} rows and a 2-row edge tile. */
        static final int NODES = Reconstruction.B + 2;
        static final int D = 24;
        static final int SAMPLES = 3;

        final Matrix a = new Matrix(M, M);
        final Matrix b = new Matrix(M, N);
        final Matrix bT = new Matrix(N, M);
        final Matrix c = new Matrix(M, N);
        final Matrix c2 = new Matrix(M, N);
        final CsrMatrix s;
        final int[] idx = new int[M];
        final float[] scores = new float[M];
        /** S with fewer columns than rows (the scatter form of spmmTransA), its output, two score lists. */
        final CsrMatrix wide;
        final Matrix c3 = new Matrix(M / 2, N);
        final int[][] lists = new int[2][];
        final float[] scores2 = new float[2 * M];
        final Matrix gathered = new Matrix(M, N);
        final Matrix h = new Matrix(NODES, D);
        final Matrix dH = new Matrix(NODES, D);
        final CsrMatrix target;
        final Reconstruction exact = new Reconstruction(NODES, D);
        final SampledReconstruction sampled;
        final int[] nonEdges = new int[NODES * SAMPLES];
        /** A reconstruction tile, for the inner calls. */
        final float[] tile = new float[Reconstruction.TILE_BUFFER];

        Operands(SplittableRandom rng) {
            fill(a, rng, 1.0);
            fill(b, rng, 1.0);
            fill(bT, rng, 1.0);
            fill(h, rng, 0.2);
            for (int i = 0; i < M; i++) {
                idx[i] = rng.nextInt(M);
                scores[i] = (float) rng.nextGaussian();
            }
            s = randomCsr(M, M, 2, rng);
            wide = randomCsr(M, M / 2, 1, rng);
            lists[0] = idx;
            for (int i = 0; i < scores2.length; i++) {
                scores2[i] = (float) rng.nextGaussian();
            }
            target = ringWithDiagonal(NODES);
            sampled = new SampledReconstruction(NODES, D, SAMPLES, target.nnz());
            for (int i = 0; i < NODES; i++) {
                for (int t = 0; t < SAMPLES; t++) {
                    nonEdges[i * SAMPLES + t] = (i + 3 + t * 7) % NODES; // never i, i +- 1
                }
            }
        }

        /** The inner vector kernels, once each on tiny operands (their blocked paths and tails). */
        double inner() {
            // C (6 x 72) += A (6 x 2) B (2 x 72): a 4-row block, a 2-row tail, a 64-float panel, an 8-float tail
            PanelKernels.updateSimd(a.data, 0, M, 1, b.data, 0, N, 2, c.data, 0, N, M, N);
            // the transposed strides of the reconstruction's G^T H_I
            PanelKernels.updateSimd(a.data, 0, 1, M, b.data, 0, N, 2, c2.data, 0, N, M, N);
            // whole blocks only (no tail row or column: the shapes of training at d = 512), and rows
            // too few for one block: each branch the training shapes take must have been taken here,
            // or C2 compiled it as a trap and the first epoch runs deoptimised (seconds, and garbage)
            PanelKernels.updateSimd(a.data, 0, M, 1, b.data, 0, N, 2, c.data, 0, N, 4, 64);
            PanelKernels.updateSimd(a.data, 0, 1, M, b.data, 0, N, 2, c2.data, 0, N, 4, 64);
            PanelKernels.updateSimd(a.data, 0, M, 1, b.data, 0, N, 2, c.data, 0, N, 3, N);
            Reconstruction.tileDotsSimd(h.data, D, 0, 1, 0, 0, 5, tile);       // 5 columns (4 + 1), d = 16 + 8
            double loss = Reconstruction.nonEdgeLossSimd(tile, Reconstruction.B, D, 1e-10f); // one row: 16 + 8
            Spmm.spmmRowsSimd(s.rowPtr, s.colIdx, s.values, b.data, c.data, N, 0, M);
            float dot = VectorKernels.dotSimd(b.data, 0, c.data, N, N);
            VectorKernels.axpySimd(1e-3f, c.data, 0, b.data, N, N);
            scale(b, c, c2);
            return loss + dot;
        }

        /** One call of every public kernel entry point; returns a value that depends on all of them. */
        double round() {
            Gemm.gemm(a, b, c, false);                      // (6 x 6) (6 x 72)
            Gemm.gemmTransA(a, b, c2, false);               // (6 x 6)^T (6 x 72)
            Gemm.gemmTransB(a, bT, c, true);                // (6 x 6) (72 x 6)^T
            Spmm.spmm(s, b, c, true);
            Spmm.spmmTransA(s, c, c2, true);
            Spmm.spmmTransA(wide, c, c3, true);             // the column scatter
            Spmm.spmmPanels(s, b, c, true);                 // the panel forms (long rows of S take them)
            Spmm.scatterPanels(wide, c, c3, true);
            RowOps.rowDotsBackwardLists(b, lists, c, scores2, c2, gathered);
            RowOps.rowDotsBackwardLists(b, lists, c, scores2, c2, false, gathered, false);
            RowOps.rowDots(b, idx, c, scores, 0);
            RowOps.rowDots(c2, null, c, scores, 0);
            RowOps.rowDotsBackward(b, idx, c, scores, 0, c2, gathered);
            RowOps.rowDotsBackward(c2, null, c, scores, 0, gathered, c);
            RowOps.gatherRows(c2, idx, gathered);
            RowOps.scatterAddRows(gathered, idx, c2);
            float dot = VectorKernels.dot(b.data, 0, c.data, N, N);
            VectorKernels.axpy(1e-3f, c.data, 0, b.data, N, N);
            dH.fill(0f);
            // the elementwise layers over a length with a scalar tail: a tail first met in training
            // would deoptimise the compiled loop there, and the interpreted Vector API allocates
            int odd = c.data.length - 3;
            Elementwise.prelu(c.data, 0.25f, c2.data, odd);
            Elementwise.preluBackward(c.data, 0.25f, c2.data, gathered.data, odd, true);
            Elementwise.preluBackward(c.data, 0.25f, c2.data, gathered.data, odd, false);
            Elementwise.addBias(c.data, c3.data, c2.data, M, N);
            Elementwise.addColumnSums(c2.data, M, N, c3.data);
            Elementwise.addScaled(0.5f, c.data, c2.data, odd, true);
            Elementwise.addScaled(0.5f, c.data, c2.data, odd, false);
            double rec = exact.lossAndGradient(h, target, 10f, 1.01f, 1e-10f, 1f, dH);
            double est = sampled.lossAndGradient(h, target, nonEdges, 10f, 1.01f, 1e-10f, 1f, dH);
            // keep the operands bounded over thousands of rounds: they grow by accumulation
            scale(b, c, c2, c3, gathered);
            return rec + est + dot + c.data[0] + c2.data[0] + c3.data[0];
        }

        private static void scale(Matrix... ms) {
            for (Matrix m : ms) {
                float max = 0f;
                for (float v : m.data) {
                    max = Math.max(max, Math.abs(v));
                }
                if (max > 1e3f || !Float.isFinite(max)) {
                    float f = Float.isFinite(max) ? 1f / max : 0f;
                    for (int i = 0; i < m.data.length; i++) {
                        m.data[i] = Float.isFinite(m.data[i]) ? m.data[i] * f : 0f;
                    }
                }
            }
        }

        private static void fill(Matrix m, SplittableRandom rng, double scale) {
            for (int i = 0; i < m.data.length; i++) {
                m.data[i] = (float) (rng.nextGaussian() * scale);
            }
        }

        /** A rows x cols CSR matrix with {@code perRow} sorted distinct columns per row. */
        private static CsrMatrix randomCsr(int rows, int cols, int perRow, SplittableRandom rng) {
            int[] ptr = new int[rows + 1];
            int[] col = new int[rows * perRow];
            float[] val = new float[rows * perRow];
            int k = 0;
            for (int i = 0; i < rows; i++) {
                int start = rng.nextInt(cols - perRow * 2 + 1);
                for (int t = 0; t < perRow; t++) {
                    col[k] = start + 2 * t;
                    val[k] = (float) rng.nextDouble();
                    k++;
                }
                ptr[i + 1] = k;
            }
            return new CsrMatrix(rows, cols, ptr, col, val);
        }

        /** T of a ring: i ~ i - 1, i, i + 1 (mod n), sorted, symmetric, diagonal present. */
        private static CsrMatrix ringWithDiagonal(int n) {
            int[] ptr = new int[n + 1];
            int[] col = new int[3 * n];
            float[] val = new float[3 * n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                int[] row = {(i + n - 1) % n, i, (i + 1) % n};
                java.util.Arrays.sort(row);
                for (int j : row) {
                    col[k] = j;
                    val[k++] = 1f;
                }
                ptr[i + 1] = k;
            }
            return new CsrMatrix(n, n, ptr, col, val);
        }
    }
}
