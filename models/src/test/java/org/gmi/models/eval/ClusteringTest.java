package org.gmi.models.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gmi.engine.Parallel;
import org.junit.jupiter.api.Test;

/** NMI and ARI against values worked out by hand (and by scikit-learn); k-means finds planted clusters. */
class ClusteringTest {
    @Test
    void scoresMatchHandWorkedValues() {
        // V splits one class of U in two: I = H(U) = ln 2, H(V) = 1.5 ln 2, NMI = ln 2 / (1.25 ln 2) = 0.8;
        // ARI: pairs 1 + 0 + 0 = 1, sum C(a) = 2, sum C(b) = 1, E = 2 * 1 / 6, max = 1.5: (1 - 1/3) / (1.5 - 1/3) = 4/7
        ClusterScores.Scores s = ClusterScores.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 2});
        assertEquals(0.8, s.nmi(), 1e-12);
        assertEquals(4.0 / 7, s.ari(), 1e-12);
        // a relabelled perfect clustering scores 1; unlabelled nodes (-1) are left out
        ClusterScores.Scores perfect = ClusterScores.of(new int[] {2, 2, 0, 0, 1, -1}, new int[] {1, 1, 2, 2, 0, 0});
        assertEquals(1, perfect.nmi(), 1e-12);
        assertEquals(1, perfect.ari(), 1e-12);
        assertEquals(5, perfect.nodes());
        // independent: every cluster holds each class equally: NMI 0, ARI below 0 (fewer agreeing pairs than chance)
        ClusterScores.Scores none = ClusterScores.of(new int[] {0, 1, 0, 1}, new int[] {0, 0, 1, 1});
        assertEquals(0, none.nmi(), 1e-12);
        assertEquals(-0.5, none.ari(), 1e-12);
    }

    @Test
    void kMeansRecoversSeparatedClustersDeterministically() {
        int n = 600;
        int d = 16;
        int[] labels = new int[n];
        float[] x = LogisticProbeTest.clusters(21, n, d, 4, labels, 1);
        // pull the classes far apart so that the clustering is unambiguous
        for (int i = 0; i < n; i++) {
            x[i * d + 1 + labels[i]] += 12;
        }
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            KMeans.Result one = KMeans.cluster(x, d, 4, 3);
            Parallel.setThreads(3);
            KMeans.Result three = KMeans.cluster(x, d, 4, 3);
            assertArrayEquals(one.assignment(), three.assignment(), "any thread count, the same clustering");
            assertEquals(one.inertia(), three.inertia());
            ClusterScores.Scores s = ClusterScores.of(labels, one.assignment());
            assertEquals(1, s.ari(), 1e-12, "planted clusters found exactly");
            assertEquals(1, s.nmi(), 1e-12);
            assertTrue(one.iterations() >= 1);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
