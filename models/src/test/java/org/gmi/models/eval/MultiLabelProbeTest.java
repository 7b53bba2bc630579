package org.gmi.models.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Split;
import org.junit.jupiter.api.Test;

/** The multi-label probe: micro-F1 as defined, embeddings that carry the labels score near 1, noise does not. */
class MultiLabelProbeTest {
    @Test
    void microF1IsTwiceTruePositivesOverItsDenominator() {
        assertEquals(1.0, MultiLabelProbe.microF1(5, 0, 0));
        assertEquals(2.0 * 3 / (6 + 1 + 2), MultiLabelProbe.microF1(3, 1, 2), 1e-15);
        assertEquals(0.0, MultiLabelProbe.microF1(0, 4, 4));
        assertEquals(0.0, MultiLabelProbe.microF1(0, 0, 0));
    }

    /** n nodes, L labels, each held with probability 0.3; the embeddings: the label bits (scaled) plus noise of this size. */
    private static Object[] data(long seed, int n, int l, double noise) {
        SplittableRandom rng = new SplittableRandom(seed);
        int d = l + 3;
        float[] x = new float[n * d];
        int[] ptr = new int[n + 1];
        List<Integer> cols = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < l; j++) {
                boolean has = rng.nextDouble() < 0.3;
                if (has) {
                    cols.add(j);
                }
                x[i * d + j] = (float) ((has ? 1 : -1) + noise * rng.nextGaussian());
            }
            for (int j = l; j < d; j++) {
                x[i * d + j] = (float) rng.nextGaussian();
            }
            ptr[i + 1] = cols.size();
        }
        float[] ones = new float[cols.size()];
        java.util.Arrays.fill(ones, 1f);
        CsrMatrix labels = new CsrMatrix(n, l, ptr, cols.stream().mapToInt(Integer::intValue).toArray(), ones);
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        Split split = new Split(java.util.Arrays.copyOfRange(all, 0, n / 5), java.util.Arrays.copyOfRange(all, n / 5, 2 * n / 5),
                java.util.Arrays.copyOfRange(all, 2 * n / 5, n), "first fifth / second fifth / rest");
        return new Object[] {x, d, labels, split};
    }

    @Test
    void embeddingsThatCarryTheLabelsScoreNearOneAndNoiseScoresLow() {
        Object[] clean = data(1, 400, 6, 0.1);
        MultiLabelProbe.Fit good = MultiLabelProbe.fit((float[]) clean[0], (int) clean[1], (CsrMatrix) clean[2], (Split) clean[3],
                LogisticProbe.DEFAULT_GRID);
        assertTrue(good.testMicroF1() > 0.97, "clean: " + good.testMicroF1());
        Object[] noisy = data(1, 400, 6, 8.0);
        MultiLabelProbe.Fit bad = MultiLabelProbe.fit((float[]) noisy[0], (int) noisy[1], (CsrMatrix) noisy[2], (Split) noisy[3],
                LogisticProbe.DEFAULT_GRID);
        assertTrue(bad.testMicroF1() < 0.6, "noisy: " + bad.testMicroF1());
        // the chosen C is the best on validation (ties: the smallest)
        for (int g = 0; g < bad.grid().length; g++) {
            assertTrue(bad.valMicroF1()[g] <= bad.valMicroF1()[bad.chosen()]);
            if (g < bad.chosen()) {
                assertTrue(bad.valMicroF1()[g] < bad.valMicroF1()[bad.chosen()]);
            }
        }
    }

    @Test
    void theFitIsTheSameOnAnyThreadCount() {
        Object[] d = data(7, 300, 5, 1.0);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            MultiLabelProbe.Fit one = MultiLabelProbe.fit((float[]) d[0], (int) d[1], (CsrMatrix) d[2], (Split) d[3], LogisticProbe.DEFAULT_GRID);
            Parallel.setThreads(2);
            MultiLabelProbe.Fit two = MultiLabelProbe.fit((float[]) d[0], (int) d[1], (CsrMatrix) d[2], (Split) d[3], LogisticProbe.DEFAULT_GRID);
            assertArrayEquals(one.valMicroF1(), two.valMicroF1());
            assertEquals(one.testMicroF1(), two.testMicroF1());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aSplitWithoutValidationNodesIsRefused() {
        Object[] d = data(2, 50, 3, 1.0);
        Split s = (Split) d[3];
        assertThrows(IllegalArgumentException.class, () -> MultiLabelProbe.fit((float[]) d[0], (int) d[1], (CsrMatrix) d[2],
                new Split(s.train(), new int[0], s.test(), "no val"), LogisticProbe.DEFAULT_GRID));
    }
}
