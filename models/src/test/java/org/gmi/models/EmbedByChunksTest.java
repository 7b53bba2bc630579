package org.gmi.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.gmi.autodiff.Tape;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.Normalization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The layer-by-layer embedding over chunks of rows ({@link GcnEncoder#embedByChunks}, what
 * {@link SavedEncoder#embed} uses) has the bits of the whole-graph forward, whatever the chunk size
 * and the thread count: {@code gmi embed} and minibatch training's final embeddings rest on it.
 */
class EmbedByChunksTest {
    @ParameterizedTest
    @CsvSource({"1, 1", "1, 7", "1, 64", "1, 500", "2, 1", "2, 13", "2, 64", "2, 500"})
    void chunkedEmbeddingHasTheForwardsBits(int layers, int chunk) {
        Graph g = EncoderFileTest.randomGraph(11 + layers, 300, 40);
        CsrMatrix x = Normalization.rowNormalizeFeatures(g.features());
        CsrMatrix a = Normalization.gcnPropagation(g.adjacency());
        GcnEncoder encoder = new GcnEncoder(40, 48, layers, new SplittableRandom(5));
        int threadsBefore = Parallel.threads();
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            try {
                Matrix whole = encoder.forward(new Tape(), x, a).h().value();
                Matrix chunked = encoder.embedByChunks(g.features(), a, chunk);
                assertEquals(whole.rows, chunked.rows);
                assertEquals(whole.cols, chunked.cols);
                assertArrayEquals(whole.data, chunked.data, layers + " layers, chunks of " + chunk + ", " + threads + " threads");
            } finally {
                Parallel.setThreads(threadsBefore);
            }
        }
    }
}
