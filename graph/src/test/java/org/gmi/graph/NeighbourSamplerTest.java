package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.gmi.engine.CsrMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link NeighbourSampler}: on random graphs with self loops, isolated nodes and a hub of degree
 * above the sampler's initial scratch (64), for one and two hops, every batch has the documented
 * structure (seeds first, nodes numbered by the hop that first reached them, sampled neighbours true
 * neighbours, never the node itself, distinct, min(fan-out, degree) of them, inside the next prefix;
 * seedPairs the adjacency among the seeds); the draws are uniform; a batch depends on the generator's
 * seed alone, also after earlier (or refused) calls on the same sampler.
 */
class NeighbourSamplerTest {

    static LongStream seeds() {
        return TestData.seeds();
    }

    /**
     * A symmetric binary adjacency on 20 to 119 nodes: Erdős–Rényi of mean degree about 3, a self
     * loop on a node with probability 0.15, two nodes forced isolated (no edge, no loop), and a hub
     * joined to each other non-isolated node with probability 0.9 (degree above 64 when n is large).
     */
    static CsrMatrix randomAdjacency(SplittableRandom rng) {
        int n = 20 + rng.nextInt(100);
        int hub = rng.nextInt(n);
        int iso1 = (hub + 1 + rng.nextInt(n - 1)) % n;
        int iso2 = iso1;
        while (iso2 == iso1 || iso2 == hub) {
            iso2 = rng.nextInt(n);
        }
        double p = 3.0 / n;
        IntStream.Builder src = IntStream.builder();
        IntStream.Builder dst = IntStream.builder();
        for (int i = 0; i < n; i++) {
            if (i == iso1 || i == iso2) {
                continue;
            }
            if (rng.nextDouble() < 0.15) {
                src.add(i);
                dst.add(i);
            }
            for (int j = i + 1; j < n; j++) {
                if (j == iso1 || j == iso2) {
                    continue;
                }
                double pij = i == hub || j == hub ? 0.9 : p;
                if (rng.nextDouble() < pij) {
                    src.add(i);
                    dst.add(j);
                }
            }
        }
        CsrMatrix a = CsrBuilder.fromEdges(n, src.build().toArray(), dst.build().toArray(), true).matrix();
        a.checkInvariants();
        return a;
    }

    /** The highest-degree node of {@code a} (the hub). */
    static int hub(CsrMatrix a) {
        int best = 0;
        for (int i = 1; i < a.rows; i++) {
            if (a.rowPtr[i + 1] - a.rowPtr[i] > a.rowPtr[best + 1] - a.rowPtr[best]) {
                best = i;
            }
        }
        return best;
    }

    /** u's neighbours other than itself, sorted. */
    static TreeSet<Integer> neighbours(CsrMatrix a, int u) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int e = a.rowPtr[u]; e < a.rowPtr[u + 1]; e++) {
            if (a.colIdx[e] != u) {
                s.add(a.colIdx[e]);
            }
        }
        return s;
    }

    static boolean hasEdge(CsrMatrix a, int u, int v) {
        return Arrays.binarySearch(a.colIdx, a.rowPtr[u], a.rowPtr[u + 1], v) >= 0;
    }

    /** B distinct seeds: often the hub, often an isolated node, often a node with a self loop. */
    static int[] randomSeeds(SplittableRandom rng, CsrMatrix a) {
        int n = a.rows;
        int b = 1 + rng.nextInt(Math.min(n, 12));
        List<Integer> pool = new ArrayList<>();
        if (rng.nextBoolean()) {
            pool.add(hub(a));
        }
        for (int i = 0; i < n && pool.size() < b; i++) {
            boolean isolated = a.rowPtr[i + 1] == a.rowPtr[i];
            boolean loop = hasEdge(a, i, i);
            if ((isolated || loop) && !pool.contains(i) && rng.nextInt(3) == 0) {
                pool.add(i);
            }
        }
        while (pool.size() < b) {
            int v = rng.nextInt(n);
            if (!pool.contains(v)) {
                pool.add(v);
            }
        }
        java.util.Collections.shuffle(pool, new java.util.Random(rng.nextLong()));
        return pool.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] randomFanouts(SplittableRandom rng, int hops) {
        int[] f = new int[hops];
        for (int h = 0; h < hops; h++) {
            f[h] = rng.nextInt(5) == 0 ? 200 : 1 + rng.nextInt(6);
        }
        return f;
    }

    /** Every property of {@link NeighbourSampler.Batch} documented in the class comment. */
    static void assertWellFormed(String ctx, CsrMatrix a, int[] seeds, int[] fanouts, NeighbourSampler.Batch batch) {
        int layers = fanouts.length;
        int b = seeds.length;
        int[] nodes = batch.nodes();
        int[] sizes = batch.sizes();
        int total = nodes.length;

        // seeds first, then every node once
        assertArrayEquals(seeds, Arrays.copyOf(nodes, Math.min(b, total)), ctx + ": the seeds come first, in order");
        assertEquals(b, batch.seeds(), ctx + ": seeds()");
        assertEquals(total, Arrays.stream(nodes).distinct().count(), ctx + ": a node appears twice in " + Arrays.toString(nodes));
        for (int v : nodes) {
            assertTrue(v >= 0 && v < a.rows, ctx + ": node " + v + " out of range");
        }
        assertEquals(layers + 1, sizes.length, ctx + ": sizes " + Arrays.toString(sizes));
        assertEquals(b, sizes[0], ctx + ": sizes[0]");
        assertEquals(total, sizes[layers], ctx + ": sizes[L]");
        for (int h = 0; h < layers; h++) {
            assertTrue(sizes[h] <= sizes[h + 1], ctx + ": sizes decrease: " + Arrays.toString(sizes));
        }

        CsrMatrix s = batch.sampled();
        assertEquals(sizes[layers - 1], s.rows, ctx + ": sampled rows");
        assertEquals(total, s.cols, ctx + ": sampled cols");
        s.checkInvariants(); // sorted, distinct, in range
        for (float v : s.values) {
            assertEquals(1f, v, ctx + ": sampled holds a value other than 1");
        }

        // the row that first reached each non-seed node, by hop
        int[] firstRow = new int[total];
        Arrays.fill(firstRow, -1);
        for (int h = 0; h < layers; h++) {
            int from = h == 0 ? 0 : sizes[h - 1];
            for (int r = from; r < sizes[h]; r++) {
                int u = nodes[r];
                TreeSet<Integer> nb = neighbours(a, u);
                int count = s.rowPtr[r + 1] - s.rowPtr[r];
                String row = ctx + ": row " + r + " (node " + u + ", hop " + h + ", " + nb.size() + " neighbours, fan-out "
                        + fanouts[h] + ")";
                assertEquals(Math.min(fanouts[h], nb.size()), count, row + ": sampled count");
                TreeSet<Integer> got = new TreeSet<>();
                for (int k = s.rowPtr[r]; k < s.rowPtr[r + 1]; k++) {
                    int c = s.colIdx[k];
                    assertTrue(c != r, row + ": samples itself");
                    assertTrue(c < sizes[h + 1], row + ": sampled column " + c + " beyond the prefix " + sizes[h + 1]);
                    assertTrue(nb.contains(nodes[c]), row + ": sampled node " + nodes[c] + " is not a neighbour");
                    got.add(nodes[c]);
                    if (c >= sizes[h] && firstRow[c] == -1) {
                        firstRow[c] = r;
                    }
                }
                if (nb.size() <= fanouts[h]) {
                    assertEquals(nb, got, row + ": has no more neighbours than its fan-out, keeps all of them");
                }
            }
        }
        // nodes of hop h+1 were first reached by a row of hop h, in the order of those rows
        for (int h = 0; h < layers; h++) {
            int from = h == 0 ? 0 : sizes[h - 1];
            for (int c = sizes[h]; c < sizes[h + 1]; c++) {
                assertTrue(firstRow[c] >= from && firstRow[c] < sizes[h], ctx + ": batch node " + c + " (hop " + (h + 1)
                        + ") was first reached by row " + firstRow[c] + ", not a row of hop " + h);
                if (c > sizes[h]) {
                    assertTrue(firstRow[c - 1] <= firstRow[c], ctx + ": batch nodes " + (c - 1) + " and " + c
                            + " are not numbered in the order they were reached");
                }
                for (int r = 0; r < from; r++) {
                    for (int k = s.rowPtr[r]; k < s.rowPtr[r + 1]; k++) {
                        assertTrue(s.colIdx[k] != c, ctx + ": node " + c + " of hop " + (h + 1) + " was already reached by row " + r);
                    }
                }
            }
        }

        // seedPairs: the adjacency among the seeds, self loops included
        CsrMatrix pairs = batch.seedPairs();
        assertEquals(b, pairs.rows, ctx + ": seedPairs rows");
        assertEquals(b, pairs.cols, ctx + ": seedPairs cols");
        pairs.checkInvariants();
        for (int r = 0; r < b; r++) {
            List<Integer> want = new ArrayList<>();
            for (int c = 0; c < b; c++) {
                if (hasEdge(a, seeds[r], seeds[c])) {
                    want.add(c);
                }
            }
            List<Integer> got = new ArrayList<>();
            for (int k = pairs.rowPtr[r]; k < pairs.rowPtr[r + 1]; k++) {
                got.add(pairs.colIdx[k]);
                assertEquals(1f, pairs.values[k], ctx + ": seedPairs value");
            }
            assertEquals(want, got, ctx + ": seedPairs row " + r + " (node " + seeds[r] + ")");
        }
    }

    static void assertSameBatch(String ctx, NeighbourSampler.Batch x, NeighbourSampler.Batch y) {
        assertArrayEquals(x.nodes(), y.nodes(), ctx + ": nodes");
        assertArrayEquals(x.sizes(), y.sizes(), ctx + ": sizes");
        assertCsrEquals(ctx + ": sampled", x.sampled(), y.sampled());
        assertCsrEquals(ctx + ": seedPairs", x.seedPairs(), y.seedPairs());
    }

    static void assertCsrEquals(String ctx, CsrMatrix x, CsrMatrix y) {
        assertEquals(x.shape(), y.shape(), ctx + ": shape");
        assertArrayEquals(x.rowPtr, y.rowPtr, ctx + ": rowPtr");
        assertArrayEquals(Arrays.copyOf(x.colIdx, x.nnz()), Arrays.copyOf(y.colIdx, y.nnz()), ctx + ": colIdx");
        assertArrayEquals(Arrays.copyOf(x.values, x.nnz()), Arrays.copyOf(y.values, y.nnz()), ctx + ": values");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void batchesHaveTheDocumentedStructure(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        CsrMatrix a = randomAdjacency(rng);
        NeighbourSampler sampler = new NeighbourSampler(a);
        for (int hops = 1; hops <= 2; hops++) {
            for (int round = 0; round < 6; round++) {
                int[] seeds = randomSeeds(rng, a);
                int[] fanouts = randomFanouts(rng, hops);
                String ctx = "seed " + seed + ", N " + a.rows + ", hops " + hops + ", round " + round + ", seeds "
                        + Arrays.toString(seeds) + ", fan-outs " + Arrays.toString(fanouts);
                assertWellFormed(ctx, a, seeds, fanouts, sampler.sample(seeds, fanouts, new SplittableRandom(rng.nextLong())));
            }
        }
    }

    /** A hub of more than 64 neighbours, alone or among other seeds: the scratch grows, the rows stay right. */
    @Test
    void hubAboveTheInitialScratchIsSampledCorrectly() {
        SplittableRandom rng = new SplittableRandom(7);
        CsrMatrix a;
        do {
            a = randomAdjacency(rng);
        } while (neighbours(a, hub(a)).size() <= 80);
        int hub = hub(a);
        NeighbourSampler sampler = new NeighbourSampler(a);
        int other = (hub + 1) % a.rows;
        for (int[] fanouts : new int[][] {{10}, {500}, {500, 3}, {3, 500}}) {
            for (int[] seeds : new int[][] {{hub}, {other, hub}}) {
                String ctx = "hub " + hub + " of " + neighbours(a, hub).size() + " neighbours, seeds " + Arrays.toString(seeds)
                        + ", fan-outs " + Arrays.toString(fanouts);
                NeighbourSampler.Batch b = sampler.sample(seeds, fanouts, new SplittableRandom(rng.nextLong()));
                assertWellFormed(ctx, a, seeds, fanouts, b);
            }
        }
    }

    /**
     * A hand-checked batch: star 0 - {1, 2, 3, 4, 5}, edge 5 - 6, a loop on 3, node 7 isolated; every
     * fan-out above the degrees, so no draw is made and the numbering is the documented one.
     */
    @Test
    void smallGraphIsNumberedSeedsFirstThenByHop() {
        int[] src = {0, 0, 0, 0, 0, 5, 3};
        int[] dst = {1, 2, 3, 4, 5, 6, 3};
        CsrMatrix a = CsrBuilder.fromEdges(8, src, dst, true).matrix();
        NeighbourSampler sampler = new NeighbourSampler(a);

        NeighbourSampler.Batch b = sampler.sample(new int[] {5}, new int[] {10, 10}, new SplittableRandom(1));
        // hop 1 from 5: 0 and 6; hop 2 from 0: 1, 2, 3, 4 (and 5, a seed); from 6: 5
        assertArrayEquals(new int[] {5, 0, 6, 1, 2, 3, 4}, b.nodes());
        assertArrayEquals(new int[] {1, 3, 7}, b.sizes());
        assertArrayEquals(new int[] {0, 2, 7, 8}, b.sampled().rowPtr);
        assertArrayEquals(new int[] {1, 2, 0, 3, 4, 5, 6, 0}, b.sampled().colIdx);
        assertEquals(0, b.seedPairs().nnz(), "5 has no loop");

        NeighbourSampler.Batch c = sampler.sample(new int[] {3, 0, 7}, new int[] {10}, new SplittableRandom(1));
        // hop 1 from 3: 0 (a seed; the loop is not a neighbour); from 0: 1, 2, 3, 4, 5; from 7: nothing
        assertArrayEquals(new int[] {3, 0, 7, 1, 2, 4, 5}, c.nodes());
        assertArrayEquals(new int[] {3, 7}, c.sizes());
        assertArrayEquals(new int[] {0, 1, 6, 6}, c.sampled().rowPtr);
        assertArrayEquals(new int[] {1, 0, 3, 4, 5, 6}, c.sampled().colIdx);
        // seed pairs: 3 - 3 (its loop), 3 - 0, 0 - 3; 7 none
        assertArrayEquals(new int[] {0, 2, 3, 3}, c.seedPairs().rowPtr);
        assertArrayEquals(new int[] {0, 1, 0}, c.seedPairs().colIdx);
    }

    /**
     * Each of the hub's n neighbours is drawn with probability f / n: over 4000 batches every count
     * lies within 5 standard deviations (sqrt(T p (1 - p))) of T f / n, and no draw falls outside them.
     */
    @Test
    void drawsAreUniformWithoutReplacement() {
        SplittableRandom rng = new SplittableRandom(11);
        CsrMatrix a;
        do {
            a = randomAdjacency(rng);
        } while (neighbours(a, hub(a)).size() < 30);
        int hub = hub(a);
        List<Integer> nb = new ArrayList<>(neighbours(a, hub));
        int n = nb.size();
        int f = 4;
        int trials = 4000;
        int[] count = new int[a.rows];
        NeighbourSampler sampler = new NeighbourSampler(a);
        SplittableRandom draws = new SplittableRandom(12);
        for (int t = 0; t < trials; t++) {
            NeighbourSampler.Batch b = sampler.sample(new int[] {hub}, new int[] {f}, draws);
            assertEquals(f, b.sampled().nnz(), "trial " + t);
            for (int k = 0; k < b.sampled().nnz(); k++) {
                count[b.nodes()[b.sampled().colIdx[k]]]++;
            }
        }
        double p = (double) f / n;
        double mean = trials * p;
        double sd = Math.sqrt(trials * p * (1 - p));
        int sum = 0;
        for (int v : nb) {
            assertTrue(Math.abs(count[v] - mean) <= 5 * sd, "neighbour " + v + " of hub " + hub + " drawn " + count[v]
                    + " times in " + trials + ", expected " + mean + " +- " + 5 * sd);
            sum += count[v];
        }
        assertEquals(trials * f, sum, "draws outside the hub's neighbours");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aBatchDependsOnTheGeneratorSeedAlone(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5EEDL);
        CsrMatrix a = randomAdjacency(rng);
        int hub = hub(a);
        int[] seeds = randomSeeds(rng, a);
        if (Arrays.stream(seeds).noneMatch(v -> v == hub)) {
            seeds = Arrays.copyOf(seeds, seeds.length + 1);
            seeds[seeds.length - 1] = hub; // the hub has more neighbours than the fan-out: draws happen
        }
        int[] fanouts = {2, 2};
        long g = rng.nextLong();
        NeighbourSampler used = new NeighbourSampler(a);
        // earlier calls on the same sampler, other seeds and fan-outs, leave nothing behind
        for (int k = 0; k < 3; k++) {
            used.sample(randomSeeds(rng, a), randomFanouts(rng, 1 + k % 2), new SplittableRandom(rng.nextLong()));
        }
        NeighbourSampler.Batch first = used.sample(seeds, fanouts, new SplittableRandom(g));
        NeighbourSampler.Batch again = used.sample(seeds, fanouts, new SplittableRandom(g));
        NeighbourSampler.Batch fresh = new NeighbourSampler(a).sample(seeds, fanouts, new SplittableRandom(g));
        String ctx = "seed " + seed + ", seeds " + Arrays.toString(seeds);
        assertSameBatch(ctx + ": same generator seed, same sampler", first, again);
        assertSameBatch(ctx + ": a used sampler against a fresh one", fresh, first);
        assertWellFormed(ctx, a, seeds, fanouts, first);

        // the draws do come from the generator: some other seed gives another batch
        boolean differs = false;
        for (int k = 0; k < 20 && !differs; k++) {
            NeighbourSampler.Batch other = used.sample(seeds, fanouts, new SplittableRandom(g + 1 + k));
            differs = !Arrays.equals(other.nodes(), first.nodes()) || !Arrays.equals(other.sampled().colIdx, first.sampled().colIdx);
        }
        assertTrue(differs, ctx + ": 20 other generator seeds all gave the same batch although the hub has "
                + neighbours(a, hub).size() + " neighbours for a fan-out of 2");
    }

    @Test
    void duplicateSeedsAndFanoutsBelowOneAreRefused() {
        SplittableRandom rng = new SplittableRandom(3);
        CsrMatrix a = randomAdjacency(rng);
        NeighbourSampler sampler = new NeighbourSampler(a);
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> sampler.sample(new int[] {1, 4, 2, 4}, new int[] {3}, new SplittableRandom(1)));
        assertTrue(dup.getMessage().contains("4"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new int[] {1, 4, 2}, new int[] {0}, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new int[] {1, 4, 2}, new int[] {3, -1}, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new int[] {5, 5}, new int[] {3}, new SplittableRandom(1)));

        // a refused call resets the index too: the same seeds are accepted next, as by a fresh sampler
        int[] seeds = {4, 1, 2, hub(a)};
        NeighbourSampler.Batch after = sampler.sample(seeds, new int[] {3, 2}, new SplittableRandom(9));
        NeighbourSampler.Batch fresh = new NeighbourSampler(a).sample(seeds, new int[] {3, 2}, new SplittableRandom(9));
        assertSameBatch("after refused calls", fresh, after);
        assertWellFormed("after refused calls", a, seeds, new int[] {3, 2}, after);
    }

    /** Guards the guard: the structural check notices a batch that breaks the fan-out. */
    @Test
    void wellFormedCheckCanFail() {
        SplittableRandom rng = new SplittableRandom(5);
        CsrMatrix a;
        do {
            a = randomAdjacency(rng);
        } while (neighbours(a, hub(a)).size() < 10);
        int[] seeds = {hub(a)};
        NeighbourSampler.Batch b = new NeighbourSampler(a).sample(seeds, new int[] {5}, new SplittableRandom(1));
        try {
            assertWellFormed("fan-out 4 claimed for a batch of fan-out 5", a, seeds, new int[] {4}, b);
        } catch (AssertionError expected) {
            assertFalse(expected.getMessage().isEmpty());
            return;
        }
        fail("a batch with 5 samples passed as a batch of fan-out 4");
    }
}
