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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.autodiff.Tape;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.NegativeSampler;
import org.gmi.models.Checkpoint;
import org.gmi.models.CheckpointFormatException;
import org.gmi.models.EpochSeeds;
import org.gmi.models.GmiVariant;
import org.gmi.models.Method;
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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints through the {@link Trainer} API and the {@link Checkpoint} file: a run resumed from any
 * of its checkpoints (written to disk and read back) ends bit for bit where the uninterrupted run
 * ends; the random draws of an epoch depend on (seed, epoch) only; a damaged checkpoint file is
 * refused with a message naming it.
 */
class CheckpointTest {
    private static final Graph GRAPH = TestGraphs.random(new SplittableRandom(31), "random90", 90, 12, 0.05);
    private static final Map<String, String> META = Map.of("note", "test");

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static TrainConfig config(Method method, int layers, NegativeSampler.Mode sampler) {
        return config(method, layers, sampler, GmiVariant.MEAN, JsdMi.Mode.PROBABILITIES);
    }

    private static TrainConfig config(Method method, int layers, NegativeSampler.Mode sampler, GmiVariant variant,
                                      JsdMi.Mode jsdOn) {
        TrainConfig c = new TrainConfig();
        c.variant = variant;
        c.jsdOn = jsdOn;
        c.method = method;
        c.layers = layers;
        c.sampler = sampler;
        c.hidden = 8;
        c.epochs = 12;
        c.patience = 100;
        c.lr = 0.01;
        c.seed = 5;
        return c;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Method.GMI, 1, NegativeSampler.Mode.UNIFORM, 1, GmiVariant.MEAN, JsdMi.Mode.PROBABILITIES),
                Arguments.of(Method.GMI, 2, NegativeSampler.Mode.UNIFORM, 2, GmiVariant.MEAN, JsdMi.Mode.PROBABILITIES),
                Arguments.of(Method.GMI, 1, NegativeSampler.Mode.DERANGEMENT, 1, GmiVariant.MEAN, JsdMi.Mode.PROBABILITIES),
                Arguments.of(Method.GMI, 2, NegativeSampler.Mode.UNIFORM, 2, GmiVariant.ADAPTIVE, JsdMi.Mode.PROBABILITIES),
                Arguments.of(Method.GMI, 1, NegativeSampler.Mode.UNIFORM, 1, GmiVariant.ADAPTIVE, JsdMi.Mode.LOGITS),
                Arguments.of(Method.DGI, 1, NegativeSampler.Mode.UNIFORM, 2, GmiVariant.MEAN, JsdMi.Mode.PROBABILITIES));
    }

    /** Trains with a checkpoint every {@code every} epochs, each written to disk and read back. */
    private TrainResult trainCheckpointed(TrainConfig c, int every, List<TrainState> saved) {
        Path folder = dir.resolve("ckpt");
        return Trainer.train(GRAPH, c, TrainingListener.NONE, new Trainer.Checkpointing(every, s -> {
            Checkpoint.write(folder, META, s);
            Checkpoint.Contents back = Checkpoint.read(folder);
            assertTrue(back.state().sameAs(s), "checkpoint of epoch " + s.epochsDone() + " reads back as written");
            assertEquals(META, back.config());
            saved.add(back.state());
        }, null));
    }

    private static void assertSameRun(TrainResult expected, TrainResult actual, String ctx) {
        assertEquals(expected.epochsRun(), actual.epochsRun(), ctx + ": epochs run");
        assertEquals(expected.bestEpoch(), actual.bestEpoch(), ctx + ": best epoch");
        assertArrayEquals(expected.loss(), actual.loss(), ctx + ": loss history");
        assertEquals(expected.terms().keySet(), actual.terms().keySet(), ctx);
        for (String t : expected.terms().keySet()) {
            assertArrayEquals(expected.terms().get(t), actual.terms().get(t), ctx + ": term " + t);
        }
        assertTrue(Arrays.equals(expected.embeddings().data, actual.embeddings().data), ctx + ": embeddings bit-identical");
    }

    @ParameterizedTest(name = "{0} layers={1} {2} threads={3} {4} jsd on {5}")
    @MethodSource("cases")
    void resumingFromEveryCheckpointEndsBitIdentical(Method method, int layers, NegativeSampler.Mode sampler, int threads,
                                                     GmiVariant variant, JsdMi.Mode jsdOn) {
        Parallel.setThreads(threads);
        TrainConfig c = config(method, layers, sampler, variant, jsdOn);
        TrainResult plain = Trainer.train(GRAPH, c, TrainingListener.NONE);
        List<TrainState> saved = new ArrayList<>();
        TrainResult checkpointed = trainCheckpointed(c, 3, saved);
        String ctx = method + " layers=" + layers + " " + sampler + " threads=" + threads + " " + variant + " jsd on " + jsdOn;
        assertSameRun(plain, checkpointed, ctx + " (checkpointing changes nothing)");
        assertEquals(List.of(3, 6, 9, 12), saved.stream().map(TrainState::epochsDone).toList(), ctx);
        assertEquals(List.of(false, false, false, true), saved.stream().map(TrainState::finished).toList(), ctx);
        assertEquals(12, saved.get(3).adamSteps(), ctx + ": one Adam step per epoch");
        for (TrainState s : saved) {
            TrainResult resumed = Trainer.train(GRAPH, c, TrainingListener.NONE, new Trainer.Checkpointing(0, null, s));
            assertSameRun(plain, resumed, ctx + ", resumed after epoch " + s.epochsDone());
        }
        // the loss moved: a resumed run that silently restarted or stood still would not match it
        assertFalse(plain.loss()[0] == plain.loss()[11], ctx + ": " + Arrays.toString(plain.loss()));
    }

    static Stream<Arguments> minibatchCases() {
        return Stream.of(Arguments.of(Method.GMI, 1, 1), Arguments.of(Method.GMI, 2, 2), Arguments.of(Method.DGI, 2, 1));
    }

    /**
     * Minibatch training (90 nodes in batches of 32, so 3 Adam steps an epoch): every checkpoint, and
     * the final one of an early-stopped run, resumes to the uninterrupted run's bits.
     */
    @ParameterizedTest(name = "minibatch {0} layers={1} threads={2}")
    @MethodSource("minibatchCases")
    void minibatchRunResumesFromEveryCheckpointBitIdentical(Method method, int layers, int threads) {
        Parallel.setThreads(threads);
        TrainConfig c = config(method, layers, NegativeSampler.Mode.UNIFORM);
        c.batchSize = 32;
        c.fanouts = layers == 1 ? new int[] {5} : new int[] {5, 3};
        c.epochs = 8;
        TrainResult plain = Trainer.train(GRAPH, c, TrainingListener.NONE);
        List<TrainState> saved = new ArrayList<>();
        String ctx = "minibatch " + method + " layers=" + layers + " threads=" + threads;
        assertSameRun(plain, trainCheckpointed(c, 3, saved), ctx + " (checkpointing changes nothing)");
        assertEquals(List.of(3, 6, 8), saved.stream().map(TrainState::epochsDone).toList(), ctx);
        assertEquals(8 * 3, saved.get(2).adamSteps(), ctx + ": one Adam step per batch");
        for (TrainState s : saved) {
            assertSameRun(plain, Trainer.train(GRAPH, c, TrainingListener.NONE, new Trainer.Checkpointing(0, null, s)),
                    ctx + ", resumed after epoch " + s.epochsDone());
        }
        assertFalse(plain.loss()[0] == plain.loss()[7], ctx + ": " + Arrays.toString(plain.loss()));

        c.lr = 0.3; // overshoots: early stopping
        c.patience = 1;
        c.epochs = 30;
        TrainResult stopped = Trainer.train(GRAPH, c, TrainingListener.NONE);
        assertTrue(stopped.epochsRun() < 30, ctx + ": the run must stop early: " + Arrays.toString(stopped.loss()));
        saved.clear();
        assertSameRun(stopped, trainCheckpointed(c, 1, saved), ctx + ", early stopping, checkpoint every epoch");
        assertTrue(saved.get(saved.size() - 1).finished(), ctx + ": the last checkpoint is the finished run's");
        for (TrainState s : saved) {
            assertSameRun(stopped, Trainer.train(GRAPH, c, TrainingListener.NONE, new Trainer.Checkpointing(0, null, s)),
                    ctx + ", early stopping, resumed after epoch " + s.epochsDone());
        }
    }

    /** Early stopping: the stopping epoch takes no step; a checkpoint before it and the final one both resume exactly. */
    @Test
    void earlyStoppedRunResumesExactly() {
        Parallel.setThreads(1);
        TrainConfig c = config(Method.GMI, 1, NegativeSampler.Mode.UNIFORM);
        c.lr = 0.2; // overshoots, so the loss stops improving
        c.patience = 2;
        c.epochs = 40;
        TrainResult plain = Trainer.train(GRAPH, c, TrainingListener.NONE);
        assertTrue(plain.epochsRun() < 40, "the run must stop early: " + Arrays.toString(plain.loss()));
        List<TrainState> saved = new ArrayList<>();
        assertSameRun(plain, trainCheckpointed(c, 1, saved), "checkpoint every epoch");
        TrainState last = saved.get(saved.size() - 1);
        assertTrue(last.finished() && last.epochsDone() == plain.epochsRun(), "final checkpoint at the stopping epoch");
        assertEquals(plain.epochsRun() - 1, last.adamSteps(), "no step at the stopping epoch");
        for (TrainState s : saved) {
            assertSameRun(plain, Trainer.train(GRAPH, c, TrainingListener.NONE, new Trainer.Checkpointing(0, null, s)),
                    "resumed after epoch " + s.epochsDone());
        }
    }

    /** The draws of epoch e depend on (seed, e) alone: epoch 5's loss is the same whatever ran before it. */
    @Test
    void epochDrawsArePureFunctionsOfSeedAndEpoch() {
        Parallel.setThreads(1);
        for (Method method : Method.values()) {
            TrainConfig c = config(method, 1, NegativeSampler.Mode.UNIFORM);
            SelfSupervisedModel a = Trainer.createModel(GRAPH, c);
            a.startEpoch(5);
            double direct = a.forward(new Tape()).total().scalar();
            SelfSupervisedModel b = Trainer.createModel(GRAPH, c);
            b.startEpoch(2);
            double other = b.forward(new Tape()).total().scalar();
            b.forward(new Tape());
            b.startEpoch(5);
            double after = b.forward(new Tape()).total().scalar();
            assertEquals(direct, after, 0.0, method + ": epoch 5's draws after epochs 2 and a stray forward");
            assertFalse(direct == other, method + ": epochs 2 and 5 drew the same negatives");
        }
        // the seeds: distinct per epoch, stream and seed; a fixed function
        assertEquals(EpochSeeds.of(1, EpochSeeds.NEGATIVES, 3), EpochSeeds.of(1, EpochSeeds.NEGATIVES, 3));
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 4; seed++) {
            for (long stream : new long[] {EpochSeeds.NEGATIVES, EpochSeeds.CORRUPTION}) {
                for (int e = 0; e < 50; e++) {
                    assertTrue(seen.add(EpochSeeds.of(seed, stream, e)), "seed " + seed + " stream " + stream + " epoch " + e);
                }
            }
        }
        // SplitMix64's published first output for seed 0 (mix64(GOLDEN)): the mixer is the documented one
        assertEquals(0xE220A8397B1DCDAFL, EpochSeeds.mix64(EpochSeeds.GOLDEN));
    }

    @Test
    void aCheckpointOfAnotherModelIsRefused() {
        List<TrainState> saved = new ArrayList<>();
        TrainConfig gmi = config(Method.GMI, 2, NegativeSampler.Mode.UNIFORM);
        gmi.epochs = 2;
        trainCheckpointed(gmi, 1, saved);
        TrainConfig dgi = config(Method.DGI, 1, NegativeSampler.Mode.UNIFORM);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Trainer.train(GRAPH, dgi, TrainingListener.NONE, new Trainer.Checkpointing(0, null, saved.get(0))));
        assertTrue(e.getMessage().contains("parameters"), e.getMessage());
        TrainConfig wider = config(Method.GMI, 2, NegativeSampler.Mode.UNIFORM);
        wider.hidden = 9;
        e = assertThrows(CheckpointFormatException.class,
                () -> Trainer.train(GRAPH, wider, TrainingListener.NONE, new Trainer.Checkpointing(0, null, saved.get(0))));
        assertTrue(e.getMessage().contains("gcn1.weight") && e.getMessage().contains("12x8") && e.getMessage().contains("12x9"),
                e.getMessage());
    }

    /** A full-batch checkpoint (one Adam step an epoch) does not resume a minibatch run of 3 steps an epoch, nor the reverse. */
    @Test
    void aCheckpointOfAnotherBatchingIsRefused() {
        List<TrainState> fullBatch = new ArrayList<>();
        TrainConfig c = config(Method.GMI, 1, NegativeSampler.Mode.UNIFORM);
        c.epochs = 4;
        trainCheckpointed(c, 2, fullBatch);
        TrainConfig minibatch = config(Method.GMI, 1, NegativeSampler.Mode.UNIFORM);
        minibatch.epochs = 4;
        minibatch.batchSize = 32;
        minibatch.fanouts = new int[] {5};
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Trainer.train(GRAPH, minibatch,
                TrainingListener.NONE, new Trainer.Checkpointing(0, null, fullBatch.get(0))));
        assertTrue(e.getMessage().contains("2 Adam steps for 2 epochs of 3 batches"), e.getMessage());
        List<TrainState> batched = new ArrayList<>();
        trainCheckpointed(minibatch, 2, batched);
        e = assertThrows(CheckpointFormatException.class,
                () -> Trainer.train(GRAPH, c, TrainingListener.NONE, new Trainer.Checkpointing(0, null, batched.get(0))));
        assertTrue(e.getMessage().contains("6 Adam steps for 2 epochs"), e.getMessage());
    }

    /** Truncated at any length, a flipped byte, another version, no file: refused, naming the file, never half-read. */
    @Test
    void damagedCheckpointFilesAreRefused() throws IOException {
        List<TrainState> saved = new ArrayList<>();
        TrainConfig c = config(Method.GMI, 1, NegativeSampler.Mode.UNIFORM);
        c.epochs = 2;
        trainCheckpointed(c, 1, saved);
        Path folder = dir.resolve("ckpt");
        Path file = Checkpoint.file(folder);
        byte[] good = Files.readAllBytes(file);
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(Checkpoint.FILE), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Path badFile = Checkpoint.file(bad);
        SplittableRandom rng = new SplittableRandom(9);
        List<Integer> lengths = new ArrayList<>(List.of(0, 1, 12, 23, 24, 40, good.length / 2, good.length - 9, good.length - 1));
        for (int i = 0; i < 10; i++) {
            lengths.add(rng.nextInt(good.length));
        }
        for (int len : lengths) {
            Files.write(badFile, Arrays.copyOf(good, len));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.read(bad),
                    "cut to " + len + " of " + good.length + " bytes");
            assertTrue(e.getMessage().contains(badFile.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("damaged"), len + ": " + e.getMessage());
        }
        for (int i = 0; i < 20; i++) {
            byte[] b = good.clone();
            int at = rng.nextInt(good.length);
            b[at] ^= (byte) (1 << rng.nextInt(8));
            Files.write(badFile, b);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.read(bad),
                    "bit flipped at byte " + at);
            assertTrue(e.getMessage().contains(badFile.toString()), e.getMessage());
        }
        byte[] middle = good.clone();
        middle[good.length / 2] ^= 0x40;
        Files.write(badFile, middle);
        assertTrue(assertThrows(CheckpointFormatException.class, () -> Checkpoint.read(bad)).getMessage().contains("checksum"));
        byte[] version = good.clone();
        version[11] = 9; // the int32 version after the 8 magic bytes
        Files.write(badFile, version);
        assertTrue(assertThrows(CheckpointFormatException.class, () -> Checkpoint.read(bad)).getMessage()
                .contains("format version 9"));
        Files.delete(badFile);
        assertTrue(assertThrows(CheckpointFormatException.class, () -> Checkpoint.read(bad)).getMessage()
                .contains("no checkpoint"));
        Files.write(badFile, good);
        assertTrue(Checkpoint.read(bad).state().sameAs(saved.get(saved.size() - 1)), "the intact bytes still read");
    }

    @Test
    void differingKeysListsEveryDifference() {
        Map<String, String> saved = new LinkedHashMap<>(Map.of("lr", "0.001", "seed", "1", "gone", "x"));
        Map<String, String> now = new LinkedHashMap<>();
        now.put("lr", "0.01");
        now.put("seed", "1");
        now.put("new", "y");
        assertEquals(List.of("lr", "new", "gone"), Checkpoint.differingKeys(saved, now));
        assertEquals(List.of(), Checkpoint.differingKeys(Map.of("a", "1"), Map.of("a", "1")));
    }
}
