package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;
import org.gmi.graph.BinaryGraph;
import org.gmi.graph.CsrBuilder;
import org.gmi.graph.Graph;
import org.gmi.graph.LoadReport;
import org.gmi.graph.Splits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Minibatch training of a graph whose features do not fit the Java heap: the graph in the binary
 * layout, its features file larger than the child JVM's whole heap. The minibatch run reads each
 * batch's rows from the mapped file and finishes; full-batch training, which needs the features on
 * the heap, is refused with one line.
 */
class BeyondHeapTest {
    private static final int NODES = 200_000;
    private static final int FEATURES = 2_000;
    private static final int PER_ROW = 100;
    private static final String HEAP = "-Xmx128m";

    @TempDir
    Path dir;

    /** A sparse random graph (a ring plus random edges, average degree about 6) with 100 feature entries per node. */
    private static Graph graph() {
        SplittableRandom rng = new SplittableRandom(7);
        CsrBuilder b = new CsrBuilder(NODES);
        for (int i = 0; i < NODES; i++) {
            b.add(i, (i + 1) % NODES);
            b.add(i, rng.nextInt(NODES));
            b.add(i, rng.nextInt(NODES));
        }
        int[] ptr = new int[NODES + 1];
        int[] col = new int[NODES * PER_ROW];
        float[] val = new float[col.length];
        int[] labels = new int[NODES];
        boolean[] taken = new boolean[FEATURES];
        for (int i = 0; i < NODES; i++) {
            labels[i] = rng.nextInt(4);
            int p = i * PER_ROW;
            for (int k = 0; k < PER_ROW; k++) {
                int c;
                do {
                    c = labels[i] * 50 + rng.nextInt(FEATURES - 200);
                } while (taken[c]);
                taken[c] = true;
                col[p + k] = c;
            }
            Arrays.sort(col, p, p + PER_ROW);
            for (int k = 0; k < PER_ROW; k++) {
                taken[col[p + k]] = false;
                val[p + k] = 1 + rng.nextInt(3);
            }
            ptr[i + 1] = p + PER_ROW;
        }
        CsrMatrix x = new CsrMatrix(NODES, FEATURES, ptr, col, val);
        return new Graph("beyond-heap", b.build(true).matrix(), x, labels, 4, Splits.random(labels, 0),
                new LoadReport("memory", 0, 0, 0, List.of()));
    }

    @Test
    void minibatchTrainingReadsFeaturesLargerThanTheHeap() throws IOException, InterruptedException {
        Path data = dir.resolve("graph");
        Files.createDirectories(data);
        BinaryGraph.write(graph(), data::resolve);
        long featureBytes = Files.size(data.resolve("features.indices.i32")) + Files.size(data.resolve("features.values.f32"));
        assertTrue(featureBytes > 128L << 20, "the features (" + featureBytes + " bytes) exceed the child's heap");

        Path run = dir.resolve("run");
        try (ChildJvm child = ChildJvm.start(List.of(HEAP), "train", "--method", "gmi", "--dataset", data.toString(),
                "--batch-size", "512", "--fanout", "3,2", "--layers", "2", "--hidden", "16", "--epochs", "1", "--threads", "2", "--no-eval",
                "--out", run.toString())) {
            int code = child.waitFor(300);
            assertEquals(0, code, child.stderr());
            assertTrue(child.stderr().contains("adjacency and features read through memory mapping (1199981 and 20000000 entries)"),
                    child.stderr());
        }
        byte[] npy = Files.readAllBytes(run.resolve("embeddings.npy"));
        assertTrue(new String(npy, 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1).contains("(" + NODES + ", 16)"));

        Path full = dir.resolve("full");
        try (ChildJvm child = ChildJvm.start(List.of(HEAP), "train", "--method", "gmi", "--dataset", data.toString(),
                "--hidden", "16", "--epochs", "1", "--threads", "2", "--no-eval", "--out", full.toString())) {
            int code = child.waitFor(120);
            assertEquals(2, code, child.stderr());
            List<String> errors = child.stderr().lines().filter(l -> l.startsWith("gmi: error: ")).toList();
            assertEquals(1, errors.size(), child.stderr());
            assertTrue(errors.get(0).contains("heap"), child.stderr());
        }
        assertTrue(!Files.exists(full.resolve("embeddings.npy")));
    }
}
