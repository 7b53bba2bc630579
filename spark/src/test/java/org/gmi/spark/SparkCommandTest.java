package org.gmi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.gmi.cli.Cli;
import org.gmi.models.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gmi train --engine spark} end to end, in local mode, against the same run on this machine. */
class SparkCommandTest {
    @TempDir
    Path dir;

    private static List<String> train(String method, Path data, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--method", method, "--dataset", data.toString(), "--hidden", "16",
                "--epochs", "3", "--batch-size", "700", "--threads", "1", "--seed", "3", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void localOneIsTheSingleMachineRunByteForByte() throws Exception {
        Path cora = dir.resolve("cora-bin");
        Cli c = Cli.run("convert", "cora", "--out", cora.toString());
        assertEquals(0, c.code(), c.toString());
        String gmiLine = null;
        for (String method : List.of("gmi", "dgi")) {
            Path local = dir.resolve(method + "-local");
            Path spark = dir.resolve(method + "-spark");
            Cli a = Cli.run(train(method, cora, local).toArray(String[]::new));
            assertEquals(0, a.code(), a.toString());
            if (method.equals("gmi")) {
                gmiLine = a.out();
            }
            Cli b = Cli.run(train(method, cora, spark, "--engine", "spark", "--master", "local[1]", "--partitions", "1")
                    .toArray(String[]::new));
            assertEquals(0, b.code(), b.toString());
            assertTrue(b.err().contains("spark: master local[1], 1 partitions per batch"), b.toString());
            assertArrayEquals(Files.readAllBytes(local.resolve("embeddings.npy")), Files.readAllBytes(spark.resolve("embeddings.npy")));
            assertArrayEquals(Files.readAllBytes(local.resolve("encoder.gmi")), Files.readAllBytes(spark.resolve("encoder.gmi")));
            // the same probe on the same embeddings: the same accuracy line
            assertEquals(a.out(), b.out());
        }
        // the graph at a Hadoop URI (file: here): copied through Hadoop's FileSystem API, the same run
        Path viaUri = dir.resolve("gmi-uri");
        System.setProperty("spark.gmi.graphCache", dir.resolve("graph-cache").toString());
        try {
            String uri = "file:" + cora.toAbsolutePath();
            Cli u = Cli.run(train("gmi", Path.of(uri), viaUri, "--engine", "spark", "--master", "local[1]", "--partitions", "1")
                    .toArray(String[]::new));
            assertEquals(0, u.code(), u.toString());
            assertTrue(u.err().contains("spark: copying 10 files (") && u.err().contains(" from " + uri + " to "), u.toString());
            assertTrue(u.err().contains("spark: graph " + uri + " copied to " + dir.resolve("graph-cache")), u.toString());
            assertArrayEquals(Files.readAllBytes(dir.resolve("gmi-local").resolve("embeddings.npy")),
                    Files.readAllBytes(viaUri.resolve("embeddings.npy")));
            assertTrue(Files.readString(viaUri.resolve("metrics.json")).contains("\"dataset_source\": \"" + uri + "\""),
                    "metrics.json names the URI");
        } finally {
            System.clearProperty("spark.gmi.graphCache");
        }
        // the outputs to a Hadoop file system URI: the executors' parts assembled there, the driver's files
        // published beside them, the same bytes as the folder's, no temporary left
        Path published = dir.resolve("published");
        System.setProperty("spark.hadoop.fs." + SchemeFileSystem.SCHEME + ".impl", SchemeFileSystem.class.getName());
        try {
            String outUri = SchemeFileSystem.SCHEME + "://" + published.toAbsolutePath();
            List<String> args = train("gmi", cora, Path.of("unused"), "--engine", "spark", "--master", "local[2]", "--partitions", "1");
            args.set(args.indexOf("unused"), outUri);
            Cli p = Cli.run(args.toArray(String[]::new));
            assertEquals(0, p.code(), p.toString());
            assertTrue(p.err().contains("wrote " + outUri + "/embeddings.npy, encoder.gmi, split.json and metrics.json"), p.toString());
            Path local = dir.resolve("gmi-local");
            for (String f : List.of("embeddings.npy", "encoder.gmi", "split.json")) {
                assertArrayEquals(Files.readAllBytes(local.resolve(f)), Files.readAllBytes(published.resolve(f)), f);
            }
            assertTrue(Files.readString(published.resolve("metrics.json")).contains("\"out\": \"" + outUri + "\""),
                    "metrics.json records the URI");
            assertEquals(gmiLine, p.out());
            try (var left = Files.list(published)) {
                assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json"),
                        left.map(f -> f.getFileName().toString()).sorted().toList());
            }
            Cli again = Cli.run(args.toArray(String[]::new));
            assertEquals(2, again.code(), again.toString());
            assertTrue(again.err().contains("already holds embeddings.npy"), again.toString());
        } finally {
            System.clearProperty("spark.hadoop.fs." + SchemeFileSystem.SCHEME + ".impl");
        }
    }

    /**
     * --inductive on Spark: the seen nodes' subgraph written beside the outputs for the executors, the
     * whole graph embedded by them; with one partition the single-machine inductive run byte for byte.
     */
    @Test
    void anInductiveRunOnSparkIsTheSingleMachineOne() throws Exception {
        Path cora = dir.resolve("cora-inductive");
        assertEquals(0, Cli.run("convert", "cora", "--out", cora.toString()).code());
        Path local = dir.resolve("inductive-local");
        Path spark = dir.resolve("inductive-spark");
        Cli a = Cli.run(train("dgi", cora, local, "--inductive", "0.7").toArray(String[]::new));
        assertEquals(0, a.code(), a.toString());
        Cli b = Cli.run(train("dgi", cora, spark, "--inductive", "0.7", "--engine", "spark", "--master", "local[1]",
                "--partitions", "1").toArray(String[]::new));
        assertEquals(0, b.code(), b.toString());
        assertTrue(b.err().contains("spark: embeddings of 2708 nodes"), b.toString());
        for (String f : List.of("embeddings.npy", "encoder.gmi", "split.json")) {
            assertArrayEquals(Files.readAllBytes(local.resolve(f)), Files.readAllBytes(spark.resolve(f)), f);
        }
        assertEquals(a.out(), b.out());
        try (var left = Files.list(spark)) {
            assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json"),
                    left.map(f -> f.getFileName().toString()).sorted().toList(), "the subgraph's folder is removed");
        }
    }

    /**
     * A run whose job fails for good at epoch 3 (a task failing on every try) keeps its checkpoint of
     * epoch 2; --resume, which takes the engine, master and partitions from it, ends byte for byte as
     * the undisturbed run.
     */
    @Test
    void aStoppedDriverResumesFromItsCheckpoint() throws Exception {
        Path cora = dir.resolve("cora-resume");
        assertEquals(0, Cli.run("convert", "cora", "--out", cora.toString()).code());
        Path reference = dir.resolve("reference");
        String[] spark = {"--engine", "spark", "--master", "local[2,2]", "--partitions", "2", "--no-eval"};
        Cli a = Cli.run(train("gmi", cora, reference, spark).toArray(String[]::new));
        assertEquals(0, a.code(), a.toString());

        // the stopped run replaces an earlier run's outputs (--force): its resumed run does, once it ends
        Path out = dir.resolve("stopped");
        Files.createDirectories(out);
        for (String f : List.of("embeddings.npy", "encoder.gmi", "split.json", "metrics.json")) {
            Files.writeString(out.resolve(f), "an earlier run's " + f);
        }
        List<String> args = train("gmi", cora, out, spark);
        args.addAll(List.of("--checkpoint-every", "1", "--force"));
        StepTask.fault = (epoch, batch, part, attempt) -> epoch == 3 && batch == 2 && part == 1;
        Cli stopped;
        try {
            stopped = Cli.run(args.toArray(String[]::new));
        } finally {
            StepTask.fault = (epoch, batch, part, attempt) -> false;
        }
        assertEquals(1, stopped.code(), stopped.toString());
        assertEquals("an earlier run's embeddings.npy", Files.readString(out.resolve("embeddings.npy")), stopped.toString());
        assertEquals(2, Checkpoint.read(out.resolve(Checkpoint.FOLDER)).state().epochsDone());

        Cli resumed = Cli.run("train", "--resume", out.toString());
        assertEquals(0, resumed.code(), resumed.toString());
        assertTrue(resumed.err().contains("spark: master local[2,2], 2 partitions per batch"), resumed.toString());
        assertTrue(resumed.err().contains("2 of 3 epochs done"), resumed.toString());
        assertArrayEquals(Files.readAllBytes(reference.resolve("embeddings.npy")), Files.readAllBytes(out.resolve("embeddings.npy")));
        assertArrayEquals(Files.readAllBytes(reference.resolve("encoder.gmi")), Files.readAllBytes(out.resolve("encoder.gmi")));
        assertFalse(Files.exists(out.resolve(Checkpoint.FOLDER)), "the checkpoint goes once the outputs are in place");

        // the same with the outputs and the checkpoint on a Hadoop file system: --resume URI
        Path remote = dir.resolve("stopped-remote");
        System.setProperty("spark.hadoop.fs." + SchemeFileSystem.SCHEME + ".impl", SchemeFileSystem.class.getName());
        try {
            String uri = SchemeFileSystem.SCHEME + "://" + remote.toAbsolutePath();
            List<String> remoteArgs = train("gmi", cora, Path.of("unused"), spark);
            remoteArgs.set(remoteArgs.indexOf("unused"), uri);
            remoteArgs.addAll(List.of("--checkpoint-every", "1"));
            StepTask.fault = (epoch, batch, part, attempt) -> epoch == 3 && batch == 2 && part == 1;
            Cli stoppedRemote;
            try {
                stoppedRemote = Cli.run(remoteArgs.toArray(String[]::new));
            } finally {
                StepTask.fault = (epoch, batch, part, attempt) -> false;
            }
            assertEquals(1, stoppedRemote.code(), stoppedRemote.toString());
            assertTrue(stoppedRemote.err().contains("gmi: error: spark: the job of epoch 3, batch 2 failed: ")
                    && stoppedRemote.err().contains("; the checkpoint of epoch 2 is kept: continue with --resume " + uri),
                    stoppedRemote.toString());
            assertFalse(Files.exists(remote.resolve("embeddings.npy")), stoppedRemote.toString());
            assertEquals(2, Checkpoint.read(remote.resolve(Checkpoint.FOLDER)).state().epochsDone());
            Cli fresh = Cli.run(remoteArgs.toArray(String[]::new));
            assertEquals(2, fresh.code(), fresh.toString());
            assertTrue(fresh.err().contains("holds the checkpoint of an interrupted run; continue it with --resume " + uri),
                    fresh.toString());

            Cli resumedRemote = Cli.run("train", "--resume", uri);
            assertEquals(0, resumedRemote.code(), resumedRemote.toString());
            assertTrue(resumedRemote.err().contains("2 of 3 epochs done"), resumedRemote.toString());
            assertArrayEquals(Files.readAllBytes(reference.resolve("embeddings.npy")), Files.readAllBytes(remote.resolve("embeddings.npy")));
            assertArrayEquals(Files.readAllBytes(reference.resolve("encoder.gmi")), Files.readAllBytes(remote.resolve("encoder.gmi")));
            assertFalse(Files.exists(remote.resolve(Checkpoint.FOLDER)), "the checkpoint goes once the outputs are in place");
        } finally {
            System.clearProperty("spark.hadoop.fs." + SchemeFileSystem.SCHEME + ".impl");
        }
    }

    @Test
    void badFlagsGetOneLineAndNoOutputs() {
        Path out = dir.resolve("x");
        Cli notConverted = Cli.run(train("gmi", Path.of("cora"), out, "--engine", "spark").toArray(String[]::new));
        assertEquals(2, notConverted.code(), notConverted.toString());
        assertTrue(notConverted.err().contains("gmi convert cora --out DIR"), notConverted.toString());
        Cli noEngine = Cli.run(train("gmi", Path.of("cora"), out, "--master", "local[2]").toArray(String[]::new));
        assertTrue(noEngine.err().contains("--master and --partitions apply to --engine spark"), noEngine.toString());
        Cli unknown = Cli.run(train("gmi", Path.of("cora"), out, "--engine", "flink").toArray(String[]::new));
        assertTrue(unknown.err().contains("--engine must be local or spark"), unknown.toString());
        List<String> full = new ArrayList<>(train("gmi", Path.of("cora"), out, "--engine", "spark"));
        int b = full.indexOf("--batch-size");
        full.remove(b + 1);
        full.remove(b);
        Cli noBatch = Cli.run(full.toArray(String[]::new));
        assertTrue(noBatch.err().contains("--engine spark trains in minibatches"), noBatch.toString());
        Cli unsliced = Cli.run(train("gmi", Path.of("cora"), out, "--engine", "spark", "--checkpoint-every", "1").toArray(String[]::new));
        assertTrue(unsliced.err().contains("--engine spark with --checkpoint-every needs --partitions P"), unsliced.toString());
        for (Cli r : List.of(noEngine, unknown, noBatch, unsliced)) {
            assertEquals(2, r.code(), r.toString());
            assertEquals(1, r.errLines().size(), r.toString());
        }
        assertFalse(Files.exists(out.resolve("embeddings.npy")));
    }
}
