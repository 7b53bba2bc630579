package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.gmi.graph.JsonReader;
import org.gmi.cli.Main;
import org.gmi.graph.Npy;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.NegativeSampler;
import org.gmi.graph.PlainLoader;
import org.gmi.graph.PlainWriter;
import org.gmi.models.Checkpoint;
import org.gmi.models.MemoryEstimate;
import org.gmi.models.Method;
import org.gmi.models.NumericalFailureException;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.TrainState;
import org.gmi.models.Trainer;
import org.gmi.models.TrainingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guards through the real command line: a diverging run stops with exit 3 naming the epoch and
 * the term and keeps its last good checkpoint; a resume that differs from its checkpoint, or from a
 * damaged one, is refused with exit 2; a run too big for the heap stops before training with the
 * estimate, the limit and what to change; {@code --sampler} reaches the model.
 */
class GuardTest {
    private static final Pattern NUMERICAL = Pattern.compile(
            "gmi: error: epoch (\\d+): loss term (\\w+) is (NaN|Infinity|-Infinity); try a smaller --lr; "
                    + "the last good checkpoint \\(epoch (\\d+)\\) is kept in (.+)");

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private Path writeGraph() {
        Graph g = TestGraphs.random(new SplittableRandom(8), "random40", 40, 6, 0.1);
        Path folder = dir.resolve("random40");
        PlainWriter.write(g, folder);
        return folder;
    }

    private static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** --lr 1e30 overflows the parameters within a few epochs: a NaN or infinite term. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gmi", "dgi"})
    void divergingRunExitsWith3NamingEpochAndTermAndKeepsTheLastGoodCheckpoint(String method) throws IOException {
        Path data = writeGraph();
        Path out = dir.resolve("diverged");
        String[] args = {"train", "--method", method, "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
            "--epochs", "50", "--lr", "1e30", "--checkpoint-every", "1", "--threads", "1", "--no-eval"};
        Cli r = Cli.run(args);
        assertEquals(3, r.code(), r.toString());
        String line = r.errLines().get(r.errLines().size() - 1);
        Matcher m = NUMERICAL.matcher(line);
        assertTrue(m.matches(), "error line: " + line);
        int failed = Integer.parseInt(m.group(1));
        String term = m.group(2);
        int kept = Integer.parseInt(m.group(4));
        assertEquals(out.resolve(Checkpoint.FOLDER).toString(), m.group(5));
        Set<String> terms = method.equals("gmi") ? Set.of("mi_feature", "mi_neighbour", "reconstruction") : Set.of("bce");
        assertTrue(terms.contains(term), "a real term name: " + term);
        assertTrue(kept >= 1 && kept < failed, line);
        assertEquals(1, r.errLines().stream().filter(l -> l.startsWith("gmi: error")).count(), r.toString());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r);

        // nothing that looks like a finished run; the checkpoint loads, is finite and is the one named
        assertEquals(List.of(Checkpoint.FOLDER), list(out), r.toString());
        TrainState s = Checkpoint.read(out.resolve(Checkpoint.FOLDER)).state();
        assertEquals(kept, s.epochsDone());
        assertFalse(s.finished());
        assertTrue(s.isFinite());
        for (double v : s.loss()) {
            assertTrue(Double.isFinite(v), Arrays.toString(s.loss()));
        }

        // resuming it reproduces the failure exactly, and leaves the checkpoint as it was
        byte[] before = Files.readAllBytes(Checkpoint.file(out.resolve(Checkpoint.FOLDER)));
        Cli again = Cli.run("train", "--resume", out.toString());
        assertEquals(3, again.code(), again.toString());
        assertEquals(line, again.errLines().get(again.errLines().size() - 1), "a resumed run fails where the first did");
        assertArrayEquals(before, Files.readAllBytes(Checkpoint.file(out.resolve(Checkpoint.FOLDER))));
        assertEquals(List.of(Checkpoint.FOLDER), list(out));
    }

    /** The same guard at the Trainer: the exception carries epoch and term; no checkpoint from a bad state. */
    @Test
    void trainerStopsAtTheFirstNonFiniteTerm() {
        Parallel.setThreads(1);
        Graph g = TestGraphs.random(new SplittableRandom(8), "random40", 40, 6, 0.1);
        TrainConfig c = new TrainConfig();
        c.hidden = 8;
        c.epochs = 50;
        c.lr = 1e30;
        List<TrainState> saved = new ArrayList<>();
        NumericalFailureException e = assertThrows(NumericalFailureException.class,
                () -> Trainer.train(g, c, TrainingListener.NONE, new Trainer.Checkpointing(1, saved::add, null)));
        assertTrue(e.epoch() >= 2, "epoch " + e.epoch());
        assertTrue(Set.of("mi_feature", "mi_neighbour", "reconstruction").contains(e.term()), e.getMessage());
        assertTrue(e.getMessage().startsWith("epoch " + e.epoch() + ": loss term " + e.term() + " is "), e.getMessage());
        assertFalse(saved.isEmpty());
        for (TrainState s : saved) {
            assertTrue(s.isFinite() && s.epochsDone() < e.epoch(), "checkpoint of epoch " + s.epochsDone());
        }
    }

    /** A resume that would compute something else, or from a damaged or missing checkpoint: exit 2, one line. */
    @Test
    void resumeRefusesOtherSettingsAndDamagedCheckpoints() throws IOException {
        Path data = writeGraph();
        Path out = dir.resolve("run");
        Cli first = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                "--epochs", "50", "--lr", "1e30", "--checkpoint-every", "1", "--threads", "1", "--no-eval");
        assertEquals(3, first.code(), first.toString());

        record Refusal(List<String> args, List<String> words) {}
        Path other = dir.resolve("other-graph");
        PlainWriter.write(TestGraphs.random(new SplittableRandom(9), "other", 40, 6, 0.1), other);
        List<Refusal> refusals = List.of(
                new Refusal(List.of("--lr", "0.001"), List.of("--lr 0.001 (checkpoint: 1.0E30)")),
                new Refusal(List.of("--method", "dgi", "--hidden", "16"), List.of("--method dgi (checkpoint: gmi)",
                        "--hidden 16 (checkpoint: 8)")),
                new Refusal(List.of("--seed", "1"), List.of("--seed 1 (checkpoint: 0)")),
                new Refusal(List.of("--sampler", "derangement"), List.of("--sampler derangement (checkpoint: uniform)")),
                new Refusal(List.of("--threads", "2"), List.of("--threads 2 (checkpoint: 1)")),
                new Refusal(List.of("--layers", "2"), List.of("--layers 2 (checkpoint: 1)")),
                new Refusal(List.of("--dataset", other.toString()), List.of("the graph of --dataset")),
                new Refusal(List.of("--out", dir.resolve("elsewhere").toString()), List.of("--out", "differs from --resume")));
        for (Refusal f : refusals) {
            List<String> args = new ArrayList<>(List.of("train", "--resume", out.toString()));
            args.addAll(f.args());
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), f + "\n" + r);
            assertEquals(1, r.errLines().size(), f + "\n" + r);
            for (String w : f.words()) {
                assertTrue(r.errLines().get(0).contains(w), "'" + w + "' in: " + r.errLines().get(0));
            }
        }
        // flags that do not change the training may differ: --protocol, --eval-runs, --no-eval (it still fails numerically)
        assertEquals(3, Cli.run("train", "--resume", out.toString(), "--protocol", "paper", "--eval-runs", "3").code());

        // a fresh run into a folder holding a checkpoint is refused without --force
        Cli fresh = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                "--epochs", "2", "--threads", "1", "--no-eval");
        assertEquals(2, fresh.code(), fresh.toString());
        assertTrue(fresh.err().contains("--resume " + out), fresh.toString());

        // damaged, missing
        Path cut = dir.resolve("cut");
        Files.createDirectories(cut.resolve(Checkpoint.FOLDER));
        byte[] good = Files.readAllBytes(Checkpoint.file(out.resolve(Checkpoint.FOLDER)));
        Files.write(Checkpoint.file(cut.resolve(Checkpoint.FOLDER)), Arrays.copyOf(good, good.length / 2));
        Cli r = Cli.run("train", "--resume", cut.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).contains(Checkpoint.file(cut.resolve(Checkpoint.FOLDER)).toString())
                && r.errLines().get(0).contains("truncated"), r.toString());
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        r = Cli.run("train", "--resume", empty.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.errLines().get(0).contains("no checkpoint in '" + empty + "'"), r.toString());
        assertEquals(List.of(), list(empty));
    }

    /** --hidden 100000 needs far more than the test JVM's heap: exit 2 at once, with estimate, limit and advice. */
    @Test
    void runTooBigForTheHeapStopsBeforeTraining() {
        Path data = writeGraph();
        Path out = dir.resolve("huge");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(),
                "--hidden", "100000", "--threads", "1");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), "one line, before any progress: " + r);
        String line = r.errLines().get(0);
        long limitMib = Runtime.getRuntime().maxMemory() >> 20;
        for (String w : List.of("not enough memory", "needs about", "GiB of Java heap", "this JVM may use",
                "--hidden (now 100000", "GMI_XMX=", "-Xmx", "parameters")) {
            assertTrue(line.contains(w), "'" + w + "' in: " + line);
        }
        assertTrue(line.contains(MemoryEstimate.size(Runtime.getRuntime().maxMemory())), "the limit (" + limitMib + " MiB): " + line);
        boolean sampledExists = Main.commandLine().getSubcommands().get("train").getCommandSpec().findOption("--reconstruction") != null;
        assertEquals(sampledExists, line.contains("--reconstruction sampled"), "suggested only where the flag exists: " + line);
        assertFalse(Files.exists(out), "nothing written");
    }

    /** The real limit of a small JVM: -Xmx64m refuses a run the test JVM would accept. */
    @Test
    void memoryGuardUsesTheJvmsOwnLimit() throws Exception {
        Path data = writeGraph();
        Path out = dir.resolve("small-heap");
        try (ChildJvm child = ChildJvm.start(List.of("-Xmx64m"), "train", "--method", "gmi", "--dataset", data.toString(),
                "--out", out.toString(), "--hidden", "2048", "--layers", "2", "--threads", "1", "--epochs", "1", "--no-eval")) {
            assertEquals(2, child.waitFor(120), child.stderr());
            List<String> lines = child.stderr().lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
            assertEquals(1, lines.size(), child.stderr());
            assertTrue(lines.get(0).startsWith("gmi: error: not enough memory: this run needs about "), child.stderr());
            assertTrue(lines.get(0).contains("this JVM may use"), child.stderr());
        }
        assertFalse(Files.exists(out));
    }

    @Test
    @SuppressWarnings("unchecked")
    void estimateIsReportedAndCountsTheDocumentedBuffers() throws IOException {
        Path data = writeGraph();
        Path out = dir.resolve("ok");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                "--epochs", "2", "--threads", "2", "--no-eval");
        assertEquals(0, r.code(), r.toString());
        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("metrics.json")));
        Graph g = PlainLoader.load(data);
        TrainConfig c = new TrainConfig();
        c.hidden = 8;
        MemoryEstimate e = MemoryEstimate.of(g, c, 2, false);
        assertEquals((double) e.mib(), m.get("estimated_memory_mib"));
        // GMI, 1 layer, 2 threads: 8 + 2 + 6 + 2 + 2 = 20 dense 40 x 8 float buffers; 5 copies of the parameters
        assertEquals(20L * 40 * 8 * 4, e.parts().get("20 dense 40 x 8 buffers"), e.parts().toString());
        long params = 6 * 8 + 8 + 1 + 6 * 8 + 1 + 8 * 8 + 1 + 1;
        assertEquals(params * 4 * 5, e.parts().get("parameters (" + params + " floats x 5)"), e.parts().toString());
        TrainConfig two = new TrainConfig();
        two.hidden = 8;
        two.layers = 2;
        assertEquals(28L * 40 * 8 * 4, MemoryEstimate.of(g, two, 2, false).parts().get("28 dense 40 x 8 buffers"));
        // a Spark driver (2 slices a step): the same parameters, what a step ships (2 + 2 + 2 copies), the embeddings read
        // back, no operators
        c.batchSize = 16;
        MemoryEstimate driver = MemoryEstimate.ofRemoteDriver(g, c, 2);
        assertEquals(params * 4 * 5, driver.parts().get("parameters, gradients, Adam's moments, the best epoch's copy"));
        assertEquals(params * 4 * 6, driver.parts().get("a step's parameters on their way out and 2 gradients and their sum on "
                + "their way back"));
        assertEquals(40L * 8 * 4, driver.parts().get("the embeddings read back: 40 x 8"));
        assertFalse(driver.parts().containsKey("Â's and M's normalisers"), driver.parts().toString());
        assertEquals(16L * 40, MemoryEstimate.of(g, c, 2, false).parts().get("Â's and M's normalisers"));
        // Coauthor CS at 512 dimensions (issue 2's target): well under the launcher's 16 GiB, and over 700 MiB
        TrainConfig cs = new TrainConfig();
        cs.hidden = 512;
        Graph big = new Graph("cs", new org.gmi.engine.CsrMatrix(18333, 18333, new int[18334], new int[0], new float[0]),
                new org.gmi.engine.CsrMatrix(18333, 6805, new int[18334], new int[0], new float[0]), new int[18333], 1,
                g.split(), g.report());
        long csMib = MemoryEstimate.of(big, cs, 2, true).mib();
        assertTrue(csMib > 700 && csMib < 4096, "Coauthor CS estimate " + csMib + " MiB");
        // no SpMM panels for an X this sparse; with Coauthor CS's long rows (60 words a node on average,
        // here 16) X's 6805 x 512 operands are packed into panels (N = 18333 rows are too many for them)
        assertEquals(null, MemoryEstimate.of(big, cs, 2, true).parts().get("SpMM panels"));
        int[] ptr = new int[18334];
        int[] col = new int[18333 * 16];
        for (int i = 0; i < 18333; i++) {
            ptr[i + 1] = 16 * (i + 1);
            for (int t = 0; t < 16; t++) {
                col[16 * i + t] = t * 425 + i % 425;
            }
        }
        float[] ones = new float[col.length];
        Arrays.fill(ones, 1f);
        Graph words = new Graph("cs", big.adjacency(), new org.gmi.engine.CsrMatrix(18333, 6805, ptr, col, ones),
                new int[18333], 1, g.split(), g.report());
        assertEquals(6805L * 512 * 4, MemoryEstimate.of(words, cs, 2, true).parts().get("SpMM panels"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void samplerFlagReachesTheModel() throws IOException {
        Path data = writeGraph();
        Matrix[] emb = new Matrix[2];
        String[] samplers = {"uniform", "derangement"};
        for (int k = 0; k < 2; k++) {
            Path out = dir.resolve("sampler-" + samplers[k]);
            Cli r = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                    "--epochs", "4", "--lr", "0.01", "--threads", "1", "--no-eval", "--sampler", samplers[k]);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.err().contains("5 " + samplers[k] + " negatives"), r.err());
            emb[k] = Npy.readMatrix(out.resolve("embeddings.npy"));
            Map<String, Object> config = (Map<String, Object>) JsonReader.object(Files.readString(out.resolve("metrics.json"))).get("config");
            assertEquals(samplers[k], config.get("sampler"));
        }
        assertFalse(Arrays.equals(emb[0].data, emb[1].data), "derangement negatives train differently from uniform ones");
        TrainConfig c = new TrainConfig();
        c.hidden = 8;
        c.epochs = 4;
        c.lr = 0.01;
        c.sampler = NegativeSampler.Mode.DERANGEMENT;
        Parallel.setThreads(1);
        TrainResult direct = Trainer.train(PlainLoader.load(data), c, TrainingListener.NONE);
        assertArrayEquals(direct.embeddings().data, emb[1].data, "the CLI's derangement run is Trainer's, bit for bit");
        Cli bad = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", dir.resolve("x").toString(),
                "--sampler", "shuffle");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("expected uniform or derangement"), bad.toString());
        assertEquals(Method.GMI, c.method);
    }
}
