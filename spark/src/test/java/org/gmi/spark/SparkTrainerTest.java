package org.gmi.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.BinaryGraph;
import org.gmi.graph.Datasets;
import org.gmi.graph.Graph;
import org.gmi.graph.NormalizedAdjacency;
import org.gmi.graph.Npy;
import org.gmi.graph.SplitOptions;
import org.gmi.models.GcnEncoder;
import org.gmi.models.GraphOperators;
import org.gmi.models.Method;
import org.gmi.models.MinibatchTrainer;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.Trainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's local mode against single-machine minibatch training on Cora in the binary layout: one
 * partition is the same run bit for bit; two partitions are reproducible whatever order their tasks
 * finish in and whichever of their tasks fail and are retried. One Spark context serves every test.
 */
class SparkTrainerTest {
    @TempDir
    static Path dir;
    static Path folder;
    static Graph graph;
    static JavaSparkContext sc;

    @BeforeAll
    static void setUp() throws Exception {
        folder = dir.resolve("cora");
        Files.createDirectories(folder);
        Graph cora = Datasets.load("cora");
        BinaryGraph.write(cora, folder::resolve);
        graph = BinaryGraph.load(folder, SplitOptions.defaults());
        // a Hadoop file system of another scheme, and the cache its graphs are copied to
        System.setProperty("spark.hadoop.fs." + SchemeFileSystem.SCHEME + ".impl", SchemeFileSystem.class.getName());
        System.setProperty("spark.gmi.graphCache", dir.resolve("graph-cache").toString());
        // executors read a URI's graph in place: small blocks and a small cache, so reads cross blocks and evict
        System.setProperty("spark.gmi.graphReadBlock", "512");
        System.setProperty("spark.gmi.graphReadCache", "16k");
        // two threads, a task tried up to 4 times
        sc = SparkTrainer.open("local[2,4]", "SparkTrainerTest");
    }

    @AfterAll
    static void tearDown() {
        if (sc != null) {
            sc.stop();
        }
        System.clearProperty("spark.hadoop.fs." + SchemeFileSystem.SCHEME + ".impl");
        System.clearProperty("spark.gmi.graphCache");
        System.clearProperty("spark.gmi.graphReadBlock");
        System.clearProperty("spark.gmi.graphReadCache");
    }

    /**
     * An executor reads a graph at a Hadoop URI in place, fetching only the blocks its task touches, and
     * computes the gradient it computes from the mapped folder, bit for bit.
     */
    @Test
    void anExecutorReadsOnlyTheBlocksItsTaskTouches() {
        Parallel.setThreads(1);
        TrainConfig c = config(Method.GMI);
        c.layers = 1;
        int[] fanouts = c.fanoutsFor(1);
        String digest = BinaryGraph.manifestDigest(folder);
        long target = GraphOperators.targetEntries(graph.adjacencyRows());
        String uri = SchemeFileSystem.SCHEME + "://" + folder.toAbsolutePath();
        StepTask.Run inPlace = new StepTask.Run("in-place-test", uri, digest, target, c, fanouts, 1, 1);
        StepTask.Run mapped = new StepTask.Run("mapped-test", folder.toAbsolutePath().toString(), digest, target, c, fanouts, 1, 1);
        try {
            List<org.gmi.autodiff.Parameter> ps = Trainer.createModel(GraphOperators.forRemoteBatches(graph), c, 1).parameters();
            float[][] values = new float[ps.size()][];
            for (int k = 0; k < values.length; k++) {
                values[k] = ps.get(k).value().data.clone();
            }
            int[] seeds = {3, 1400};
            float[][] read = StepTask.run(inPlace, values, 1, 0, seeds, 0).gradients();
            float[][] fromFolder = StepTask.run(mapped, values, 1, 0, seeds, 0).gradients();
            for (int k = 0; k < read.length; k++) {
                assertArrayEquals(fromFolder[k], read[k], ps.get(k).name());
            }
            GraphStaging.InPlace files = StepTask.local(inPlace).inPlace();
            assertTrue(files.bytesFetched() > 0 && files.bytesFetched() < files.bytesInFiles() / 2,
                    files.bytesFetched() + " of " + files.bytesInFiles() + " bytes fetched for a batch of 2 seeds");
        } finally {
            StepTask.close(inPlace.id());
            StepTask.close(mapped.id());
        }
    }

    private static int files;

    /** A fresh .npy path for a run's embeddings. */
    static Path embeddings() {
        return dir.resolve("embeddings-" + ++files + ".npy");
    }

    static TrainConfig config(Method method) {
        TrainConfig c = new TrainConfig();
        c.method = method;
        c.hidden = 32;
        c.epochs = 3;
        c.batchSize = 600;
        c.seed = 7;
        c.layers = 1;
        return c;
    }

    @Test
    void onePartitionIsSingleMachineMinibatchTrainingBitForBit() {
        Parallel.setThreads(1);
        for (Method method : Method.values()) {
            TrainResult single = MinibatchTrainer.train(graph, config(method), r -> {});
            TrainResult spark = SparkTrainer.train(sc, folder.toString(), graph, config(method), 1, 1, r -> {}, Trainer.Checkpointing.NONE, new StepTimes(), embeddings().toString(), true);
            assertArrayEquals(single.loss(), spark.loss(), method + " losses");
            assertEquals(single.terms().keySet(), spark.terms().keySet());
            single.terms().forEach((name, v) -> assertArrayEquals(v, spark.terms().get(name), method + " " + name));
            assertArrayEquals(single.embeddings().data, spark.embeddings().data, method + " embeddings");
        }
    }

    @Test
    void twoPartitionsAreReproducibleAndDrawTheirOwnSlices() {
        Parallel.setThreads(1);
        StepTimes times = new StepTimes();
        TrainResult first = SparkTrainer.train(sc, folder.toString(), graph, config(Method.GMI), 2, 1, r -> {}, Trainer.Checkpointing.NONE, times, embeddings().toString(), true);
        TrainResult second = SparkTrainer.train(sc, folder.toString(), graph, config(Method.GMI), 2, 1, r -> {}, Trainer.Checkpointing.NONE, new StepTimes(), embeddings().toString(), true);
        assertArrayEquals(first.loss(), second.loss());
        assertArrayEquals(first.embeddings().data, second.embeddings().data);
        // 2708 nodes in batches of 600: 5 batches per epoch (the last of 308), 3 epochs, one job each
        assertEquals(15, times.steps());
        TrainResult single = MinibatchTrainer.train(graph, config(Method.GMI), r -> {});
        assertFalse(Arrays.equals(single.loss(), first.loss()), "two partitions draw their own negatives");
        // each partition's loss is that of a batch of its slice's size: close to single-machine training in batches of 300
        TrainConfig half = config(Method.GMI);
        half.batchSize = 300;
        TrainResult halves = MinibatchTrainer.train(graph, half, r -> {});
        System.out.printf("first epoch's loss: B=600 %.4f, B=600 in 2 partitions %.4f, B=300 %.4f%n", single.loss()[0],
                first.loss()[0], halves.loss()[0]);
        assertEquals(halves.loss()[0], first.loss()[0], 0.05 * Math.abs(halves.loss()[0]));
        for (double l : first.loss()) {
            assertTrue(Double.isFinite(l));
        }
    }

    @Test
    void aFailedTaskIsRetriedWithTheSameSeeds() {
        Parallel.setThreads(1);
        TrainResult undisturbed = SparkTrainer.train(sc, folder.toString(), graph, config(Method.DGI), 2, 1, r -> {}, Trainer.Checkpointing.NONE, new StepTimes(), embeddings().toString(), true);
        java.util.concurrent.atomic.AtomicInteger injected = new java.util.concurrent.atomic.AtomicInteger();
        StepTask.fault = (epoch, batch, part, attempt) -> {
            boolean fail = attempt == 0 && ((epoch == 2 && batch == 1 && part == 1) || (epoch == 3 && batch == 4 && part == 0));
            if (fail) {
                injected.incrementAndGet();
            }
            return fail;
        };
        try {
            TrainResult retried = SparkTrainer.train(sc, folder.toString(), graph, config(Method.DGI), 2, 1, r -> {}, Trainer.Checkpointing.NONE, new StepTimes(), embeddings().toString(), true);
            assertEquals(2, injected.get(), "both injected failures happened");
            assertArrayEquals(undisturbed.loss(), retried.loss());
            assertArrayEquals(undisturbed.embeddings().data, retried.embeddings().data);
        } finally {
            StepTask.fault = (epoch, batch, part, attempt) -> false;
        }
    }

    /**
     * The embedding jobs write the bytes {@code Npy.writeMatrix} writes of {@code embedByChunks}'s
     * result: one and two layers, 5 tasks of 3 to 5 chunks each (each chunk reading only the rows its
     * columns name), and the same with one task and one chunk; into a folder's file (positional writes)
     * and to a Hadoop file system URI (parts, concatenated by the driver), the rows read back the same.
     */
    @Test
    void theEmbeddingJobsWriteTheBitsOfTheSingleMachineEmbedding() throws Exception {
        Parallel.setThreads(1);
        for (int layers = 1; layers <= 2; layers++) {
            GcnEncoder encoder = new GcnEncoder(graph.numFeatures(), 24, layers, new SplittableRandom(layers));
            Path expected = dir.resolve("expected-" + layers + ".npy");
            Npy.writeMatrix(expected, encoder.embedByChunks(graph.features(), NormalizedAdjacency.of(graph.adjacency()), 1000));
            TrainConfig c = config(Method.GMI);
            c.layers = layers;
            StepTask.Run run = new StepTask.Run("embedding-test-" + layers, folder.toAbsolutePath().toString(),
                    BinaryGraph.manifestDigest(folder), GraphOperators.targetEntries(graph.adjacency()), c,
                    c.fanoutsFor(layers), 1, 1);
            try {
                for (int[] cut : new int[][] {{5, 128}, {1, 4096}}) {
                    for (boolean hadoop : new boolean[] {false, true}) {
                        Path written = embeddings();
                        String target = hadoop ? SchemeFileSystem.SCHEME + "://" + written.toAbsolutePath() : written.toString();
                        StepTimes times = new StepTimes();
                        var back = SparkEmbedding.write(sc, run, encoder, graph.numNodes(), target, cut[0], cut[1], times, true);
                        String what = layers + " layers, " + cut[0] + " tasks, chunks of " + cut[1] + (hadoop ? ", parts" : "");
                        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(written), what);
                        assertArrayEquals(Npy.readMatrix(expected).data, back.data, what + ", read back");
                        assertEquals(1 + layers, times.embeddingJobs());
                        assertEquals(cut[0], times.embeddingTasks());
                        try (var left = Files.list(dir)) {
                            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".embedding-input")
                                    || p.getFileName().toString().startsWith(".gmi-embedding-")), "the scratch files are removed");
                        }
                    }
                }
            } finally {
                StepTask.close(run.id());
            }
        }
    }

    /** Rows of Â renumbered over the columns they hold: the same entries, in the same order. */
    @Test
    void gatheredRowsRenumberTheirColumnsInOrder() {
        CsrMatrix a = new CsrMatrix(3, 10, new int[] {0, 2, 2, 5}, new int[] {3, 7, 0, 3, 9}, new float[] {1, 2, 3, 4, 5});
        SparkEmbedding.Gathered g = SparkEmbedding.Gathered.of(a);
        assertArrayEquals(new int[] {0, 3, 7, 9}, g.columns());
        assertArrayEquals(new int[] {1, 2, 0, 1, 3}, g.rows().colIdx);
        assertArrayEquals(a.values, g.rows().values);
        assertArrayEquals(a.rowPtr, g.rows().rowPtr);
        assertEquals(4, g.rows().cols);
        g.rows().checkInvariants();
    }

    /**
     * The graph at a Hadoop URI of another scheme than file: the executors read it through Hadoop's
     * FileSystem API into the cache, once, and train what they train from the folder itself.
     */
    @Test
    void aGraphOnAHadoopFileSystemIsCopiedOnceAndTrainsTheSame() throws Exception {
        Parallel.setThreads(1);
        TrainResult local = SparkTrainer.train(sc, folder.toString(), graph, config(Method.DGI), 2, 1, r -> {},
                Trainer.Checkpointing.NONE, new StepTimes(), embeddings().toString(), true);
        String uri = SchemeFileSystem.SCHEME + "://" + folder.toAbsolutePath();
        // without readBack (a run without evaluation) the driver leaves the embeddings in their file
        Path remoteFile = embeddings();
        TrainResult remote = SparkTrainer.train(sc, uri, graph, config(Method.DGI), 2, 1, r -> {},
                Trainer.Checkpointing.NONE, new StepTimes(), remoteFile.toString(), false);
        assertArrayEquals(local.loss(), remote.loss());
        assertEquals(null, remote.embeddings());
        assertArrayEquals(local.embeddings().data, Npy.readMatrix(remoteFile).data);
        Path cache = dir.resolve("graph-cache");
        List<Path> copies;
        try (var entries = Files.list(cache)) {
            copies = entries.toList();
        }
        assertEquals(1, copies.size(), "one copy of the graph: " + copies);
        Path copy = copies.get(0);
        assertTrue(copy.getFileName().toString().startsWith("graph-"), copy.toString());
        try (var files = Files.list(folder)) {
            for (Path f : files.toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(copy.resolve(f.getFileName())), f.toString());
            }
        }
        // the driver asks for the same URI: the same copy
        assertEquals(copy, GraphStaging.local(uri));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GraphStaging.local(SchemeFileSystem.SCHEME + "://" + dir.toAbsolutePath()));
        assertTrue(e.getMessage().contains("not a graph in the binary layout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GraphStaging.local("nosuchscheme://host/graph-bin"));
        assertTrue(e.getMessage().contains("no Hadoop file system for the scheme of nosuchscheme://host/graph-bin"),
                e.getMessage());
    }

    @Test
    void refusesWhatItCannotTrain() {
        TrainConfig full = config(Method.GMI);
        full.batchSize = 0;
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SparkTrainer.train(sc, folder.toString(), graph, full, 1, 1, r -> {}, Trainer.Checkpointing.NONE, new StepTimes(), embeddings().toString(), true)).getMessage().contains("--batch-size"));
        TrainConfig small = config(Method.GMI);
        small.batchSize = 5;
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SparkTrainer.train(sc, folder.toString(), graph, small, 3, 1, r -> {}, Trainer.Checkpointing.NONE, new StepTimes(), embeddings().toString(), true)).getMessage().contains("--partitions"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SparkTrainer.train(sc, dir.toString(), graph, config(Method.GMI), 1, 1, r -> {}, Trainer.Checkpointing.NONE, new StepTimes(), embeddings().toString(), true)).getMessage()
                .contains("gmi convert"));
    }
}
