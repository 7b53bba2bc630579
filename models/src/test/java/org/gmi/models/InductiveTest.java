package org.gmi.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;
import org.gmi.graph.Graph;
import org.junit.jupiter.api.Test;

/** The seen nodes of an inductive run, the subgraph they induce, and the probe's split. */
class InductiveTest {
    @Test
    void seenNodesAreADeterministicSortedSampleOfTheAskedSize() {
        for (long seed = 0; seed < 20; seed++) {
            int n = 10 + (int) seed * 37;
            int[] seen = Inductive.seenNodes(n, 0.7, seed);
            assertEquals(Math.round(0.7 * n), seen.length);
            for (int k = 1; k < seen.length; k++) {
                assertTrue(seen[k - 1] < seen[k], "sorted and distinct");
            }
            assertTrue(seen[0] >= 0 && seen[seen.length - 1] < n);
            assertArrayEquals(seen, Inductive.seenNodes(n, 0.7, seed));
        }
        assertNotEquals(Arrays.toString(Inductive.seenNodes(500, 0.5, 1)), Arrays.toString(Inductive.seenNodes(500, 0.5, 2)));
        assertThrows(IllegalArgumentException.class, () -> Inductive.seenNodes(100, 1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> Inductive.seenNodes(100, 0.0, 0));
        assertThrows(IllegalArgumentException.class, () -> Inductive.seenNodes(3, 0.1, 0));
    }

    @Test
    void theInducedSubgraphKeepsExactlyTheEdgesAmongTheSeenNodes() {
        for (long seed = 0; seed < 10; seed++) {
            Graph g = EncoderFileTest.randomGraph(seed, 60, 7);
            int[] seen = Inductive.seenNodes(60, 0.6, seed);
            Graph sub = g.induced(seen);
            sub.adjacency().checkInvariants();
            assertEquals(seen.length, sub.numNodes());
            for (int i = 0; i < seen.length; i++) {
                assertEquals(g.labels()[seen[i]], sub.labels()[i]);
                assertEquals(row(g.features(), seen[i]), row(sub.features(), i));
                for (int j = 0; j < seen.length; j++) {
                    assertEquals(entry(g.adjacency(), seen[i], seen[j]), entry(sub.adjacency(), i, j), "edge " + i + "-" + j);
                }
            }
            long kept = 0;
            Set<Integer> in = new HashSet<>();
            for (int s : seen) {
                in.add(s);
            }
            for (int u = 0; u < 60; u++) {
                for (int e = g.adjacency().rowPtr[u]; e < g.adjacency().rowPtr[u + 1]; e++) {
                    kept += in.contains(u) && in.contains(g.adjacency().colIdx[e]) ? 1 : 0;
                }
            }
            assertEquals(kept, sub.adjacency().nnz());
        }
    }

    @Test
    void theProbeLearnsFromSeenNodesAndIsTestedOnUnseenOnes() {
        Graph g = EncoderFileTest.randomGraph(3, 200, 5);
        int[] seen = Inductive.seenNodes(200, 0.7, 3);
        Set<Integer> in = new HashSet<>();
        for (int s : seen) {
            in.add(s);
        }
        Graph e = Inductive.forEvaluation(g, seen);
        assertEquals(g.numNodes(), e.numNodes());
        assertTrue(Arrays.stream(e.split().train()).allMatch(in::contains));
        assertTrue(Arrays.stream(e.split().val()).allMatch(in::contains));
        assertTrue(Arrays.stream(e.split().test()).noneMatch(in::contains));
        assertEquals(Arrays.stream(g.split().test()).filter(i -> !in.contains(i)).count(), e.split().test().length);
        assertEquals(Arrays.stream(g.split().train()).filter(in::contains).count(), e.split().train().length);
        assertFalse(e.split().test().length == 0);
    }

    private static String row(CsrMatrix m, int r) {
        StringBuilder sb = new StringBuilder();
        for (int e = m.rowPtr[r]; e < m.rowPtr[r + 1]; e++) {
            sb.append(m.colIdx[e]).append(':').append(m.values[e]).append(' ');
        }
        return sb.toString();
    }

    private static float entry(CsrMatrix m, int r, int c) {
        for (int e = m.rowPtr[r]; e < m.rowPtr[r + 1]; e++) {
            if (m.colIdx[e] == c) {
                return m.values[e];
            }
        }
        return 0f;
    }
}
