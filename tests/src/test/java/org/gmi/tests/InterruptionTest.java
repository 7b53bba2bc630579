package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.gmi.graph.JsonReader;
import org.gmi.engine.Parallel;
import org.gmi.graph.PlainWriter;
import org.gmi.models.Checkpoint;
import org.gmi.models.CheckpointFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real {@code gmi train} processes killed with SIGKILL ({@link ChildJvm}): no shutdown hook runs, so
 * this is what a power cut or {@code kill -9} leaves.
 *
 * <ul>
 *   <li>Killed after a checkpoint, resumed in a second process, killed again, then resumed to the
 *       end: the embeddings are bit for bit those of an uninterrupted run with the same seed and
 *       thread count, and so is the loss history; full-batch and minibatch training.
 *   <li>Killed while loading, while training, while evaluating: no {@code metrics.json} and no
 *       {@code embeddings.npy} in --out; the only leftovers are temporary files named
 *       {@code .NAME.PID.tmp} and the checkpoint folder; the next run into the folder removes the
 *       stale temporary files and finishes with exactly the two outputs.
 * </ul>
 */
class InterruptionTest {
    /** 300 epochs of a 300-node graph: a child runs well over a second, so a kill lands mid-run. */
    private static final String[] RUN = {"--method", "gmi", "--hidden", "8", "--epochs", "300", "--patience", "1000",
        "--lr", "0.01", "--seed", "3", "--threads", "1", "--no-eval"};

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private Path writeGraph() {
        Path folder = dir.resolve("graph300");
        PlainWriter.write(TestGraphs.random(new SplittableRandom(77), "graph300", 300, 20, 0.02), folder);
        return folder;
    }

    private static String[] train(Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--dataset", data.toString(), "--out", out.toString()));
        a.addAll(List.of(RUN));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static int checkpointEpoch(Path out) {
        try {
            return Checkpoint.read(out.resolve(Checkpoint.FOLDER)).state().epochsDone();
        } catch (CheckpointFormatException e) {
            return -1; // none yet
        }
    }

    private static List<String> list(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Nothing that looks like a finished run: no outputs, only .NAME.PID.tmp files, the checkpoint folder and the lock file. */
    private static void assertNothingLooksComplete(Path out, String ctx) throws IOException {
        assertFalse(Files.exists(out.resolve("metrics.json")), ctx + ": metrics.json left by a killed run");
        assertFalse(Files.exists(out.resolve("embeddings.npy")), ctx + ": embeddings.npy left by a killed run");
        if (!Files.exists(out)) {
            return;
        }
        for (String f : list(out)) {
            boolean temp = f.startsWith(".") && f.endsWith(".tmp");
            // the output lock of the killed run stays, unlocked: the next run takes it over
            assertTrue(temp || f.equals(Checkpoint.FOLDER) || f.equals(".gmi.lock"), ctx + ": unexpected file " + f + " in " + list(out));
        }
        Path ckpt = out.resolve(Checkpoint.FOLDER);
        if (Files.isDirectory(ckpt)) {
            for (String f : list(ckpt)) {
                assertTrue(f.equals(Checkpoint.FILE) || (f.startsWith(".") && f.endsWith(".tmp")), ctx + ": " + f);
            }
        }
    }

    /** Full batch, and minibatches of 100 seeds (3 Adam steps an epoch). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full batch", "--batch-size 100 --fanout 5"})
    @SuppressWarnings("unchecked")
    void killedTwiceAndResumedEndsBitIdenticalToAnUninterruptedRun(String batching) throws Exception {
        String[] batch = batching.startsWith("--") ? batching.split(" ") : new String[0];
        Path data = writeGraph();
        Path reference = dir.resolve("reference");
        Cli ref = Cli.run(train(data, reference, batch));
        assertEquals(0, ref.code(), ref.toString());

        Path out = dir.resolve("interrupted");
        int first;
        List<String> checkpointed = new ArrayList<>(List.of(batch));
        checkpointed.addAll(List.of("--checkpoint-every", "2"));
        try (ChildJvm child = ChildJvm.start(train(data, out, checkpointed.toArray(String[]::new)))) {
            child.await("the first checkpoint", () -> Files.exists(Checkpoint.file(out.resolve(Checkpoint.FOLDER))), 120);
            child.kill();
        }
        assertNothingLooksComplete(out, "first kill");
        first = checkpointEpoch(out);
        assertTrue(first >= 2 && first < 300 && first % 2 == 0, "checkpoint epoch " + first);

        int second;
        try (ChildJvm child = ChildJvm.start("train", "--resume", out.toString())) {
            child.awaitLine(l -> l.startsWith("resuming from "), 120);
            child.await("a later checkpoint", () -> checkpointEpoch(out) > first, 120);
            child.kill();
        }
        assertNothingLooksComplete(out, "second kill");
        second = checkpointEpoch(out);
        assertTrue(second > first && second < 300, "checkpoints " + first + ", then " + second);

        if (batch.length > 0) {
            // the batching is part of what the training computes: another one is refused, the checkpoint kept
            Cli other = Cli.run("train", "--resume", out.toString(), "--batch-size", "50");
            assertEquals(2, other.code(), other.toString());
            assertTrue(other.err().contains("--batch-size 50 (checkpoint: 100)"), other.err());
            assertEquals(second, checkpointEpoch(out));
        }
        Cli done = Cli.run("train", "--resume", out.toString());
        assertEquals(0, done.code(), done.toString());
        assertTrue(done.err().contains("resuming from " + Checkpoint.file(out.resolve(Checkpoint.FOLDER)) + ": " + second
                + " of 300 epochs done"), done.err());
        assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json"), list(out), "the checkpoint is removed once the outputs are in place");
        assertArrayEquals(Files.readAllBytes(reference.resolve("embeddings.npy")), Files.readAllBytes(out.resolve("embeddings.npy")),
                "embeddings.npy bit-identical to the uninterrupted run's (checkpoints at epochs " + first + " and " + second + ")");
        Map<String, Object> a = JsonReader.object(Files.readString(reference.resolve("metrics.json")));
        Map<String, Object> b = JsonReader.object(Files.readString(out.resolve("metrics.json")));
        assertEquals(a.get("loss"), b.get("loss"), "loss history");
        assertEquals(a.get("terms"), b.get("terms"), "term history");
        assertEquals(a.get("best_epoch"), b.get("best_epoch"));
        assertEquals(300, ((List<Object>) b.get("epoch_seconds")).size());
        assertEquals((double) second, b.get("resumed_from_epoch"));
    }

    /**
     * SIGKILL at three moments. The run evaluates with many paper-protocol classifier runs so that the evaluation
     * (after embeddings.npy has been written under its temporary name) lasts long enough to be hit.
     */
    @ParameterizedTest(name = "killed while {0}")
    @ValueSource(strings = {"loading", "training", "evaluating"})
    void killedRunLeavesNothingThatLooksComplete(String moment) throws Exception {
        Path data = writeGraph();
        Path out = dir.resolve("killed-" + moment);
        Predicate<String> when = switch (moment) {
            case "loading" -> l -> l.startsWith("dataset graph300:");
            case "training" -> l -> l.startsWith("epoch ");
            default -> l -> l.startsWith("evaluating:");
        };
        String[] args = {"train", "--method", "dgi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
            "--epochs", "40", "--patience", "1000", "--threads", "1", "--checkpoint-every", "5", "--protocol", "paper",
            "--eval-runs", "100000"};
        try (ChildJvm child = ChildJvm.start(args)) {
            child.awaitLine(when, 120);
            child.kill();
        }
        assertNothingLooksComplete(out, "killed while " + moment);
        if (moment.equals("evaluating")) {
            // training finished: its final checkpoint is there, and the embeddings only under a temporary name
            assertEquals(40, checkpointEpoch(out), "final checkpoint before the evaluation");
            assertTrue(list(out).stream().anyMatch(f -> f.matches("\\.embeddings\\.npy\\.[0-9]+\\.tmp")),
                    "embeddings written under their temporary name only: " + list(out));
        }

        // the next run into the folder: resume where a checkpoint exists, else start afresh; fewer probe runs
        Cli next = checkpointEpoch(out) > 0
                ? Cli.run("train", "--resume", out.toString(), "--protocol", "paper", "--eval-runs", "2")
                : Cli.run(Stream.concat(Stream.of(args).limit(args.length - 2), Stream.of("--eval-runs", "2")).toArray(String[]::new));
        assertEquals(0, next.code(), next.toString());
        assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json"), list(out), "stale temporary files removed: " + next);
    }
}
