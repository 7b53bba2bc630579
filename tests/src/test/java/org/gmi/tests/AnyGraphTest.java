package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.gmi.graph.JsonReader;
import org.gmi.graph.Npy;
import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;
import org.gmi.graph.PlainWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13 through the real command line: graphs without labels or with some, random splits, the
 * k-means check, split.json, flags that do not apply refused, DGI with two layers, gmi eval naming
 * the method, --reconstruction auto.
 */
class AnyGraphTest {
    @TempDir
    Path dir;

    private Path planted(String name, int n) {
        Graph g = TestGraphs.planted(new SplittableRandom(5), name, n, 3, 0.3, 0.02, 4);
        Path folder = dir.resolve(name);
        PlainWriter.write(g, folder);
        return folder;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path file) throws Exception {
        return JsonReader.object(Files.readString(file));
    }

    private static List<String> files(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no labels.csv", "every label -1"})
    void unlabelledGraphTrainsWritesEmbeddingsAndSaysWhyThereIsNoEvaluation(String how) throws Exception {
        Path data = planted("g", 45);
        if (how.equals("no labels.csv")) {
            Files.delete(data.resolve("labels.csv"));
        } else {
            Files.writeString(data.resolve("labels.csv"), "-1\n".repeat(45));
        }
        Path out = dir.resolve("out");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                "--epochs", "2", "--threads", "1");
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json"), files(out));
        assertEquals(45, Npy.readMatrix(out.resolve("embeddings.npy")).rows);
        Map<String, Object> m = json(out.resolve("metrics.json"));
        assertNull(m.get("eval"));
        assertNull(m.get("clustering"));
        assertTrue(((String) m.get("eval_skipped")).contains("no labels"), m.get("eval_skipped").toString());
        assertTrue(r.err().contains("note: no evaluation after training: the dataset has no labels"), r.err());
        assertEquals(List.of("GMI on g: embeddings written to " + out.resolve("embeddings.npy") + " (no evaluation: "
                + m.get("eval_skipped") + ")"), r.outLines());
        // gmi eval has nothing else to do: one line, exit 2
        Cli e = Cli.run("eval", "--embeddings", out.resolve("embeddings.npy").toString(), "--dataset", data.toString());
        assertEquals(2, e.code(), e.toString());
        assertEquals(1, e.errLines().size(), e.toString());
        assertTrue(e.err().contains("nothing to evaluate"), e.err());
    }

    @Test
    @SuppressWarnings("unchecked")
    void partialLabelsLeaveTheUnlabelledNodesOutOfTheSplit() throws Exception {
        Path data = planted("partial", 90);
        List<String> labels = new ArrayList<>(Files.readAllLines(data.resolve("labels.csv")));
        Set<Integer> unlabelled = new HashSet<>();
        for (int i = 0; i < labels.size(); i += 3) {
            labels.set(i, "-1");
            unlabelled.add(i);
        }
        Files.write(data.resolve("labels.csv"), labels);
        Path out = dir.resolve("out");
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                "--epochs", "3", "--threads", "1");
        assertEquals(0, r.code(), r.toString());
        Map<String, Object> split = json(out.resolve("split.json"));
        List<Object> splits = (List<Object>) split.get("splits");
        assertEquals(1, splits.size());
        Map<String, Object> s = (Map<String, Object>) splits.get(0);
        Set<Integer> seen = new HashSet<>();
        for (String part : List.of("train", "val", "test")) {
            for (Object id : (List<Object>) s.get(part)) {
                int node = ((Double) id).intValue();
                assertFalse(unlabelled.contains(node), "unlabelled node " + node + " in " + part);
                assertTrue(seen.add(node), "node " + node + " in two sets");
            }
        }
        assertEquals(90 - unlabelled.size(), seen.size(), "every labelled node in exactly one set");
        assertEquals(-1.0, ((List<Object>) split.get("labels")).get(0));
        Map<String, Object> eval = (Map<String, Object>) json(out.resolve("metrics.json")).get("eval");
        assertEquals((double) ((List<Object>) s.get("test")).size() * (Double) eval.get("mean"),
                Math.rint((double) ((List<Object>) s.get("test")).size() * (Double) eval.get("mean")), 1e-9,
                "the accuracy is a count over the labelled test nodes");
    }

    @Test
    @SuppressWarnings("unchecked")
    void randomSplitsReportMeanAndSpreadAndTheClusteringCheck() throws Exception {
        Path data = planted("splits", 90);
        Path out = dir.resolve("out");
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "16",
                "--epochs", "10", "--threads", "1", "--splits", "4", "--split-seed", "7");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.outLines().get(0).matches("DGI on splits: test accuracy \\d+\\.\\d (±|\\+/-) \\d+\\.\\d % \\(val protocol, 4 splits\\)"),
                r.out());
        Map<String, Object> m = json(out.resolve("metrics.json"));
        Map<String, Object> eval = (Map<String, Object>) m.get("eval");
        List<Object> acc = (List<Object>) eval.get("accuracies");
        assertEquals(4, acc.size());
        double mean = acc.stream().mapToDouble(a -> (Double) a).average().orElseThrow();
        assertEquals(mean, (Double) eval.get("mean"), 1e-12);
        double ss = acc.stream().mapToDouble(a -> ((Double) a - mean) * ((Double) a - mean)).sum();
        assertEquals(Math.sqrt(ss / 3), (Double) eval.get("std"), 1e-12, "sample standard deviation over the splits");
        assertEquals(4, ((List<Object>) eval.get("c_chosen")).size());
        List<Object> splits = (List<Object>) json(out.resolve("split.json")).get("splits");
        assertEquals(4, splits.size());
        Set<Object> kinds = new HashSet<>();
        for (Object s : splits) {
            kinds.add(((Map<String, Object>) s).get("train"));
        }
        assertEquals(4, kinds.size(), "four different splits");
        assertEquals("random(seed=7, 0.1/0.1/0.8)", ((Map<String, Object>) splits.get(0)).get("kind"));
        Map<String, Object> clustering = (Map<String, Object>) m.get("clustering");
        assertEquals(3.0, clustering.get("k"));
        double nmi = (Double) clustering.get("nmi");
        double ari = (Double) clustering.get("ari");
        assertTrue(nmi >= 0 && nmi <= 1 && ari <= 1, clustering.toString());
        assertEquals(90.0, clustering.get("scored_nodes"));

        // --splits with the paper protocol, --eval-runs with the val protocol: one line each, exit 2, nothing written
        for (List<String> bad : List.of(List.of("--splits", "3", "--protocol", "both"), List.of("--eval-runs", "5"))) {
            List<String> args = new ArrayList<>(List.of("train", "--method", "dgi", "--dataset", data.toString(), "--out",
                    dir.resolve("refused").toString(), "--epochs", "1", "--hidden", "8"));
            args.addAll(bad);
            Cli no = Cli.run(args.toArray(String[]::new));
            assertEquals(2, no.code(), no.toString());
            assertEquals(1, no.errLines().size(), no.toString());
            assertTrue(no.err().contains(bad.get(0)), no.err());
            assertFalse(Files.exists(dir.resolve("refused")));
        }
    }

    @Test
    void splitFlagsOnAPublicSplitAreRefusedUnlessSplitsAsksForRandomOnes() throws Exception {
        Path out = dir.resolve("cora");
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", "cora", "--out", out.toString(), "--hidden", "8",
                "--epochs", "1", "--train-frac", "0.3");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().contains("--train-frac applies to random splits, but cora has a public split"), r.err());
        assertFalse(Files.exists(out));
        Cli ok = Cli.run("train", "--method", "dgi", "--dataset", "cora", "--out", out.toString(), "--hidden", "8",
                "--epochs", "1", "--train-frac", "0.3", "--splits", "2", "--threads", "1");
        assertEquals(0, ok.code(), ok.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void dgiTrainsATwoLayerEncoderWhenAsked() throws Exception {
        Path data = planted("deep", 45);
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        for (Path out : List.of(one, two)) {
            Cli r = Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                    "--epochs", "3", "--threads", "1", "--no-eval", "--layers", out == one ? "1" : "2");
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.err().contains(out == one ? "1 layer, 8 hidden" : "2 layers, 8 hidden"), r.err());
        }
        assertEquals(1.0, json(one.resolve("metrics.json")).get("layers"));
        assertEquals(2.0, json(two.resolve("metrics.json")).get("layers"));
        // the same seed: the second layer changes the computation, so the losses differ from the first epoch on
        assertNotEquals(((List<Object>) json(one.resolve("metrics.json")).get("loss")).get(0),
                ((List<Object>) json(two.resolve("metrics.json")).get("loss")).get(0));
        // no --layers: DGI's one layer, the same bits as --layers 1
        Path def = dir.resolve("default");
        assertEquals(0, Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--out", def.toString(), "--hidden", "8",
                "--epochs", "3", "--threads", "1", "--no-eval").code());
        assertEquals(json(one.resolve("metrics.json")).get("loss"), json(def.resolve("metrics.json")).get("loss"));
        Matrix a = Npy.readMatrix(one.resolve("embeddings.npy"));
        Matrix b = Npy.readMatrix(def.resolve("embeddings.npy"));
        assertTrue(java.util.Arrays.equals(a.data, b.data));
    }

    @Test
    void evalNamesTheMethodFromMetricsJsonOrMethodNeverByGuess() throws Exception {
        Path data = planted("named", 60);
        Path out = dir.resolve("run");
        assertEquals(0, Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--out", out.toString(),
                "--hidden", "8", "--epochs", "3", "--threads", "1", "--no-eval").code());
        Cli beside = Cli.run("eval", "--embeddings", out.resolve("embeddings.npy").toString(), "--dataset", data.toString());
        assertEquals(0, beside.code(), beside.toString());
        assertTrue(beside.out().startsWith("DGI on named: test accuracy "), beside.out());

        Path loose = dir.resolve("loose.npy");
        Files.copy(out.resolve("embeddings.npy"), loose);
        Cli unnamed = Cli.run("eval", "--embeddings", loose.toString(), "--dataset", data.toString());
        assertEquals(0, unnamed.code(), unnamed.toString());
        assertTrue(unnamed.out().startsWith("embeddings on named: test accuracy "), unnamed.out());
        Cli named = Cli.run("eval", "--embeddings", loose.toString(), "--dataset", data.toString(), "--method", "gmi");
        assertTrue(named.out().startsWith("GMI on named: test accuracy "), named.out());
        Cli paper = Cli.run("eval", "--embeddings", loose.toString(), "--dataset", data.toString(), "--protocol", "paper");
        assertEquals(2, paper.code(), paper.toString());
        assertEquals(1, paper.errLines().size(), paper.toString());
        assertTrue(paper.err().contains("give --method gmi|dgi"), paper.err());
    }

    @Test
    void reconstructionAutoPicksExactForSmallGraphsAndSampledForLargeOnesAndSaysWhy() throws Exception {
        Path small = planted("small", 45);
        Path out = dir.resolve("small-run");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", small.toString(), "--out", out.toString(), "--hidden", "4",
                "--epochs", "1", "--threads", "1", "--no-eval");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("--reconstruction auto: exact, as the graph has 45 nodes (<= 5000)"), r.err());
        assertTrue(r.err().matches("(?s).*about [0-9.e+-]+ s/epoch \\(estimated from .* FLOP per epoch.*"), r.err());
        assertEquals("exact", json(out.resolve("metrics.json")).get("reconstruction"));

        // a ring of 5001 nodes: above the threshold
        Path big = dir.resolve("ring");
        Files.createDirectories(big);
        StringBuilder edges = new StringBuilder();
        for (int i = 0; i < 5001; i++) {
            edges.append(i).append(',').append((i + 1) % 5001).append('\n');
        }
        Files.writeString(big.resolve("edges.csv"), edges);
        Path bigOut = dir.resolve("ring-run");
        Cli b = Cli.run("train", "--method", "gmi", "--dataset", big.toString(), "--out", bigOut.toString(), "--hidden", "4",
                "--epochs", "1", "--threads", "1");
        assertEquals(0, b.code(), b.toString());
        assertTrue(b.err().contains("--reconstruction auto: sampled, as the graph has 5001 nodes (> 5000)"), b.err());
        assertEquals("sampled", json(bigOut.resolve("metrics.json")).get("reconstruction"));
        assertEquals("auto", ((Map<?, ?>) json(bigOut.resolve("metrics.json")).get("config")).get("reconstruction"));
    }
}
