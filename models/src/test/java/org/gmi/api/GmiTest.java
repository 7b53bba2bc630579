package org.gmi.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.gmi.graph.Graph;
import org.gmi.models.Method;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.SavedEncoder;
import org.gmi.models.TrainConfig;
import org.gmi.models.eval.ProbeResult;
import org.junit.jupiter.api.Test;

/** The library facade: graphs from arrays (and their refusals), the CLI's defaults, train, embed, evaluate. */
class GmiTest {
    @org.junit.jupiter.api.io.TempDir
    Path dir;

    @Test
    void fromArraysBuildsTheGraphAndRefusesBadArrays() {
        Graph g = Gmi.fromArrays("path", 4, new int[] {0, 1, 2, 2}, new int[] {1, 2, 3, 3}, null, new int[] {0, 1, -1, 1});
        assertEquals(4, g.numNodes());
        assertEquals(3, g.numUndirectedEdges(), "repeats merged, symmetric");
        assertEquals(4, g.numFeatures(), "one-hot features");
        assertEquals(2, g.numClasses());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gmi.fromArrays("bad", 3, new int[] {0, 5}, new int[] {1, 0}, null, null));
        assertTrue(e.getMessage().contains("edge 1 (5, 0) is outside 0..2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Gmi.fromArrays("bad", 2, new int[] {0}, new int[] {1}, new float[][] {{1, 2}, {3}}, null));
        assertTrue(e.getMessage().contains("feature row 1 has 1 values, row 0 has 2"), e.getMessage());
    }

    @Test
    void trainsEmbedsAndEvaluatesAPlantedGraph() throws Exception {
        SplittableRandom rng = new SplittableRandom(4);
        int n = 120;
        int[] labels = new int[n];
        float[][] x = new float[n][6];
        java.util.List<int[]> edges = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            x[i][labels[i] * 2 + rng.nextInt(2)] = 1;
            x[i][rng.nextInt(6)] += 0.3f;
            for (int j = 0; j < i; j++) {
                if (rng.nextDouble() < (labels[i] == labels[j] ? 0.15 : 0.01)) {
                    edges.add(new int[] {i, j});
                }
            }
        }
        int[] src = edges.stream().mapToInt(p -> p[0]).toArray();
        int[] dst = edges.stream().mapToInt(p -> p[1]).toArray();
        Graph g = Gmi.fromArrays("planted", n, src, dst, x, labels);
        TrainConfig c = Gmi.config(Method.GMI, g);
        assertEquals(1, c.layers);
        assertEquals(ReconstructionMode.EXACT, c.reconstruction, "120 nodes: exact, as the CLI's auto");
        assertEquals(ReconstructionMode.SAMPLED, TrainConfig.autoReconstruction(5001));
        c.hidden = 16;
        c.epochs = 30;
        Embedding e = Gmi.train(g, c, 1, r -> { });
        assertEquals(n, e.nodes());
        assertEquals(16, e.dimensions());
        assertEquals(30, e.training().epochsRun());
        float[][] rows = e.toArray();
        assertEquals(e.get(7, 3), rows[7][3]);
        ProbeResult p = Gmi.evaluate(e, g);
        assertTrue(p.mean() > 0.6, "a planted 3-class graph is learnable: " + p.mean());
        ProbeResult three = Gmi.evaluate(e, g, 3);
        assertEquals(3, three.runs());
        // an embedding from arrays evaluates the same as the trained one
        ProbeResult again = Gmi.evaluate(Gmi.embedding(rows), g);
        assertEquals(p.mean(), again.mean());
        assertNull(Gmi.embedding(rows).training());
        assertArrayEquals(rows[0], Gmi.embedding(rows).toArray()[0]);

        // the encoder saved and loaded embeds the graph again, bit for bit
        Path file = dir.resolve("planted.gmi");
        Gmi.saveEncoder(e, file);
        SavedEncoder loaded = Gmi.loadEncoder(file);
        assertArrayEquals(e.matrix().data, Gmi.embed(loaded, g, 1).matrix().data);
        assertThrows(IllegalArgumentException.class, () -> Gmi.saveEncoder(Gmi.embedding(rows), file));
    }
}
