package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.gmi.graph.JsonReader;
import org.gmi.graph.Npy;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.PlainLoader;
import org.gmi.graph.PlainWriter;
import org.gmi.graph.SplitOptions;
import org.gmi.models.Method;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.Trainer;
import org.gmi.models.TrainingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole pipeline through the real command line: a graph written with {@link PlainWriter},
 * {@code gmi train} on it, the files it writes read back and checked value by value, then
 * {@code gmi eval} on the saved embeddings; and the bundled Cora and Citeseer with their layer
 * defaults.
 */
class EndToEndTest {
    private static final int NODES = 60;
    private static final long SEED = 7;
    /** Split flags for both commands: 12 train, 12 validation, 36 test nodes. */
    private static final String[] SPLIT = {"--train-frac", "0.2", "--val-frac", "0.2", "--split-seed", "0"};

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Three planted communities of 20 nodes, features correlated with the community, written as a plain folder. */
    private Path writePlantedGraph() {
        Graph g = TestGraphs.planted(new SplittableRandom(42), "planted", NODES, 3, 0.3, 0.02, 4);
        Path folder = dir.resolve("planted");
        PlainWriter.write(g, folder);
        return folder;
    }

    private static String[] withSplit(String... args) {
        return Stream.concat(Stream.of(args), Stream.of(SPLIT)).toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gmi", "dgi"})
    @SuppressWarnings("unchecked")
    void trainWritesCompleteOutputsAndEvalReproducesTheAccuracy(String method) throws Exception {
        Path data = writePlantedGraph();
        Path out = dir.resolve("run-" + method);
        Cli r = Cli.run(withSplit("train", "--method", method, "--dataset", data.toString(), "--out", out.toString(),
                "--hidden", "16", "--epochs", "15", "--eval-runs", "3", "--protocol", "both", "--seed", "" + SEED,
                "--threads", "1"));
        String ctx = method + "\n" + r;
        assertEquals(0, r.code(), ctx);

        // stdout: one accuracy line per protocol; only GMI's paper protocol is flagged as leaky
        String name = method.toUpperCase(java.util.Locale.ROOT);
        List<String> lines = r.outLines();
        assertEquals(2, lines.size(), ctx);
        assertTrue(lines.get(0).matches(name + " on planted: test accuracy \\d+\\.\\d % \\(val protocol, C = [0-9.]+ chosen on validation\\)"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith(name + " on planted: test accuracy "), lines.get(1));
        assertTrue(lines.get(1).contains("(paper protocol, 3 runs)"), lines.get(1));
        assertEquals(method.equals("gmi"), lines.get(1).endsWith("[leaky: iterations chosen on test accuracy]"), lines.get(1));

        // exactly the two outputs, no temporary files
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        // embeddings.npy: (nodes, 16), and exactly what Trainer.train gives for the same graph, config and threads
        Matrix emb = Npy.readMatrix(out.resolve("embeddings.npy"));
        assertEquals(NODES, emb.rows, ctx);
        assertEquals(16, emb.cols, ctx);
        Graph loaded = PlainLoader.load(data, new SplitOptions(0.2, 0.2, 0));
        TrainConfig config = new TrainConfig();
        config.method = method.equals("gmi") ? Method.GMI : Method.DGI;
        config.hidden = 16;
        config.epochs = 15;
        config.seed = SEED;
        Parallel.setThreads(1);
        TrainResult direct = Trainer.train(loaded, config, TrainingListener.NONE);
        assertArrayEquals(direct.embeddings().data, emb.data, "embeddings.npy holds the trained embeddings, bit for bit");

        // metrics.json: the keys issue 2 asks for, with values that agree with each other and with the run
        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("metrics.json")));
        assertEquals(method, m.get("method"));
        assertEquals("planted", m.get("dataset"));
        assertEquals((double) NODES, m.get("nodes"));
        assertEquals(1.0, m.get("layers"), "a dataset other than Cora defaults to 1 layer");
        assertEquals(16.0, m.get("hidden"));
        assertEquals((double) SEED, m.get("seed"));
        int epochsRun = ((Double) m.get("epochs_run")).intValue();
        assertEquals(direct.epochsRun(), epochsRun);
        assertTrue(epochsRun >= 1 && epochsRun <= 15, "epochs_run " + epochsRun);
        int best = ((Double) m.get("best_epoch")).intValue();
        assertEquals(direct.bestEpoch(), best);
        assertTrue(best >= 1 && best <= epochsRun, "best_epoch " + best);
        assertTrue((Double) m.get("seconds_per_epoch") > 0, "seconds_per_epoch " + m.get("seconds_per_epoch"));
        assertTrue((Double) m.get("peak_rss_mib") > 10, "peak_rss_mib " + m.get("peak_rss_mib"));

        List<Object> loss = (List<Object>) m.get("loss");
        assertEquals(epochsRun, loss.size());
        double minLoss = Double.POSITIVE_INFINITY;
        for (int e = 0; e < epochsRun; e++) {
            double v = (Double) loss.get(e);
            assertEquals(direct.loss()[e], v, 1e-9 * Math.abs(v), "loss of epoch " + (e + 1));
            minLoss = Math.min(minLoss, v);
        }
        assertEquals(minLoss, (Double) loss.get(best - 1), "best_epoch is the epoch of the lowest loss");
        Map<String, Object> terms = (Map<String, Object>) m.get("terms");
        Set<String> expectedTerms = method.equals("gmi") ? Set.of("mi_feature", "mi_neighbour", "reconstruction") : Set.of("bce");
        assertEquals(expectedTerms, terms.keySet());
        for (Object series : terms.values()) {
            assertEquals(epochsRun, ((List<Object>) series).size());
        }
        if (method.equals("gmi")) {
            // L = 0.8 mi_feature + 1 mi_neighbour + 1 reconstruction, at every epoch
            for (int e = 0; e < epochsRun; e++) {
                double sum = 0.8 * (Double) ((List<Object>) terms.get("mi_feature")).get(e)
                        + (Double) ((List<Object>) terms.get("mi_neighbour")).get(e)
                        + (Double) ((List<Object>) terms.get("reconstruction")).get(e);
                assertEquals((Double) loss.get(e), sum, 1e-5 * Math.abs(sum), "loss = weighted terms at epoch " + (e + 1));
            }
        } else {
            assertEquals(loss, terms.get("bce"), "DGI's loss is its one term");
        }

        Map<String, Object> eval = (Map<String, Object>) m.get("eval");
        Map<String, Object> evalPaper = (Map<String, Object>) m.get("eval_paper");
        assertNotNull(eval, ctx);
        assertNotNull(evalPaper, ctx);
        assertEquals("val", eval.get("protocol"));
        assertEquals("paper", evalPaper.get("protocol"));
        assertEquals(Boolean.FALSE, eval.get("leaky"));
        assertEquals(method.equals("gmi"), evalPaper.get("leaky"));
        assertEquals(1.0, eval.get("runs"), "the val protocol: one deterministic classifier on the one split");
        for (Map<String, Object> e : List.of(eval, evalPaper)) {
            int runs = e == eval ? 1 : 3;
            assertEquals((double) runs, e.get("runs"));
            List<Object> acc = (List<Object>) e.get("accuracies");
            assertEquals(runs, acc.size());
            double mean = 0;
            for (Object a : acc) {
                double v = (Double) a;
                assertTrue(v >= 0 && v <= 1, "accuracy as a fraction: " + v);
                // 36 test nodes: every accuracy is a multiple of 1/36
                assertEquals(Math.round(v * 36), v * 36, 1e-9, "accuracy " + v + " on 36 test nodes");
                mean += v / runs;
            }
            assertEquals(mean, (Double) e.get("mean"), 1e-12, "mean of the accuracies");
            double var = 0;
            for (Object a : acc) {
                var += runs == 1 ? 0 : ((Double) a - mean) * ((Double) a - mean) / (runs - 1);
            }
            assertEquals(Math.sqrt(var), (Double) e.get("std"), 1e-12, "sample standard deviation");
        }
        // the communities are learnable: well above the 1/3 of chance (a fixed seed, so not flaky)
        assertTrue((Double) eval.get("mean") > 0.6, "val accuracy " + eval.get("mean") + " on a planted 3-class graph");

        // gmi eval on the saved file: the same accuracies, line for line and number for number
        Path json = dir.resolve("eval-" + method + ".json");
        Cli e = Cli.run(withSplit("eval", "--embeddings", out.resolve("embeddings.npy").toString(), "--dataset",
                data.toString(), "--method", method, "--protocol", "both", "--eval-runs", "3", "--seed", "" + SEED,
                "--threads", "1", "--out", json.toString()));
        assertEquals(0, e.code(), e.toString());
        assertEquals(lines, e.outLines(), "eval prints what train printed");
        Map<String, Object> ej = JsonReader.object(Files.readString(json));
        assertEquals(eval, ej.get("eval"));
        assertEquals(evalPaper, ej.get("eval_paper"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void gmiOnBundledCoraDefaultsToTwoLayers() throws Exception {
        Path out = dir.resolve("cora");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", "cora", "--out", out.toString(), "--hidden", "8",
                "--epochs", "2", "--threads", "2");
        assertEquals(0, r.code(), r.toString());
        assertEquals(1, r.outLines().size(), r.toString());
        assertTrue(r.outLines().get(0).startsWith("GMI on cora: test accuracy "), r.out());
        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("metrics.json")));
        assertEquals(2.0, m.get("layers"));
        assertEquals(2708.0, m.get("nodes"));
        assertEquals(2.0, m.get("epochs_run"));
        assertEquals(2, ((List<Object>) m.get("loss")).size());
        Map<String, Object> eval = (Map<String, Object>) m.get("eval");
        assertEquals("val", eval.get("protocol"));
        assertEquals(1.0, eval.get("runs"));
        Matrix emb = Npy.readMatrix(out.resolve("embeddings.npy"));
        assertEquals(2708, emb.rows);
        assertEquals(8, emb.cols);
    }

    @Test
    void gmiOnBundledCiteseerDefaultsToOneLayer() throws Exception {
        Path out = dir.resolve("citeseer");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", "citeseer", "--out", out.toString(), "--hidden", "8",
                "--epochs", "1", "--no-eval", "--threads", "2");
        assertEquals(0, r.code(), r.toString());
        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("metrics.json")));
        assertEquals(1.0, m.get("layers"));
        assertEquals(3327.0, m.get("nodes"));
        assertTrue(m.containsKey("eval") && m.get("eval") == null, "--no-eval writes \"eval\": null");
        assertFalse(r.out().contains("accuracy"), r.out());
        assertEquals(3327, Npy.readMatrix(out.resolve("embeddings.npy")).rows);
    }
}
