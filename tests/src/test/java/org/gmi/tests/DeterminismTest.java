package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.models.Method;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.Trainer;
import org.gmi.models.TrainingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Same seed and thread count: the same loss trajectory and bit-identical embeddings, for GMI (1 and
 * 2 layers) and DGI, with 1 and 2 threads; another seed: other embeddings.
 *
 * <p>The graph has 300 nodes so that with 2 threads the kernels really split their work (SpMM in
 * chunks of at least 64 rows, GEMM 16, the reconstruction's 64 x 64 tiles: 15 of them), which is
 * where a race or an order-dependent reduction would show.
 */
class DeterminismTest {
    private static final Graph GRAPH = TestGraphs.random(new SplittableRandom(2024), "random300", 300, 20, 0.02);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Method.GMI, 1, 1), Arguments.of(Method.GMI, 2, 1), Arguments.of(Method.DGI, 1, 1),
                Arguments.of(Method.GMI, 1, 2), Arguments.of(Method.GMI, 2, 2), Arguments.of(Method.DGI, 1, 2));
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static TrainConfig config(Method method, int layers, long seed) {
        TrainConfig c = new TrainConfig();
        c.method = method;
        c.layers = layers;
        c.hidden = 8;
        c.epochs = 8;
        c.lr = 0.01; // a visible step per epoch, so trajectories can differ
        c.seed = seed;
        return c;
    }

    /**
     * The embeddings a run returns are computed on the training tape's reused buffers (so that they
     * add nothing to the run's peak memory); they equal the embeddings of the same parameters on
     * fresh buffers, bit for bit.
     */
    @ParameterizedTest(name = "{0} layers={1} threads={2}")
    @MethodSource("cases")
    void embeddingsOnTheTrainingTapeEqualThoseOnAFreshOne(Method method, int layers, int threads) {
        Parallel.setThreads(threads);
        TrainConfig config = config(method, layers, 11);
        org.gmi.models.SelfSupervisedModel model = Trainer.createModel(GRAPH, config);
        TrainResult r = Trainer.fit(model, config, TrainingListener.NONE, Trainer.Checkpointing.NONE,
                org.gmi.engine.CpuBackend.INSTANCE, null);
        float[] fresh = model.embed().data;
        assertTrue(Arrays.equals(fresh, r.embeddings().data), method + " layers=" + layers + " threads=" + threads);
    }

    @ParameterizedTest(name = "{0} layers={1} threads={2}")
    @MethodSource("cases")
    void sameSeedSameThreadsGiveIdenticalRuns(Method method, int layers, int threads) {
        Parallel.setThreads(threads);
        String ctx = method + " layers=" + layers + " threads=" + threads + " seed=11";
        TrainResult a = Trainer.train(GRAPH, config(method, layers, 11), TrainingListener.NONE);
        TrainResult b = Trainer.train(GRAPH, config(method, layers, 11), TrainingListener.NONE);

        assertEquals(8, a.epochsRun(), ctx);
        assertEquals(a.epochsRun(), b.epochsRun(), ctx);
        assertEquals(a.bestEpoch(), b.bestEpoch(), ctx);
        assertArrayEquals(a.loss(), b.loss(), ctx + ": loss trajectory"); // exact: assertArrayEquals(double[]) has no delta
        assertEquals(a.terms().keySet(), b.terms().keySet(), ctx);
        for (String term : a.terms().keySet()) {
            assertArrayEquals(a.terms().get(term), b.terms().get(term), ctx + ": term " + term);
        }
        assertEquals(a.embeddings().rows, 300, ctx);
        assertEquals(a.embeddings().cols, 8, ctx);
        assertTrue(Arrays.equals(a.embeddings().data, b.embeddings().data), ctx + ": embeddings bit-identical");
        // the run really trained: the loss moved
        assertFalse(a.loss()[0] == a.loss()[a.epochsRun() - 1], ctx + ": loss never changed " + Arrays.toString(a.loss()));

        TrainResult other = Trainer.train(GRAPH, config(method, layers, 12), TrainingListener.NONE);
        int differ = 0;
        for (int i = 0; i < other.embeddings().data.length; i++) {
            if (other.embeddings().data[i] != a.embeddings().data[i]) {
                differ++;
            }
        }
        assertTrue(differ > other.embeddings().data.length / 2, ctx + ": seed 12 vs 11: only " + differ + " of "
                + other.embeddings().data.length + " embedding entries differ");
        assertFalse(Arrays.equals(a.loss(), other.loss()), ctx + ": seed 12 gave the same loss trajectory as seed 11");
    }
}
