package org.gmi.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;
import org.gmi.graph.NeighbourSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BatchOperators}, the full graph's operators cut along a sampled batch:
 * <ul>
 *   <li>with fan-outs at least the largest degree every neighbour is sampled, the scale n_u / s_u is
 *       exactly 1, and every block row, neighbour-mean row, feature row and target row is the full
 *       operator's row of that node, bit for bit, in local columns;
 *   <li>with small fan-outs the blocks are unbiased: over 3000 batches the mean of (block Z)[r]
 *       approaches (Â Z)[u] (and M's likewise) within 5 standard errors of the exact variance of
 *       sampling without replacement; through two layers the mean of (B1 B0 Z)[r] approaches
 *       (Â Â Z)[u];
 *   <li>with full fan-outs the GCN encoder on the blocks computes the full-graph forward's rows of
 *       the seeds, for one and two layers.
 * </ul>
 */
class BatchOperatorsTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    /** Row u of {@code m} as column -> value. */
    private static TreeMap<Integer, Float> row(CsrMatrix m, int u) {
        TreeMap<Integer, Float> r = new TreeMap<>();
        for (int k = m.rowPtr[u]; k < m.rowPtr[u + 1]; k++) {
            r.put(m.colIdx[k], m.values[k]);
        }
        return r;
    }

    /** Row r of a batch matrix, its columns mapped to graph nodes. */
    private static TreeMap<Integer, Float> globalRow(CsrMatrix m, int r, int[] nodes) {
        TreeMap<Integer, Float> g = new TreeMap<>();
        for (int k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) {
            Float before = g.put(nodes[m.colIdx[k]], m.values[k]);
            assertEquals(null, before, "two columns of row " + r + " are node " + nodes[m.colIdx[k]]);
        }
        return g;
    }

    /** Bit-equal maps (assertEquals on Float compares floatToIntBits). */
    private static void assertSameRow(String ctx, TreeMap<Integer, Float> want, TreeMap<Integer, Float> got) {
        assertEquals(want.keySet(), got.keySet(), ctx + ": columns");
        for (var e : want.entrySet()) {
            assertEquals(Float.floatToIntBits(e.getValue()), Float.floatToIntBits(got.get(e.getKey())),
                    ctx + ": column " + e.getKey() + ": want " + e.getValue() + ", got " + got.get(e.getKey()));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void fullFanoutsCutTheFullRowsExactly(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Graph g = MinibatchGraphs.random(rng, 20 + rng.nextInt(40), 6, 3);
        GraphOperators full = GraphOperators.of(g);
        int maxDegree = MinibatchGraphs.maxDegree(g.adjacency());
        NeighbourSampler sampler = new NeighbourSampler(g.adjacency());
        for (int layers = 1; layers <= 2; layers++) {
            int[] fanouts = new int[layers];
            for (int l = 0; l < layers; l++) {
                fanouts[l] = Math.max(1, maxDegree + rng.nextInt(3));
            }
            int b = 1 + rng.nextInt(10);
            int[] seeds = MinibatchGraphs.distinctNodes(rng, g.numNodes(), b);
            seeds[rng.nextInt(b)] = 1; // the hub is a seed ...
            if (b > 1 && seeds[0] != 1) {
                seeds[0] = 0; // ... and the isolated node 0 too (where they do not collide)
            }
            seeds = Arrays.stream(seeds).distinct().toArray();
            b = seeds.length;
            NeighbourSampler.Batch batch = sampler.sample(seeds, fanouts, new SplittableRandom(rng.nextLong()));
            BatchOperators ops = BatchOperators.of(full, batch);
            int[] nodes = batch.nodes();
            int[] sizes = batch.sizes();
            String ctx = "seed " + seed + ", layers " + layers + ", seeds " + Arrays.toString(seeds) + ", sizes "
                    + Arrays.toString(sizes);

            assertArrayEquals(nodes, ops.nodes(), ctx + ": nodes");
            assertEquals(b, ops.seeds(), ctx + ": seeds()");
            assertEquals(layers, ops.blocks().length, ctx + ": one block per layer");
            for (int l = 0; l < layers; l++) {
                CsrMatrix block = ops.blocks()[l];
                int realRows = sizes[layers - 1 - l];
                int rows = l == layers - 1 ? b : BatchOperators.padded(realRows);
                assertEquals(rows + "x" + BatchOperators.padded(sizes[layers - l]), block.shape(), ctx + ": block " + l + " shape");
                block.checkInvariants();
                for (int r = 0; r < realRows; r++) {
                    assertSameRow(ctx + ": block " + l + " row " + r + " (node " + nodes[r] + ")", row(full.propagation(), nodes[r]),
                            globalRow(block, r, nodes));
                }
                assertEquals(block.rowPtr[realRows], block.nnz(), ctx + ": block " + l + "'s padding rows are empty");
            }
            CsrMatrix m = ops.neighbourMean();
            assertEquals(b + "x" + BatchOperators.padded(nodes.length), m.shape(), ctx + ": neighbourMean shape");
            m.checkInvariants();
            for (int r = 0; r < b; r++) {
                assertSameRow(ctx + ": neighbourMean row " + r + " (node " + nodes[r] + ")", row(full.neighbourMean(), nodes[r]),
                        globalRow(m, r, nodes));
            }
            assertEquals(BatchOperators.padded(nodes.length) + "x" + full.features().cols, ops.features().shape(), ctx + ": features shape");
            assertEquals(ops.features().rowPtr[nodes.length], ops.features().nnz(), ctx + ": the features' padding rows are empty");
            assertEquals(b + "x" + full.features().cols, ops.seedFeatures().shape(), ctx + ": seedFeatures shape");
            for (int r = 0; r < nodes.length; r++) {
                assertSameRow(ctx + ": features row " + r, row(full.features(), nodes[r]), row(ops.features(), r));
                if (r < b) {
                    assertSameRow(ctx + ": seedFeatures row " + r, row(full.features(), nodes[r]), row(ops.seedFeatures(), r));
                }
            }
            CsrMatrix t = ops.target();
            assertEquals(b + "x" + b, t.shape(), ctx + ": target shape");
            t.checkInvariants();
            for (int r = 0; r < b; r++) {
                TreeMap<Integer, Float> want = new TreeMap<>();
                for (var e : row(full.target(), seeds[r]).entrySet()) {
                    for (int c = 0; c < b; c++) {
                        if (seeds[c] == e.getKey()) {
                            want.put(c, e.getValue());
                        }
                    }
                }
                assertSameRow(ctx + ": target row " + r + " (node " + seeds[r] + ")", want, row(t, r));
                assertEquals(1f, want.get(r), ctx + ": T has the diagonal");
            }
        }
    }

    /** y = rows {@code nodes} of z (local numbering). */
    private static double[][] gather(double[][] z, int[] nodes) {
        double[][] y = new double[nodes.length][];
        for (int i = 0; i < nodes.length; i++) {
            y[i] = z[nodes[i]];
        }
        return y;
    }

    /** m z in double (m's rows over z's rows). */
    private static double[][] times(CsrMatrix m, double[][] z) {
        int d = z[0].length;
        double[][] out = new double[m.rows][d];
        for (int r = 0; r < m.rows; r++) {
            for (int k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) {
                for (int j = 0; j < d; j++) {
                    out[r][j] += m.values[k] * z[m.colIdx[k]][j];
                }
            }
        }
        return out;
    }

    /**
     * The variance of n/s sum over a uniform sample without replacement of s of the n values
     * y_v = m_uv z_vj (v != u): n^2 (1 - s/n) S^2 / s with S^2 = sum (y - mean)^2 / (n - 1).
     */
    private static double samplingVariance(CsrMatrix m, int u, double[][] z, int j, int fanout) {
        int lo = m.rowPtr[u], hi = m.rowPtr[u + 1];
        int n = 0;
        double sum = 0;
        for (int k = lo; k < hi; k++) {
            if (m.colIdx[k] != u) {
                n++;
                sum += m.values[k] * z[m.colIdx[k]][j];
            }
        }
        int s = Math.min(n, fanout);
        if (s == n) {
            return 0;
        }
        double mean = sum / n;
        double ss = 0;
        for (int k = lo; k < hi; k++) {
            if (m.colIdx[k] != u) {
                double y = m.values[k] * z[m.colIdx[k]][j] - mean;
                ss += y * y;
            }
        }
        return (double) n * n * (1 - (double) s / n) * (ss / (n - 1)) / s;
    }

    /**
     * Unbiasedness: the batch's seed rows, averaged over 3000 sampled batches, give Â Z and M Z (one
     * layer, fan-out 3) and Â Â Z through both blocks (two layers, fan-outs 3 and 2). Seeds: the hub
     * (node 1, about 0.6 N neighbours), a node with a self loop and many neighbours, and a third node.
     */
    @Test
    void sampledBlocksAreUnbiased() {
        SplittableRandom rng = new SplittableRandom(2024);
        Graph g = MinibatchGraphs.random(rng, 40, 5, 4);
        CsrMatrix a = g.adjacency();
        GraphOperators full = GraphOperators.of(g);
        int loopNode = -1;
        for (int u = 2; u < a.rows; u++) {
            boolean loop = Arrays.binarySearch(a.colIdx, a.rowPtr[u], a.rowPtr[u + 1], u) >= 0;
            if (loop && (loopNode < 0 || a.rowPtr[u + 1] - a.rowPtr[u] > a.rowPtr[loopNode + 1] - a.rowPtr[loopNode])) {
                loopNode = u;
            }
        }
        assertTrue(loopNode > 0 && a.rowPtr[loopNode + 1] - a.rowPtr[loopNode] >= 5, "fixture: a looped node of degree >= 4");
        int third = loopNode == 2 ? 3 : 2;
        int[] seeds = {1, loopNode, third};
        int d = 3;
        double[][] z = new double[g.numNodes()][d];
        for (double[] r : z) {
            for (int j = 0; j < d; j++) {
                r[j] = 2 * rng.nextDouble() - 0.5; // mean 0.5: a wrong scale moves the rows' sums far
            }
        }
        double[][] az = times(full.propagation(), z);
        double[][] aaz = times(full.propagation(), az);
        double[][] mz = times(full.neighbourMean(), z);
        int trials = 3000;
        NeighbourSampler sampler = new NeighbourSampler(a);
        SplittableRandom draws = new SplittableRandom(77);

        for (int layers = 1; layers <= 2; layers++) {
            int[] fanouts = layers == 1 ? new int[] {3} : new int[] {3, 2};
            double[][] sumBlock = new double[seeds.length][d];
            double[][] sumSqBlock = new double[seeds.length][d];
            double[][] sumMean = new double[seeds.length][d];
            double minHub = Double.POSITIVE_INFINITY, maxHub = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                BatchOperators ops = BatchOperators.of(full, sampler.sample(seeds, fanouts, draws));
                double[][] local = gather(z, ops.nodes());
                double[][] out = layers == 1 ? times(ops.blocks()[0], local) : times(ops.blocks()[1], times(ops.blocks()[0], local));
                double[][] mean = times(ops.neighbourMean(), local);
                for (int r = 0; r < seeds.length; r++) {
                    for (int j = 0; j < d; j++) {
                        sumBlock[r][j] += out[r][j];
                        sumSqBlock[r][j] += out[r][j] * out[r][j];
                        sumMean[r][j] += mean[r][j];
                    }
                }
                minHub = Math.min(minHub, out[0][0]);
                maxHub = Math.max(maxHub, out[0][0]);
            }
            assertTrue(maxHub - minHub > 1e-3, "layers " + layers + ": the hub's row did not vary over the batches: nothing was sampled");
            for (int r = 0; r < seeds.length; r++) {
                int u = seeds[r];
                for (int j = 0; j < d; j++) {
                    String ctx = "layers " + layers + ", seed row " + r + " (node " + u + "), column " + j;
                    double got = sumBlock[r][j] / trials;
                    double want = layers == 1 ? az[u][j] : aaz[u][j];
                    double se;
                    if (layers == 1) {
                        se = Math.sqrt(samplingVariance(full.propagation(), u, z, j, fanouts[0]) / trials);
                    } else {
                        // two layers: the standard error measured from the same draws
                        double var = (sumSqBlock[r][j] - trials * got * got) / (trials - 1);
                        se = Math.sqrt(Math.max(var, 0) / trials);
                    }
                    assertEquals(want, got, 5 * se + 1e-5, ctx + ": mean of the block product");
                    double gotMean = sumMean[r][j] / trials;
                    double seMean = Math.sqrt(samplingVariance(full.neighbourMean(), u, z, j, fanouts[0]) / trials);
                    assertEquals(mz[u][j], gotMean, 5 * seMean + 1e-5, ctx + ": mean of the neighbour mean");
                }
            }
        }
    }

    /**
     * With full fan-outs the encoder on the sampled blocks ({@link GcnEncoder#propagate(Tape,
     * CsrMatrix[], Tensor, String)} after {@link GcnEncoder#firstProjection} of the batch's features)
     * reproduces the full-graph forward's rows of the seeds, to float rounding.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void encoderOnFullBlocksEqualsTheFullForward(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0xB10CL);
        Graph g = MinibatchGraphs.random(rng, 20 + rng.nextInt(30), 8, 3);
        GraphOperators full = GraphOperators.of(g);
        int maxDegree = Math.max(1, MinibatchGraphs.maxDegree(g.adjacency()));
        NeighbourSampler sampler = new NeighbourSampler(g.adjacency());
        for (int layers = 1; layers <= 2; layers++) {
            GcnEncoder encoder = new GcnEncoder(g.numFeatures(), 16, layers, new SplittableRandom(seed));
            // non-zero biases and slopes, so every part of the layers shows in the comparison
            for (var p : encoder.parameters()) {
                if (!p.name().endsWith("weight")) {
                    for (int k = 0; k < p.value().data.length; k++) {
                        p.value().data[k] = (float) (0.4 * rng.nextDouble() - 0.2);
                    }
                }
            }
            Matrix want = encoder.forward(new Tape(), full.features(), full.propagation()).h().value();
            int[] fanouts = new int[layers];
            Arrays.fill(fanouts, maxDegree);
            int[] seeds = MinibatchGraphs.distinctNodes(rng, g.numNodes(), 1 + rng.nextInt(8));
            BatchOperators ops = BatchOperators.of(full, sampler.sample(seeds, fanouts, new SplittableRandom(rng.nextLong())));
            Tape tape = new Tape();
            Tensor z1 = encoder.firstProjection(tape, ops.features());
            Matrix got = encoder.propagate(tape, ops.blocks(), z1, "").value();
            String ctx = "seed " + seed + ", layers " + layers + ", seeds " + Arrays.toString(seeds);
            assertEquals(seeds.length + "x16", got.shape(), ctx + ": shape");
            double scale = 0;
            for (float v : want.data) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int r = 0; r < seeds.length; r++) {
                for (int j = 0; j < 16; j++) {
                    double w = want.get(seeds[r], j);
                    assertEquals(w, got.get(r, j), 1e-5 * (Math.abs(w) + scale), ctx + ": row " + r + " (node " + seeds[r] + "), column " + j);
                }
            }
        }
    }

    /** Node counts are padded to at most an eighth more (or 63 more below 512), and are kept when already a bucket's size. */
    @Test
    void paddingRoundsUpToCoarseBuckets() {
        for (int n = 1; n < 200_000; n += 1 + n / 50) {
            int p = BatchOperators.padded(n);
            assertTrue(p >= n && p - n <= Math.max(63, n / 8), n + " -> " + p);
            assertEquals(p, BatchOperators.padded(p), n + " -> " + p + " is a bucket's size");
        }
        assertEquals(64, BatchOperators.padded(30));
        assertEquals(14336, BatchOperators.padded(13312 + 1));
    }

    /** One layer over the whole graph as one batch: the block is Â's rows in the batch's order. */
    @Test
    void wholeGraphBatchHoldsEveryRow() {
        SplittableRandom rng = new SplittableRandom(5);
        Graph g = MinibatchGraphs.random(rng, 30, 4, 3);
        GraphOperators full = GraphOperators.of(g);
        int[] seeds = MinibatchGraphs.distinctNodes(rng, 30, 30);
        NeighbourSampler.Batch batch = new NeighbourSampler(g.adjacency()).sample(seeds, new int[] {30}, new SplittableRandom(1));
        BatchOperators ops = BatchOperators.of(full, batch);
        assertArrayEquals(new int[] {30, 30}, batch.sizes());
        CsrMatrix block = ops.blocks()[0];
        assertEquals("30x64", block.shape());
        assertEquals(full.propagation().nnz(), block.nnz(), "every entry of Â is in the block");
        assertEquals(full.neighbourMean().nnz(), ops.neighbourMean().nnz(), "every entry of M is in the neighbour mean");
        assertEquals(full.target().nnz(), ops.target().nnz(), "every entry of T is in the target");
        for (int r = 0; r < 30; r++) {
            assertSameRow("row " + r, row(full.propagation(), seeds[r]), globalRow(block, r, seeds));
        }
    }
}
