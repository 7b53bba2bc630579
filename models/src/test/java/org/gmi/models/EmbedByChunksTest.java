package org.gmi.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.gmi.autodiff.Tape;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.BinaryGraph;
import org.gmi.graph.Graph;
import org.gmi.graph.NormalizedAdjacency;
import org.gmi.graph.Normalization;
import org.gmi.graph.SplitOptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The layer-by-layer embedding over chunks of rows ({@link GcnEncoder#embedByChunks}, what
 * {@link SavedEncoder#embed} uses) has the bits of the whole-graph forward, whatever the chunk size
 * and the thread count, with A and X on the heap or mapped from the binary layout (Â's rows then
 * computed from the row offsets alone): {@code gmi embed} and minibatch training's final embeddings
 * rest on it.
 */
class EmbedByChunksTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"1, 1", "1, 7", "1, 64", "1, 500", "2, 1", "2, 13", "2, 64", "2, 500"})
    void chunkedEmbeddingHasTheForwardsBits(int layers, int chunk) throws Exception {
        Graph g = EncoderFileTest.randomGraph(11 + layers, 300, 40);
        BinaryGraph.write(g, dir::resolve);
        Graph mapped = BinaryGraph.load(dir, SplitOptions.defaults());
        CsrMatrix x = Normalization.rowNormalizeFeatures(g.features());
        CsrMatrix a = Normalization.gcnPropagation(g.adjacency());
        GcnEncoder encoder = new GcnEncoder(40, 48, layers, new SplittableRandom(5));
        int threadsBefore = Parallel.threads();
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            try {
                Matrix whole = encoder.forward(new Tape(), x, a).h().value();
                Matrix chunked = encoder.embedByChunks(g.features(), NormalizedAdjacency.of(g.adjacency()), chunk);
                assertEquals(whole.rows, chunked.rows);
                assertEquals(whole.cols, chunked.cols);
                assertArrayEquals(whole.data, chunked.data, layers + " layers, chunks of " + chunk + ", " + threads + " threads");
                Matrix fromFiles = encoder.embedByChunks(mapped.featureRows(), NormalizedAdjacency.of(mapped.adjacencyRows()), chunk);
                assertArrayEquals(whole.data, fromFiles.data, "mapped: " + layers + " layers, chunks of " + chunk);
            } finally {
                Parallel.setThreads(threadsBefore);
            }
        }
    }
}
