package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DcSbmTest {
    private static final DcSbm.Params SMALL = DcSbm.Params.of(3000, 12, 60, 4, 7);
    private final int threadsBefore = Parallel.threads();

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    @Test
    void sameSeedSameGraphOnAnyThreadCountAndSameBytes() throws Exception {
        // several edge and feature blocks, so that thread counts split the work differently
        DcSbm.Params p = DcSbm.Params.of(3 * DcSbm.BLOCK, 4, 20, 3, 11);
        Parallel.setThreads(1);
        DcSbm.Result a = DcSbm.generate(p);
        NpzWriter.write(a, dir.resolve("a.npz"));
        Parallel.setThreads(3);
        DcSbm.Result b = DcSbm.generate(p);
        NpzWriter.write(b, dir.resolve("b.npz"));
        assertArrayEquals(a.labels(), b.labels());
        assertArrayEquals(a.adjRowPtr(), b.adjRowPtr());
        assertArrayEquals(a.adjColIdx(), b.adjColIdx());
        assertArrayEquals(a.features().rowPtr, b.features().rowPtr);
        assertArrayEquals(a.features().colIdx, b.features().colIdx);
        assertArrayEquals(a.features().values, b.features().values);
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.npz")), Files.readAllBytes(dir.resolve("b.npz")));
    }

    @Test
    void anotherSeedAnotherGraph() {
        DcSbm.Result a = DcSbm.generate(SMALL);
        DcSbm.Result b = DcSbm.generate(DcSbm.Params.of(3000, 12, 60, 4, 8));
        assertFalse(Arrays.equals(a.labels(), b.labels()));
        assertFalse(Arrays.equals(a.adjColIdx(), b.adjColIdx()));
        assertFalse(Arrays.equals(a.features().colIdx, b.features().colIdx));
    }

    @Test
    void adjacencyIsSymmetricLoopFreeWithoutDuplicatesAndNearTheTargetSize() {
        DcSbm.Result g = DcSbm.generate(SMALL);
        CsrMatrix a = g.adjacency();
        a.checkInvariants(); // sorted rows, no repeated columns
        for (int i = 0; i < a.rows; i++) {
            for (int k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
                int j = a.colIdx[k];
                assertTrue(j != i, "self loop at " + i);
                assertTrue(Arrays.binarySearch(a.colIdx, a.rowPtr[j], a.rowPtr[j + 1], i) >= 0, "(" + i + ", " + j + ") one way only");
            }
        }
        assertEquals(SMALL.targetEdges(), g.undirectedEdges());
    }

    @Test
    void degreesAreHeavyTailed() {
        DcSbm.Result g = DcSbm.generate(SMALL);
        double mean = 2.0 * g.undirectedEdges() / g.nodes();
        assertTrue(g.maxDegree() > 8 * mean, "max degree " + g.maxDegree() + " vs mean " + mean);
        assertTrue(g.maxDegree() <= 1.6 * SMALL.effectiveMaxDegree(), "max degree " + g.maxDegree() + " vs cap "
                + SMALL.effectiveMaxDegree());
        // a power law: the median degree lies well below the mean
        int[] deg = new int[g.nodes()];
        for (int i = 0; i < deg.length; i++) {
            deg[i] = g.adjRowPtr()[i + 1] - g.adjRowPtr()[i];
        }
        Arrays.sort(deg);
        assertTrue(deg[deg.length / 2] < 0.8 * mean, "median " + deg[deg.length / 2] + " vs mean " + mean);
    }

    @Test
    void intraClassEdgeFractionFollowsTheHomophily() {
        for (double h : new double[] {0.2, 0.7, 0.95}) {
            double f = DcSbm.generate(SMALL.withHomophily(h)).intraClassFraction();
            // other-class draws never land in the class: the fraction is h (duplicates shave a little off)
            assertEquals(h, f, 0.03, "homophily " + h);
        }
    }

    @Test
    void featuresAreInRangeAndFavourTheClassBlock() {
        DcSbm.Params p = SMALL.withFeatures(0.1, 0.5);
        DcSbm.Result g = DcSbm.generate(p);
        CsrMatrix x = g.features();
        x.checkInvariants();
        assertEquals(p.features(), x.cols);
        long tokens = 0;
        double[][] freq = new double[p.classes()][p.features()];
        int[] count = new int[p.classes()];
        for (int i = 0; i < x.rows; i++) {
            assertTrue(x.rowPtr[i + 1] > x.rowPtr[i], "node " + i + " has no features");
            count[g.labels()[i]]++;
            for (int k = x.rowPtr[i]; k < x.rowPtr[i + 1]; k++) {
                assertTrue(x.values[k] >= 1 && x.values[k] == Math.rint(x.values[k]));
                tokens += (long) x.values[k];
                freq[g.labels()[i]][x.colIdx[k]]++;
            }
        }
        assertEquals(p.featureDensity() * p.features(), (double) tokens / x.rows, 0.3);
        // each class's 15 most frequent features are its own block, which no other class favours
        int blockSize = p.features() / p.classes();
        boolean[] taken = new boolean[p.features()];
        for (int c = 0; c < p.classes(); c++) {
            Integer[] order = new Integer[p.features()];
            for (int j = 0; j < order.length; j++) {
                order[j] = j;
            }
            final int cc = c;
            Arrays.sort(order, (u, v) -> Double.compare(freq[cc][v], freq[cc][u]));
            for (int r = 0; r < blockSize; r++) {
                assertFalse(taken[order[r]], "feature " + order[r] + " favoured by two classes");
                taken[order[r]] = true;
                for (int other = 0; other < p.classes(); other++) {
                    if (other != c) {
                        // expected ratio (q/s + (1-q)/F) / ((1-q)/F) = 5 here; 2 leaves room for sampling noise
                        assertTrue(freq[c][order[r]] / count[c] > 2 * freq[other][order[r]] / count[other],
                                "feature " + order[r] + ": class " + c + " vs " + other);
                    }
                }
            }
        }
    }

    @Test
    void theWrittenFileLoadsWithTheRightShapes() throws Exception {
        DcSbm.Result g = DcSbm.generate(SMALL);
        Path f = dir.resolve("graph.npz");
        NpzWriter.write(g, f);
        Graph loaded = NpzLoader.load(f);
        assertEquals(3000, loaded.numNodes());
        assertEquals(60, loaded.numFeatures());
        assertEquals(4, loaded.numClasses());
        assertEquals(g.undirectedEdges(), loaded.numUndirectedEdges());
        assertArrayEquals(g.adjRowPtr(), loaded.adjacency().rowPtr);
        assertArrayEquals(g.adjColIdx(), loaded.adjacency().colIdx);
        assertArrayEquals(g.features().colIdx, loaded.features().colIdx);
        assertArrayEquals(g.features().values, loaded.features().values);
        assertArrayEquals(g.labels(), loaded.labels());
        assertTrue(loaded.report().notes().isEmpty(), loaded.report().notes().toString());
    }

    @Test
    void badParametersAreNamed() {
        assertNull(SMALL.problem());
        assertTrue(DcSbm.Params.of(1, 0.5, 4, 2, 1).problem().startsWith("nodes:"));
        assertTrue(DcSbm.Params.of(10, 9, 4, 2, 1).problem().startsWith("avg-degree:"));
        assertTrue(DcSbm.Params.of(10, 0, 4, 2, 1).problem().startsWith("avg-degree:"));
        assertTrue(DcSbm.Params.of(10, 2, 0, 2, 1).problem().startsWith("features:"));
        assertTrue(DcSbm.Params.of(10, 2, 4, 11, 1).problem().startsWith("classes:"));
        assertTrue(DcSbm.Params.of(10, 2, 4, 1, 1).problem().startsWith("classes:"));
        assertTrue(SMALL.withHomophily(1.5).problem().startsWith("homophily:"));
        assertTrue(SMALL.withFeatures(0, 0.5).problem().startsWith("feature-density:"));
        assertTrue(SMALL.withFeatures(0.1, -0.1).problem().startsWith("feature-signal:"));
        assertThrows(IllegalArgumentException.class, () -> DcSbm.generate(DcSbm.Params.of(1, 0.5, 4, 2, 1)));
    }

    @Test
    void classSizesFollowTheProportions() {
        assertArrayEquals(new int[] {750, 750, 750, 750}, SMALL.classSizes());
        DcSbm.Params p = SMALL.withClassProportions(1, 2, 3, 4);
        assertArrayEquals(new int[] {300, 600, 900, 1200}, p.classSizes());
        assertArrayEquals(new int[] {2, 1, 1}, DcSbm.Params.of(4, 1, 2, 3, 1).classSizes());
        int[] count = new int[4];
        for (int l : DcSbm.generate(p).labels()) {
            count[l]++;
        }
        assertArrayEquals(p.classSizes(), count);
        assertTrue(SMALL.withClassProportions(1, 2).problem().startsWith("class-proportions:"));
        assertTrue(SMALL.withClassProportions(1, 2, 0, 1).problem().startsWith("class-proportions:"));
    }

    @Test
    void aSingleNonEmptyClassStillGetsItsEdges() {
        // the other classes are empty: other-class draws have nowhere to go and stay in the class
        DcSbm.Result g = DcSbm.generate(DcSbm.Params.of(20, 4, 5, 3, 1).withHomophily(0).withClassProportions(1, 1e-9, 1e-9));
        assertEquals(40, g.undirectedEdges());
        assertEquals(1.0, g.intraClassFraction());
    }

    @Test
    void tinyDenseGraphsStillWork() {
        DcSbm.Result g = DcSbm.generate(DcSbm.Params.of(6, 4, 1, 3, 3));
        assertTrue(g.undirectedEdges() <= 15);
        assertTrue(g.undirectedEdges() >= 10, "edges " + g.undirectedEdges());
        g.adjacency().checkInvariants();
        g.features().checkInvariants();
    }
}
