package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gmi.engine.Matrix;
import org.gmi.graph.JsonReader;
import org.gmi.graph.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny real runs through the command line: files, their contents, and what a failure leaves behind. */
class TrainRunTest {
    @TempDir
    Path dir;

    private static final String[] TINY = {"--epochs", "2", "--hidden", "8", "--threads", "1"};

    private static String[] args(String... head) {
        return Stream.concat(Stream.of(head), Stream.of(TINY)).toArray(String[]::new);
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainWritesEmbeddingsAndMetricsThenEvalReadsThem() throws Exception {
        Path out = dir.resolve("runs/cora-gmi");
        Cli r = Cli.run(args("train", "--method", "gmi", "--dataset", "cora", "--out", out.toString(), "--protocol", "both",
                "--eval-runs", "2"));
        assertEquals(0, r.code(), r.toString());

        // stdout: exactly the two accuracy lines, the paper one flagged as leaky
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).matches("GMI on cora: test accuracy \\d+\\.\\d % \\(val protocol, C = [0-9.]+ chosen on validation\\)"), lines.get(0));
        assertTrue(lines.get(1).matches("GMI on cora: test accuracy .* \\(paper protocol, 2 runs\\) \\[leaky: iterations chosen on test accuracy]"),
                lines.get(1));
        assertTrue(r.err().contains("epoch 1/2  loss "), r.err());
        assertTrue(r.err().contains("dataset cora: 2708 nodes"), r.err());

        // the files, and nothing else
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Matrix emb = Npy.readMatrix(out.resolve("embeddings.npy"));
        assertEquals(2708, emb.rows);
        assertEquals(8, emb.cols);

        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("metrics.json")));
        assertEquals("gmi", m.get("method"));
        assertEquals("cora", m.get("dataset"));
        assertEquals(2708.0, m.get("nodes"));
        assertEquals(5278.0, m.get("edges"));
        assertEquals(1433.0, m.get("features"));
        assertEquals(2.0, m.get("layers"));
        assertEquals(8.0, m.get("hidden"));
        assertEquals(2.0, m.get("epochs_run"));
        assertEquals(2, ((List<Object>) m.get("loss")).size());
        Map<String, Object> terms = (Map<String, Object>) m.get("terms");
        assertFalse(terms.isEmpty());
        for (Object series : terms.values()) {
            assertEquals(2, ((List<Object>) series).size());
        }
        assertTrue((Double) m.get("peak_rss_mib") > 10, "peak RSS " + m.get("peak_rss_mib"));
        assertTrue((Double) m.get("seconds_per_epoch") > 0);
        Map<String, Object> config = (Map<String, Object>) m.get("config");
        assertEquals(0.001, config.get("lr"));
        assertEquals("both", config.get("protocol"));
        assertEquals(2.0, config.get("eval_runs"));
        Map<String, Object> eval = (Map<String, Object>) m.get("eval");
        assertEquals("val", eval.get("protocol"));
        assertEquals(Boolean.FALSE, eval.get("leaky"));
        assertEquals(1.0, eval.get("runs"), "one split");
        assertEquals(List.of(0.001, 0.01, 0.1, 1.0, 10.0, 100.0), eval.get("c_grid"));
        assertTrue(((List<Object>) eval.get("c_grid")).contains(((List<Object>) eval.get("c_chosen")).get(0)), eval.toString());
        double mean = (Double) eval.get("mean");
        assertTrue(mean > 0 && mean <= 1, "accuracy as a fraction: " + mean);
        Map<String, Object> paper = (Map<String, Object>) m.get("eval_paper");
        assertEquals("paper", paper.get("protocol"));
        assertEquals(Boolean.TRUE, paper.get("leaky"));

        // numpy reads the embeddings (where python3 and numpy are installed)
        numpyShape(out.resolve("embeddings.npy"), "(2708, 8)");

        // a second run into the same folder is refused, then allowed with --force
        Cli again = Cli.run(args("train", "--method", "dgi", "--dataset", "cora", "--out", out.toString()));
        assertEquals(2, again.code(), again.toString());
        assertEquals("gmi", JsonReader.object(Files.readString(out.resolve("metrics.json"))).get("method"));
        Cli forced = Cli.run(args("train", "--method", "dgi", "--dataset", "cora", "--out", out.toString(), "--force", "--no-eval"));
        assertEquals(0, forced.code(), forced.toString());
        Map<String, Object> dgi = JsonReader.object(Files.readString(out.resolve("metrics.json")));
        assertEquals("dgi", dgi.get("method"));
        assertTrue(dgi.containsKey("eval") && dgi.get("eval") == null);

        // gmi eval on the saved file, with a JSON result
        Path json = dir.resolve("eval.json");
        Cli e = Cli.run("eval", "--embeddings", out.resolve("embeddings.npy").toString(), "--dataset", "cora",
                "--method", "dgi", "--protocol", "paper", "--eval-runs", "2", "--out", json.toString());
        assertEquals(0, e.code(), e.toString());
        assertTrue(e.out().startsWith("DGI on cora: test accuracy "), e.out());
        assertFalse(e.out().contains("leaky"), "DGI's paper protocol does not look at the test set");
        Map<String, Object> ej = JsonReader.object(Files.readString(json));
        assertEquals(2.0, ((Map<String, Object>) ej.get("eval")).get("runs"));

        // embeddings of the wrong graph: one clear line, exit 2
        Cli wrong = Cli.run("eval", "--embeddings", out.resolve("embeddings.npy").toString(), "--dataset", "citeseer");
        assertEquals(2, wrong.code(), wrong.toString());
        assertEquals(1, wrong.errLines().size(), wrong.toString());
        assertTrue(wrong.err().contains("has 2708 rows but dataset citeseer has 3327 nodes"), wrong.err());
    }

    @Test
    void badDataLeavesNoOutputsBehind() throws Exception {
        // a bad token, a node id out of range, a truncated features file, a missing edges.csv
        List<Map<String, String>> cases = List.of(
                Map.of("edges.csv", "0,1\n1,2\n2,banana\n"),
                Map.of("edges.csv", "0,1\n1,7\n", "labels.csv", "0\n1\n0\n"),
                Map.of("edges.csv", "0,1\n1,2\n", "features.csv", "1,0\n0,1\n1"),
                Map.of("features.csv", "1,0\n0,1\n"));
        int k = 0;
        for (Map<String, String> files : cases) {
            Path data = dir.resolve("broken" + k++);
            Files.createDirectories(data);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(data.resolve(f.getKey()), f.getValue());
            }
            Path out = dir.resolve("out" + k);
            Cli r = Cli.run(args("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString()));
            assertEquals(2, r.code(), files + "\n" + r);
            assertEquals(1, r.errLines().size(), files + "\n" + r);
            assertTrue(r.err().startsWith("gmi: error: ") && r.err().contains(data.toString()), r.err());
            assertTrue(r.out().isEmpty(), r.out());
            assertFalse(Files.exists(out), "the output folder made for this run is removed again: " + files);

            Files.createDirectories(out);
            Cli again = Cli.run(args("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString()));
            assertEquals(2, again.code(), again.toString());
            try (Stream<Path> left = Files.list(out)) {
                assertEquals(List.of(), left.toList(), "no outputs and no temporary files left: " + files);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void datasetsListsTheBundledOnes() {
        Cli r = Cli.run("datasets");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("name "), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("cora\\s+2708\\s+5278\\s+0\\s+1433\\s+7\\s+140\\s+500\\s+1000\\s+.*")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("citeseer\\s+3327\\s+.*")), r.out());

        Cli j = Cli.run("datasets", "--json");
        assertEquals(0, j.code(), j.toString());
        List<Object> rows = (List<Object>) JsonReader.parse(j.out());
        List<Object> bundled = rows.stream().filter(row -> "bundled".equals(((Map<String, Object>) row).get("where"))).toList();
        assertEquals(2, bundled.size());
        List<Object> byName = rows.stream().map(row -> ((Map<String, Object>) row).get("name")).toList();
        assertTrue(byName.containsAll(List.of("pubmed", "amazon-computers", "amazon-photo", "coauthor-cs", "coauthor-physics")), byName.toString());
    }

    private static void numpyShape(Path file, String shape) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import numpy, sys; a = numpy.load(sys.argv[1]); print(a.dtype, a.shape)",
                    file.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return; // no python3 here: NpyTest covers the format
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (output.contains("No module named")) {
            return;
        }
        assertEquals("float32 " + shape, output);
    }
}
