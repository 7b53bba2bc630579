package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.gmi.engine.Parallel;
import org.gmi.engine.Simd;
import org.gmi.graph.Datasets;
import org.gmi.graph.Graph;
import org.gmi.graph.JsonReader;
import org.gmi.graph.SplitOptions;
import org.gmi.models.EpochFlop;
import org.gmi.models.Method;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.TrainConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gmi bench} on a tiny graph through the real command line, and its FLOP count. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** A plain-format graph: a ring of 150 nodes with random chords, 10 features, 3 classes. */
    private Path tinyGraph() throws IOException {
        Path folder = dir.resolve("tiny");
        Files.createDirectories(folder);
        SplittableRandom rng = new SplittableRandom(42);
        int n = 150;
        StringBuilder edges = new StringBuilder("source,target\n");
        StringBuilder features = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < n; i++) {
            edges.append(i).append(',').append((i + 1) % n).append('\n');
            edges.append(i).append(',').append(rng.nextInt(n)).append('\n');
            for (int f = 0; f < 10; f++) {
                features.append(f == 0 ? "" : ",").append(rng.nextInt(3) == 0 ? String.format(Locale.ROOT, "%.3f", rng.nextDouble()) : "0");
            }
            features.append('\n');
            labels.append(i % 3).append('\n');
        }
        Files.writeString(folder.resolve("edges.csv"), edges);
        Files.writeString(folder.resolve("features.csv"), features);
        Files.writeString(folder.resolve("labels.csv"), labels);
        return folder;
    }

    @Test
    @SuppressWarnings("unchecked")
    void benchWritesBenchJsonWithSaneFigures() throws IOException {
        Path data = tinyGraph();
        for (String reconstruction : List.of("exact", "sampled")) {
            Path out = dir.resolve("bench-" + reconstruction);
            Cli r = Cli.run("bench", "--method", "gmi", "--dataset", data.toString(), "--epochs", "8", "--warmup", "2",
                    "--threads", "2", "--hidden", "32", "--reconstruction", reconstruction, "--out", out.toString(),
                    "--profile-ops");
            assertEquals(0, r.code(), r.toString());
            assertEquals(1, r.out().lines().count(), r.out());
            assertTrue(r.out().startsWith("bench gmi on tiny (" + reconstruction + ", 1 layer, 32 hidden, 2 threads): "), r.out());
            assertTrue(r.out().contains("GFLOP/s"), r.out());
            try (var files = Files.list(out)) {
                assertEquals(List.of("bench.json"), files.map(p -> p.getFileName().toString()).toList(), "only bench.json");
            }
            Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("bench.json")));
            String ctx = reconstruction + ": " + m;
            assertEquals("gmi", m.get("method"), ctx);
            assertEquals("tiny", m.get("dataset"), ctx);
            assertEquals(150.0, m.get("nodes"), ctx);
            assertEquals(32.0, m.get("hidden"), ctx);
            assertEquals(1.0, m.get("layers"), ctx);
            assertEquals(2.0, m.get("threads"), ctx);
            assertEquals("cpu", m.get("device"), ctx);
            assertEquals(reconstruction, m.get("reconstruction"), ctx);
            assertEquals(6.0, m.get("measured_epochs"), ctx);
            double epoch = (Double) m.get("seconds_per_epoch");
            assertTrue(epoch > 0 && epoch < 5, ctx);
            Map<String, Object> phases = (Map<String, Object>) m.get("phases");
            assertEquals(List.of("encoder", "discriminators", "reconstruction", "backward", "optimiser"),
                    List.copyOf(phases.keySet()), ctx);
            double sum = 0;
            for (Object v : phases.values()) {
                assertTrue((Double) v > 0, ctx);
                sum += (Double) v;
            }
            assertEquals(sum, (Double) m.get("phases_sum"), 1e-9, ctx);
            // within each epoch the phases account for its wall time, the loop's own bookkeeping aside: the median
            // of what they leave is small (medians of separate phases need not add up to the median epoch when the
            // machine is busy, so the phases' medians are not compared with the epoch's)
            double other = (Double) m.get("other_seconds");
            assertTrue(other >= -1e-6 && other <= 0.25 * epoch + 2e-3, "other " + other + " of epoch " + epoch + ": " + ctx);
            double flop = (Double) m.get("flop_per_epoch");
            TrainConfig c = new TrainConfig();
            c.hidden = 32;
            c.reconstruction = ReconstructionMode.valueOf(reconstruction.toUpperCase(Locale.ROOT));
            Graph g = org.gmi.graph.PlainLoader.load(data);
            assertEquals((double) EpochFlop.count(g, c, Method.GMI, 1).total(), flop, ctx);
            assertEquals(flop / epoch / 1e9, (Double) m.get("gflops"), 1e-9 * flop, ctx);
            assertTrue((Double) m.get("peak_rss_mib") > 10, ctx);
            double alloc = (Double) m.get("allocated_mib_per_epoch");
            assertTrue(alloc >= 0 && alloc < 64, "allocated per epoch " + alloc + ": " + ctx);
            Map<String, Object> machine = (Map<String, Object>) m.get("machine");
            assertEquals((double) Runtime.getRuntime().availableProcessors(), machine.get("cores"), ctx);
            assertEquals((double) Simd.LANES, machine.get("simd_lanes"), ctx);
            assertEquals(Runtime.version().toString(), m.get("java_version"), ctx);
            assertEquals(8, ((List<Object>) m.get("epoch_seconds")).size(), ctx);
            // --profile-ops: every taped op, the reconstruction among them, with non-negative times
            List<Map<String, Object>> ops = (List<Map<String, Object>>) m.get("ops");
            assertTrue(ops.stream().anyMatch(o -> ((String) o.get("op")).contains("ReconstructionLoss")), ctx);
            assertTrue(ops.stream().anyMatch(o -> ((String) o.get("op")).startsWith("BilinearScores")), ctx);
            double opSum = 0;
            for (Map<String, Object> o : ops) {
                assertTrue((Double) o.get("forward_seconds") >= 0 && (Double) o.get("backward_seconds") >= 0, ctx);
                opSum += (Double) o.get("forward_seconds") + (Double) o.get("backward_seconds");
            }
            // the ops' times are means over the measured epochs: against the mean epoch (a busy machine's one slow
            // epoch moves a mean far more than the median)
            List<Double> seconds = (List<Double>) m.get("epoch_seconds");
            double meanEpoch = seconds.subList(2, seconds.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertTrue(opSum > 0 && opSum < 4 * meanEpoch, "ops sum " + opSum + " vs mean epoch " + meanEpoch + ": " + ctx);
            assertTrue(r.err().contains("ops by time"), r.toString());
        }

        // DGI, and the errors
        Cli dgi = Cli.run("bench", "--method", "dgi", "--dataset", data.toString(), "--epochs", "3", "--warmup", "1",
                "--threads", "1", "--hidden", "16", "--out", dir.resolve("dgi").toString());
        assertEquals(0, dgi.code(), dgi.toString());
        Map<String, Object> d = JsonReader.object(Files.readString(dir.resolve("dgi/bench.json")));
        assertEquals("dgi", d.get("method"));
        assertEquals(null, d.get("reconstruction"));
        assertFalse(d.containsKey("ops"), "no op table without --profile-ops");
        assertEquals(0.0, ((Map<String, Object>) d.get("phases")).get("reconstruction"));

        Cli again = Cli.run("bench", "--method", "dgi", "--dataset", data.toString(), "--out", dir.resolve("dgi").toString());
        assertEquals(2, again.code(), again.toString());
        assertTrue(again.err().contains("already holds bench.json; pass --force"), again.toString());
        Cli noRoom = Cli.run("bench", "--method", "gmi", "--dataset", data.toString(), "--epochs", "3", "--warmup", "3",
                "--out", dir.resolve("none").toString());
        assertEquals(2, noRoom.code(), noRoom.toString());
        assertTrue(noRoom.err().contains("--warmup 3 leaves no epoch to measure out of --epochs 3"), noRoom.toString());
        assertFalse(Files.exists(dir.resolve("none")));
    }

    /** Cora, GMI exact, 2 layers, 512 dimensions: about 20 GFLOP an epoch, as issue 3 counts it. */
    @Test
    void flopCountOfCoraMatchesTheIssuesArithmetic() {
        Graph cora = Datasets.load("cora", SplitOptions.DEFAULT);
        TrainConfig c = new TrainConfig();
        EpochFlop f = EpochFlop.count(cora, c, Method.GMI, 2);
        long n = 2708;
        long d = 512;
        long nnzT = cora.adjacency().nnz() + n; // Cora has no self loops
        assertEquals(3 * n * n * d + 4 * nnzT * d, f.parts().get("reconstruction"));
        double g = f.total() / 1e9;
        assertTrue(g > 19 && g < 23, "Cora GMI epoch: " + g + " GFLOP " + f.parts());
        c.reconstruction = ReconstructionMode.SAMPLED;
        assertEquals(6 * (nnzT + 5 * n) * d, EpochFlop.count(cora, c, Method.GMI, 2).parts().get("reconstruction"));
        assertEquals(0L, EpochFlop.count(cora, c, Method.DGI, 1).parts().get("reconstruction"));
    }
}
