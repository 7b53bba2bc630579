package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gmi.engine.CsrMatrix;
import org.gmi.graph.Datasets;
import org.gmi.graph.Graph;
import org.gmi.graph.JsonReader;
import org.gmi.graph.PlainWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A multi-label dataset through the command line: trained, scored by micro-F1, refused by the paper protocol. */
class MultiLabelCommandTest {
    @TempDir
    Path dir;

    /** Cora with 7 labels per node: label c held when the node or one of its neighbours is of class c. */
    private Path multiLabelCora() {
        Graph cora = Datasets.load("cora");
        CsrMatrix a = cora.adjacency();
        int n = cora.numNodes();
        int[] ptr = new int[n + 1];
        java.util.List<Integer> cols = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            java.util.TreeSet<Integer> held = new java.util.TreeSet<>();
            held.add(cora.labels()[i]);
            for (int e = a.rowPtr[i]; e < a.rowPtr[i + 1]; e++) {
                held.add(cora.labels()[a.colIdx[e]]);
            }
            cols.addAll(held);
            ptr[i + 1] = cols.size();
        }
        float[] ones = new float[cols.size()];
        java.util.Arrays.fill(ones, 1f);
        CsrMatrix m = new CsrMatrix(n, 7, ptr, cols.stream().mapToInt(Integer::intValue).toArray(), ones);
        int[] labelled = new int[n];
        Graph g = new Graph("cora-multi", a, cora.features(), labelled, 7, cora.split(), cora.report(), m);
        Path folder = dir.resolve("cora-multi");
        PlainWriter.write(g, folder);
        return folder;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMultiLabelDatasetIsScoredByMicroF1() throws Exception {
        Path data = multiLabelCora();
        Path run = dir.resolve("run");
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--epochs", "20", "--hidden", "32",
                "--threads", "2", "--out", run.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("7 labels (multi-label)"), r.err());
        Matcher m = Pattern.compile("DGI on cora-multi: test micro-F1 (0\\.\\d{3}) \\(val protocol, multi-label, C = \\S+ chosen on validation\\)")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        double f1 = Double.parseDouble(m.group(1));
        // a node holds 2.3 of the 7 labels on average; predicting none scores 0, and the embeddings carry the neighbourhood
        assertTrue(f1 > 0.5, "micro-F1 " + f1);
        Map<String, Object> metrics = JsonReader.object(Files.readString(run.resolve("metrics.json")));
        Map<String, Object> eval = (Map<String, Object>) metrics.get("eval");
        assertEquals(f1, (Double) eval.get("mean"), 5e-4);
        assertNull(metrics.get("clustering"), "k-means scores one class per node: skipped");
    }

    @Test
    void thePaperProtocolIsRefusedOnMultiLabelData() {
        Path data = multiLabelCora();
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--epochs", "1", "--hidden", "8",
                "--protocol", "paper", "--out", dir.resolve("x").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("is multi-label (7 labels per node), scored by micro-F1 under the val protocol only; use --protocol val"),
                r.err());
    }
}
