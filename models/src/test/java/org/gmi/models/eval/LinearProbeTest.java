package org.gmi.models.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.LoadReport;
import org.gmi.graph.Split;
import org.gmi.graph.Splits;
import org.gmi.models.Method;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The probe's two protocols as a caller meets them: the honest one's summary over splits and the
 * facts it records, the published ones' iteration counts and leak flag, the iteration rule of the
 * official {@code find_epoch}, determinism, and the refusals.
 */
class LinearProbeTest {
    private static final int N = 240;
    private static final int D = 6;
    private static final int CLASSES = 3;
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** A graph without edges whose labels are those of {@link LogisticProbeTest#clusters}; the probe reads no edge. */
    private static Graph graph(int[] labels, Split split) {
        int n = labels.length;
        CsrMatrix empty = new CsrMatrix(n, n, new int[n + 1], new int[0], new float[0]);
        CsrMatrix noFeatures = new CsrMatrix(n, 1, new int[n + 1], new int[0], new float[0]);
        return new Graph("clusters", empty, noFeatures, labels, CLASSES, split, new LoadReport("memory", 0, 0, 0, List.of()));
    }

    private static Matrix embeddings(long seed, int[] labels, double scale) {
        return new Matrix(N, D, LogisticProbeTest.clusters(seed, N, D, CLASSES, labels, scale));
    }

    @Test
    void honestProtocolSummarisesEverySplitWithTheSampleStandardDeviation() {
        int[] labels = new int[N];
        Matrix x = embeddings(3, labels, 1.0);
        List<Split> splits = List.of(Splits.random(labels, 0.1, 0.1, 1), Splits.random(labels, 0.1, 0.1, 2),
                Splits.random(labels, 0.1, 0.1, 3));
        Graph g = graph(labels, splits.get(0));

        ProbeResult r = LinearProbe.evaluateHonest(x, g, splits, LogisticProbe.DEFAULT_GRID);

        assertEquals("val", r.protocol());
        assertEquals(3, r.runs());
        assertFalse(r.leaky());
        assertEquals(3, r.accuracies().length);
        double mean = 0;
        for (int s = 0; s < 3; s++) {
            // each split's figure is the one-split probe's figure on that split
            double alone = LogisticProbe.fit(x.data, D, labels, CLASSES, splits.get(s), LogisticProbe.DEFAULT_GRID).testAccuracy();
            assertEquals(alone, r.accuracies()[s], 0.0, "split " + s);
            mean += alone / 3;
        }
        assertEquals(mean, r.mean(), 1e-12);
        double var = 0;
        for (double a : r.accuracies()) {
            var += (a - mean) * (a - mean);
        }
        assertEquals(Math.sqrt(var / 2), r.std(), 1e-12);
        assertTrue(r.mean() > 0.5, "the clusters are learnable (chance is 1/3), got " + r.mean());

        Map<String, Object> details = r.details();
        assertEquals(List.of("classifier", "standardise", "c_grid", "c_chosen", "converged", "splits"),
                List.copyOf(details.keySet()));
        assertArrayEquals(LogisticProbe.DEFAULT_GRID, (double[]) details.get("c_grid"));
        double[] chosen = (double[]) details.get("c_chosen");
        assertEquals(3, chosen.length);
        for (double c : chosen) {
            assertTrue(contains(LogisticProbe.DEFAULT_GRID, c), "chosen C " + c + " is on the grid");
        }
        assertEquals(3, ((List<?>) details.get("splits")).size());
        assertTrue(r.note().contains("3 splits"), r.note());
    }

    @Test
    void oneSplitHasZeroStandardDeviation() {
        int[] labels = new int[N];
        Matrix x = embeddings(4, labels, 1.0);
        Split split = Splits.random(labels, 0.1, 0.1, 7);
        ProbeResult r = LinearProbe.evaluate(x, graph(labels, split), Protocol.VAL, Method.GMI, 0);
        assertEquals(1, r.runs());
        assertEquals(0.0, r.std());
        assertEquals(r.accuracies()[0], r.mean());
    }

    @Test
    void dgiPaperProtocolRunsOneHundredIterationsAndIsNotLeaky() {
        int[] labels = new int[N];
        Matrix x = embeddings(5, labels, 1.0);
        Graph g = graph(labels, Splits.random(labels, 0.2, 0.1, 1));
        ProbeResult r = LinearProbe.evaluate(x, g, Protocol.PAPER, Method.DGI, 11, 4);
        assertEquals("paper", r.protocol());
        assertEquals(100, r.iterations());
        assertFalse(r.leaky());
        assertEquals(4, r.runs());
        assertTrue(r.mean() > 0.5, "DGI's probe learns the clusters, got " + r.mean());
        // the runs are differently initialised classifiers, reproducible per seed
        assertArrayEquals(r.accuracies(), LinearProbe.evaluate(x, g, Protocol.PAPER, Method.DGI, 11, 4).accuracies());
    }

    @Test
    void gmiPaperProtocolChoosesItsIterationCountOnTheTestNodesAndSaysSo() {
        int[] labels = new int[N];
        Matrix x = embeddings(6, labels, 1.0);
        Split split = Splits.random(labels, 0.2, 0.1, 1);
        ProbeResult r = LinearProbe.evaluate(x, graph(labels, split), Protocol.PAPER, Method.GMI, 3, 2);
        assertTrue(r.leaky());
        assertTrue(r.note().contains("leaky"), r.note());
        assertEquals(LinearProbe.chooseIterations(x.data, D, CLASSES, split.train(), split.test(), labels, 3), r.iterations());
        assertEquals(0, r.iterations() % LinearProbe.CHECK_EVERY);
        assertTrue(r.iterations() >= LinearProbe.CHECK_EVERY && r.iterations() <= LinearProbe.MAX_ITERATIONS);
    }

    /** find_epoch's rule, replayed with the same classifier: ties move the count later, ten checks below the best stop. */
    @Test
    void chooseIterationsFollowsTheOfficialRule() {
        int[] labels = new int[N];
        Matrix x = embeddings(8, labels, 1.0);
        Split split = Splits.random(labels, 0.1, 0.1, 2);
        long seed = 5;
        LogisticRegression lr = new LogisticRegression(D, CLASSES, new SplittableRandom(seed ^ 0x5DEECE66DL));
        double best = 0;
        int expected = 0;
        int below = 0;
        for (int it = 1; it <= LinearProbe.MAX_ITERATIONS; it++) {
            lr.step(x.data, split.train(), labels, 1e-3f, 1e-5f);
            if (it % LinearProbe.CHECK_EVERY == 0) {
                double acc = lr.accuracy(x.data, split.test(), labels);
                if (acc >= best) {
                    best = acc;
                    expected = it;
                    below = 0;
                } else if (++below == LinearProbe.CHECKS_WITHOUT_GAIN) {
                    break;
                }
            }
        }
        assertEquals(expected, LinearProbe.chooseIterations(x.data, D, CLASSES, split.train(), split.test(), labels, seed));
    }

    @Test
    void paperProtocolReadsTestLabelsTheHonestOneDoesNot() {
        int[] labels = new int[N];
        Matrix x = embeddings(9, labels, 1.0);
        Split split = Splits.random(labels, 0.1, 0.1, 4);
        int[] poisoned = labels.clone();
        for (int t : split.test()) {
            poisoned[t] = (labels[t] + 1) % CLASSES;
        }
        int clean = LinearProbe.chooseIterations(x.data, D, CLASSES, split.train(), split.test(), labels, 1);
        int dirty = LinearProbe.chooseIterations(x.data, D, CLASSES, split.train(), split.test(), poisoned, 1);
        assertNotEquals(clean, dirty, "the paper protocol's iteration count depends on the test labels");

        LogisticProbe.Fit a = LogisticProbe.fit(x.data, D, labels, CLASSES, split, LogisticProbe.DEFAULT_GRID);
        LogisticProbe.Fit b = LogisticProbe.fit(x.data, D, poisoned, CLASSES, split, LogisticProbe.DEFAULT_GRID);
        assertEquals(a.c(), b.c());
        assertArrayEquals(a.valAccuracy(), b.valAccuracy());
    }

    @Test
    void paperRunsGiveTheSameBitsOnAnyThreadCount() {
        int[] labels = new int[N];
        Matrix x = embeddings(10, labels, 1.0);
        Split split = Splits.random(labels, 0.2, 0.1, 1);
        Parallel.setThreads(1);
        double[] one = LinearProbe.trainRuns(x.data, D, CLASSES, split.train(), split.test(), labels, 50, 0.01f, 0f, 2, 6);
        Parallel.setThreads(2);
        double[] two = LinearProbe.trainRuns(x.data, D, CLASSES, split.train(), split.test(), labels, 50, 0.01f, 0f, 2, 6);
        assertArrayEquals(one, two);
    }

    @Test
    void refusesWhatItCannotEvaluate() {
        int[] labels = new int[N];
        Matrix x = embeddings(12, labels, 1.0);
        Split split = Splits.random(labels, 0.1, 0.1, 1);
        Graph g = graph(labels, split);

        Matrix shorter = new Matrix(N - 1, D, new float[(N - 1) * D]);
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> LinearProbe.evaluate(shorter, g, Protocol.PAPER, Method.GMI, 0));
        assertTrue(rows.getMessage().contains((N - 1) + " rows"), rows.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.evaluateHonest(shorter, g, List.of(split),
                LogisticProbe.DEFAULT_GRID));

        IllegalArgumentException runs = assertThrows(IllegalArgumentException.class,
                () -> LinearProbe.evaluate(x, g, Protocol.PAPER, Method.DGI, 0, 0));
        assertTrue(runs.getMessage().contains("--eval-runs"), runs.getMessage());

        Split noTest = new Split(split.train(), split.val(), new int[0], "no test");
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.evaluate(x, graph(labels, noTest), Protocol.PAPER,
                Method.GMI, 0));
        Split noVal = new Split(split.train(), new int[0], split.test(), "no val");
        IllegalArgumentException val = assertThrows(IllegalArgumentException.class,
                () -> LinearProbe.evaluateHonest(x, g, List.of(noVal), LogisticProbe.DEFAULT_GRID));
        assertTrue(val.getMessage().contains("validation"), val.getMessage());
    }

    @Test
    void gridValuesPrintInTheirShortestForm() {
        assertEquals("0.001", LinearProbe.g(0.001));
        assertEquals("10", LinearProbe.g(10));
        assertEquals("1e-05", LinearProbe.g(1e-5));
        assertEquals("{0.01, 1, 100}", LinearProbe.list(new double[] {0.01, 1, 100}));
    }

    private static boolean contains(double[] grid, double c) {
        for (double v : grid) {
            if (v == c) {
                return true;
            }
        }
        return false;
    }
}
