package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gmi.autodiff.Tape;
import org.gmi.graph.JsonReader;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.PlainWriter;
import org.gmi.models.MemoryEstimate;
import org.gmi.models.Method;
import org.gmi.models.PhaseTimes;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.SelfSupervisedModel;
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
 * GMI with {@code --reconstruction sampled}: it trains, a seed fixes every bit (also across a
 * checkpoint), its reconstruction term estimates the exact one at the same parameters, the memory
 * estimate drops the per-thread buffers, and the flags reach metrics.json.
 */
class SampledReconstructionTrainingTest {
    private static final Graph GRAPH = TestGraphs.random(new SplittableRandom(77), "random200", 200, 12, 0.03);

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static TrainConfig config(ReconstructionMode mode, long seed) {
        TrainConfig c = new TrainConfig();
        c.method = Method.GMI;
        c.layers = 1;
        c.hidden = 16;
        c.epochs = 10;
        c.lr = 0.01;
        c.seed = seed;
        c.reconstruction = mode;
        return c;
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void sampledTrainingIsDeterministicForASeedAndTrains(int threads) {
        Parallel.setThreads(threads);
        String ctx = "threads=" + threads;
        TrainConfig c = config(ReconstructionMode.SAMPLED, 5);
        List<double[]> phases = new ArrayList<>();
        TrainResult a = Trainer.train(GRAPH, c, r -> phases.add(r.phases()));
        TrainResult b = Trainer.train(GRAPH, c, TrainingListener.NONE);
        assertEquals(10, a.epochsRun(), ctx);
        assertArrayEquals(a.loss(), b.loss(), ctx + ": loss trajectory");
        assertArrayEquals(a.terms().get("reconstruction"), b.terms().get("reconstruction"), ctx);
        assertTrue(Arrays.equals(a.embeddings().data, b.embeddings().data), ctx + ": embeddings bit-identical");
        for (double v : a.loss()) {
            assertTrue(Double.isFinite(v), ctx + ": " + Arrays.toString(a.loss()));
        }
        assertTrue(a.loss()[9] < a.loss()[0], ctx + ": the loss falls " + Arrays.toString(a.loss()));
        // the reconstruction phase is timed and the others too (sampling is minibatch training's alone)
        assertEquals(10, phases.size());
        for (double[] p : phases) {
            assertEquals(PhaseTimes.Phase.values().length, p.length);
            for (PhaseTimes.Phase ph : PhaseTimes.Phase.values()) {
                if (ph == PhaseTimes.Phase.SAMPLING) {
                    assertEquals(0.0, p[ph.ordinal()], ctx + ": full batch samples no neighbourhoods");
                } else {
                    assertTrue(p[ph.ordinal()] > 0, ctx + ": phase " + ph + " " + Arrays.toString(p));
                }
            }
        }

        // another seed, other non-edges (and negatives): another trajectory
        TrainResult other = Trainer.train(GRAPH, config(ReconstructionMode.SAMPLED, 6), TrainingListener.NONE);
        assertFalse(Arrays.equals(a.loss(), other.loss()), ctx);
        // and the sampled run is not the exact run
        TrainResult exact = Trainer.train(GRAPH, config(ReconstructionMode.EXACT, 5), TrainingListener.NONE);
        assertFalse(Arrays.equals(a.terms().get("reconstruction"), exact.terms().get("reconstruction")), ctx);
        // same parameters at epoch 1 (same initialisation): the MI terms agree exactly there
        assertEquals(exact.terms().get("mi_feature")[0], a.terms().get("mi_feature")[0], 0.0, ctx);
    }

    @Test
    void sampledRunResumesBitIdenticalFromACheckpoint() {
        Parallel.setThreads(1);
        TrainConfig c = config(ReconstructionMode.SAMPLED, 9);
        TrainResult plain = Trainer.train(GRAPH, c, TrainingListener.NONE);
        List<TrainState> saved = new ArrayList<>();
        Trainer.train(GRAPH, c, TrainingListener.NONE, new Trainer.Checkpointing(4, saved::add, null));
        assertEquals(List.of(4, 8, 10), saved.stream().map(TrainState::epochsDone).toList());
        TrainResult resumed = Trainer.train(GRAPH, c, TrainingListener.NONE, new Trainer.Checkpointing(0, null, saved.get(0)));
        assertArrayEquals(plain.loss(), resumed.loss(), "loss after resuming at epoch 4");
        assertTrue(Arrays.equals(plain.embeddings().data, resumed.embeddings().data), "embeddings bit-identical");
    }

    /**
     * At the same parameters the sampled term is an unbiased estimate of the exact one: over many
     * epochs' draws its mean lies within a few standard errors of the exact value (and single draws
     * really vary). The parameters are those after a few exact epochs, so H is not at its start.
     */
    @Test
    void sampledLossEstimatesTheExactLossOnAverage() {
        Parallel.setThreads(1);
        TrainConfig exactConfig = config(ReconstructionMode.EXACT, 3);
        exactConfig.epochs = 15;
        exactConfig.patience = 100;
        SelfSupervisedModel exact = Trainer.createModel(GRAPH, exactConfig);
        Trainer.fit(exact, exactConfig, TrainingListener.NONE);
        double exactValue = exact.forward(new Tape()).terms().get("reconstruction");

        TrainConfig sampledConfig = config(ReconstructionMode.SAMPLED, 3);
        SelfSupervisedModel sampled = Trainer.createModel(GRAPH, sampledConfig);
        for (int k = 0; k < exact.parameters().size(); k++) {
            sampled.parameters().get(k).value().copyFrom(exact.parameters().get(k).value());
        }
        int draws = 400;
        double sum = 0;
        double sumSq = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int e = 1; e <= draws; e++) {
            sampled.startEpoch(e);
            double v = sampled.forward(new Tape()).terms().get("reconstruction");
            sum += v;
            sumSq += v * v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / draws;
        double sd = Math.sqrt(Math.max(0, sumSq / draws - mean * mean));
        double stderr = sd / Math.sqrt(draws);
        String ctx = "exact " + exactValue + ", sampled mean " + mean + " (sd " + sd + ", range " + min + " .. " + max + ")";
        assertTrue(sd > 1e-6 * Math.abs(exactValue), "single draws vary: " + ctx);
        assertTrue(Math.abs(mean - exactValue) <= 4 * stderr + 1e-4 * Math.abs(exactValue), ctx);
        assertTrue(Math.abs(mean - exactValue) <= 0.01 * Math.abs(exactValue), "within 1 %: " + ctx);
    }

    @Test
    void memoryEstimateOfTheSampledFormHasNoPerThreadBuffers() {
        TrainConfig exact = config(ReconstructionMode.EXACT, 0);
        TrainConfig sampled = config(ReconstructionMode.SAMPLED, 0);
        MemoryEstimate e = MemoryEstimate.of(GRAPH, exact, 8, false);
        MemoryEstimate s = MemoryEstimate.of(GRAPH, sampled, 8, false);
        // GMI, 1 layer: 8 + 2 + 6 dense N x d buffers, then exact 2 + threads, sampled 1
        assertTrue(e.parts().containsKey("26 dense 200 x 16 buffers"), e.parts().toString());
        assertTrue(s.parts().containsKey("17 dense 200 x 16 buffers"), s.parts().toString());
        long pairs = GRAPH.adjacency().nnz() + 200;
        // k N draws and their inverse, its row pointers and scratch (2 N); per pair of T, T read by
        // columns (row and entry index, the row pointers rounded up to one more)
        assertEquals((2L * 5 * 200 + 2 * 200 + 3 * pairs) * 4, s.parts().get("sampled reconstruction"), s.parts().toString());
        assertTrue(s.bytes() < e.bytes());
        // the thread count no longer matters
        assertEquals(s.bytes(), MemoryEstimate.of(GRAPH, sampled, 1, false).bytes());
    }

    @Test
    @SuppressWarnings("unchecked")
    void flagsReachTheModelAndMetrics() throws IOException {
        Path data = dir.resolve("g");
        PlainWriter.write(GRAPH, data);
        Path out = dir.resolve("sampled");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                "--epochs", "3", "--threads", "1", "--no-eval", "--reconstruction", "sampled", "--recon-negatives", "3",
                "--lr", "0.01");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("sampled reconstruction (3 non-edges per node)"), r.err());
        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("metrics.json")));
        assertEquals("sampled", m.get("reconstruction"));
        assertEquals(3.0, m.get("recon_negatives"));
        Map<String, Object> config = (Map<String, Object>) m.get("config");
        assertEquals("sampled", config.get("reconstruction"));
        assertEquals(3.0, config.get("recon_negatives"));
        // the same run through the Trainer: bit for bit
        TrainConfig c = new TrainConfig();
        c.hidden = 8;
        c.epochs = 3;
        c.lr = 0.01;
        c.reconstruction = ReconstructionMode.SAMPLED;
        c.reconNegatives = 3;
        Parallel.setThreads(1);
        TrainResult direct = Trainer.train(org.gmi.graph.PlainLoader.load(data), c, TrainingListener.NONE);
        List<Object> loss = (List<Object>) m.get("loss");
        for (int e = 0; e < 3; e++) {
            assertEquals(direct.loss()[e], (Double) loss.get(e), 0.0, "epoch " + (e + 1));
        }

        Path exactOut = dir.resolve("exact");
        Cli ex = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", exactOut.toString(), "--hidden", "8",
                "--epochs", "1", "--threads", "1", "--no-eval");
        assertEquals(0, ex.code(), ex.toString());
        Map<String, Object> em = JsonReader.object(Files.readString(exactOut.resolve("metrics.json")));
        assertEquals("exact", em.get("reconstruction"));
        assertTrue(em.containsKey("recon_negatives") && em.get("recon_negatives") == null);
        Path dgiOut = dir.resolve("dgi");
        Cli dgi = Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--out", dgiOut.toString(), "--hidden", "8",
                "--epochs", "1", "--threads", "1", "--no-eval");
        assertEquals(0, dgi.code(), dgi.toString());
        assertNull(JsonReader.object(Files.readString(dgiOut.resolve("metrics.json"))).get("reconstruction"));

        Cli bad = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", dir.resolve("x").toString(),
                "--reconstruction", "approximate");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("expected auto, exact or sampled"), bad.toString());
        Cli zero = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", dir.resolve("y").toString(),
                "--reconstruction", "sampled", "--recon-negatives", "0");
        assertEquals(2, zero.code(), zero.toString());
        assertTrue(zero.err().contains("--recon-negatives must be >= 1, got 0"), zero.toString());
        assertFalse(Files.exists(dir.resolve("x")) || Files.exists(dir.resolve("y")));
    }

    /** A resumed run must match the checkpoint's reconstruction; a different one is refused naming the flag. */
    @Test
    void resumeRefusesAnotherReconstruction() throws IOException {
        Path data = dir.resolve("g2");
        PlainWriter.write(GRAPH, data);
        Path out = dir.resolve("run");
        // --lr 1e30 diverges within a few epochs: exit 3, the last good checkpoint stays for --resume
        Cli diverged = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                "--epochs", "50", "--threads", "1", "--no-eval", "--reconstruction", "sampled", "--checkpoint-every", "1",
                "--lr", "1e30");
        assertEquals(3, diverged.code(), diverged.toString());
        Cli other = Cli.run("train", "--resume", out.toString(), "--reconstruction", "exact");
        assertEquals(2, other.code(), other.toString());
        assertTrue(other.err().contains("--reconstruction exact (checkpoint: sampled)"), other.toString());
    }
}
