package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.gmi.engine.CsrMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PlainFormatTest {

    static LongStream seeds() {
        return TestData.seeds();
    }

    /** A random graph: loops, isolated nodes, zero feature rows, unlabelled nodes; identity features for odd seeds. */
    static Graph randomGraph(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(40);
        CsrBuilder b = new CsrBuilder(n);
        int e = 1 + rng.nextInt(3 * n);
        for (int k = 0; k < e; k++) {
            int i = rng.nextInt(n);
            b.add(i, rng.nextInt(7) == 0 ? i : rng.nextInt(n));
        }
        CsrMatrix a = b.build(true).matrix();
        CsrMatrix x;
        if (seed % 2 == 1) {
            x = CsrBuilder.identity(n);
        } else {
            int f = 1 + rng.nextInt(12);
            float[] dense = new float[n * f];
            for (int k = 0; k < dense.length; k++) {
                int kind = rng.nextInt(4);
                dense[k] = kind == 0 ? (float) rng.nextGaussian() * 1e3f
                        : kind == 1 ? (float) rng.nextDouble() * 1e-6f : kind == 2 ? rng.nextInt(3) : 0;
            }
            x = CsrBuilder.fromDense(n, f, dense);
        }
        int classes = 1 + rng.nextInt(5);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(classes + 1) - 1;
        }
        // the loaders renumber class ids with gaps (ClassIds): the round trip holds for ids 0..C-1, all present
        int numClasses = ClassIds.compact(labels, 0, "memory", new java.util.ArrayList<>());
        Split split = Splits.random(labels, seed);
        return new Graph("random-" + seed, a, x, labels, numClasses, split, new LoadReport("memory", 0, 0, 0, List.of()));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void writeThenLoadGivesTheSameGraph(long seed, @TempDir Path dir) {
        Graph g = randomGraph(seed);
        Path folder = dir.resolve("g" + seed);
        PlainWriter.write(g, folder);
        Graph back = PlainLoader.load(folder, new SplitOptions(0.1, 0.1, seed));
        String msg = "seed " + seed;
        assertEquals("g" + seed, back.name(), msg);
        assertArrayEquals(g.adjacency().rowPtr, back.adjacency().rowPtr, msg);
        assertArrayEquals(g.adjacency().colIdx, back.adjacency().colIdx, msg);
        assertArrayEquals(g.adjacency().values, back.adjacency().values, msg);
        assertEquals(g.features().cols, back.features().cols, msg);
        assertArrayEquals(g.features().rowPtr, back.features().rowPtr, msg);
        assertArrayEquals(g.features().colIdx, back.features().colIdx, msg);
        assertArrayEquals(g.features().values, back.features().values, msg + ": floats must read back exactly");
        assertArrayEquals(g.labels(), back.labels(), msg);
        assertEquals(g.numClasses(), back.numClasses(), msg);
        assertEquals(0, back.report().duplicateEdges(), msg + ": the writer lists each edge once");
        assertEquals(GraphStats.selfLoops(g.adjacency()), back.report().selfLoops(), msg);
        assertEquals(seed % 2 == 1, !Files.exists(folder.resolve("features.csv")), msg);
        assertArrayEquals(Splits.random(g.labels(), 0.1, 0.1, seed).train(), back.split().train(), msg);
    }

    @Test
    void readsHeadersCommentsWhitespaceAndCountsDuplicates(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("edges.csv"), """
                # a comment line
                source target
                0 1
                1\t0   # the same edge reversed: a duplicate
                1, 2
                2,2
                2,2
                """);
        Files.writeString(dir.resolve("labels.csv"), "label\n0\n1\n-1\n1\n");
        Graph g = PlainLoader.load(dir);
        assertEquals(4, g.numNodes(), "N from labels.csv (node 3 has no edge)");
        assertEquals(2, g.numUndirectedEdges());
        assertEquals(2, g.report().duplicateEdges());
        assertEquals(1, g.report().selfLoops());
        assertEquals(1, g.report().isolatedNodes());
        assertEquals(2, g.numClasses());
        assertArrayEquals(new int[] {0, 1, -1, 1}, g.labels());
        assertEquals(4, g.features().cols, "identity features");
        assertFalse(g.report().notes().isEmpty());
    }

    @Test
    void featuresFixTheNodeCount(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("edges.csv"), "0,1\n");
        Files.writeString(dir.resolve("features.csv"), "f0,f1\n1,0\n0,2.5\n0,0\n-1e-3,4\n");
        Graph g = PlainLoader.load(dir);
        assertEquals(4, g.numNodes());
        assertArrayEquals(new float[] {1, 0, 0, 2.5f, 0, 0, -1e-3f, 4}, g.features().toDense().data);
        assertArrayEquals(new int[] {-1, -1, -1, -1}, g.labels());
        assertEquals(0, g.numClasses());
    }
}
