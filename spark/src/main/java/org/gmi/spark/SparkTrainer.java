package org.gmi.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.gmi.cli.DatasetOptions;
import org.gmi.engine.Matrix;
import org.gmi.graph.BinaryGraph;
import org.gmi.graph.Graph;
import org.gmi.models.GraphOperators;
import org.gmi.models.MinibatchTrainer;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.Trainer;
import org.gmi.models.TrainingListener;

/**
 * Synchronous data-parallel minibatch training of GMI and DGI on Apache Spark.
 *
 * <p>The epoch loop is {@link MinibatchTrainer}'s: the same order of seed nodes, the same batches,
 * Adam on the driver, the same early stopping. Only each batch's gradient is computed elsewhere: the
 * batch's seeds are cut into {@code partitions} slices, one Spark task per slice samples its
 * neighbourhoods from the graph (read by every executor from {@code graphLocation}, the binary layout of
 * {@code gmi convert}) and runs this project's forward and backward; the slices' gradients, weighted by
 * their seed counts, are summed exactly ({@link GradientSum}). With one partition a run is bit for bit
 * the single-machine minibatch run with the same seed and thread count; with P partitions it is the
 * same training with each batch's negatives and readouts drawn within its P slices.
 */
public final class SparkTrainer {
    private SparkTrainer() {}

    /** The JVM options a driver or executor on JDK 21+ needs for Spark and for this project's kernels. */
    public static final String JVM_OPTIONS = "--add-modules jdk.incubator.vector"
            + " --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
            + " --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
            + " --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED";

    /** A Spark context for a training run on {@code master} (local[N] or spark://HOST:PORT). */
    public static JavaSparkContext open(String master, String appName) {
        SparkConf conf = new SparkConf();
        // the executors' options the cluster or the user set (spark-defaults.conf, -Dspark...) are kept after ours
        String executorOptions = (JVM_OPTIONS + " " + conf.get("spark.executor.extraJavaOptions", "")).strip();
        conf.setAppName(appName).set("spark.executor.extraJavaOptions", executorOptions)
                // defaults a cluster's or the user's settings override (-Dspark.ui.enabled=true for the web UI)
                .setIfMissing("spark.ui.enabled", "false")
                // a step's job is small and frequent: no speculative copies (a copy would compute the same bits)
                .setIfMissing("spark.speculation", "false");
        if (!conf.contains("spark.master")) {
            conf.setMaster(master);
        }
        return new JavaSparkContext(conf);
    }

    /**
     * Trains {@code config} (a minibatch config: {@code batchSize > 0}) on {@code graph}, the graph read
     * from {@code graphLocation} (a binary layout every executor can read: a local or shared folder, or a
     * Hadoop file system URI, {@link GraphStaging}), in {@code partitions} slices per
     * batch, each task's kernels on {@code threads} threads; checkpoints and resumes as
     * {@code checkpoints} says ({@link MinibatchTrainer}: the driver writes them at the ends of epochs, so
     * a stopped driver resumes from the last one, bit for bit with the same partitions and threads).
     * The embeddings of every node are then computed by Spark jobs ({@link SparkEmbedding}) into
     * {@code embeddingsTarget}, a .npy on storage the executors write (a shared folder's path, or a Hadoop
     * file system URI), and read back into the result when {@code readBack} (the result has none
     * otherwise).
     */
    public static TrainResult train(JavaSparkContext sc, String graphLocation, Graph graph, TrainConfig config, int partitions,
                                    int threads, TrainingListener listener, Trainer.Checkpointing checkpoints,
                                    StepTimes times, String embeddingsTarget, boolean readBack) {
        return train(sc, graphLocation, graph, graphLocation, graph, config, partitions, threads, listener, checkpoints, times,
                embeddingsTarget, readBack);
    }

    /**
     * As above, the embeddings those of {@code embedGraph}, read from {@code embedLocation}, under the
     * encoder trained on {@code graph} (inductive training: the seen nodes' subgraph, then the whole graph).
     */
    public static TrainResult train(JavaSparkContext sc, String graphLocation, Graph graph, String embedLocation, Graph embedGraph,
                                    TrainConfig config, int partitions, int threads, TrainingListener listener,
                                    Trainer.Checkpointing checkpoints, StepTimes times, String embeddingsTarget, boolean readBack) {
        if (config.batchSize < 1) {
            throw new IllegalArgumentException("training on Spark is minibatch training: give --batch-size");
        }
        if (partitions < 1 || partitions > GradientSum.MAX_PARTS) {
            throw new IllegalArgumentException("--partitions must be between 1 and " + GradientSum.MAX_PARTS + ", got " + partitions);
        }
        int smallest = Math.min(config.batchSize, graph.numNodes());
        if (smallest / partitions < 2) {
            throw new IllegalArgumentException("--batch-size " + config.batchSize + " over " + partitions + " partitions leaves "
                    + "fewer than 2 seeds in a partition (negatives are drawn among a partition's seeds); use --batch-size "
                    + 2 * partitions + " or more, or fewer --partitions");
        }
        config.validate();
        int[] fanouts = config.fanoutsFor(config.layersFor(graph.name()));
        // the executors cut the batches: the driver holds the parameters, not Â and M
        GraphOperators remote = GraphOperators.forRemoteBatches(graph);
        StepTask.Run run = run(graphLocation, remote.targetEntries(), config, fanouts, threads, partitions);
        StepTask.Run embedRun = embedLocation.equals(graphLocation) ? run
                : run(embedLocation, GraphOperators.targetEntries(embedGraph.adjacencyRows()), config, fanouts, threads, partitions);
        try {
            TrainResult trained = MinibatchTrainer.train(graph, config, listener, false,
                    context -> new SparkGradients(sc, run, context, times), checkpoints, g -> remote);
            Matrix embeddings;
            try {
                embeddings = SparkEmbedding.write(sc, embedRun, trained.encoder().encoder(), embedGraph.numNodes(),
                        embeddingsTarget, partitions, times, readBack);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                // a job that failed (Spark throws its checked SparkException undeclared)
                throw new IllegalStateException("the executors failed to compute or write the embeddings into " + embeddingsTarget
                        + " (the output folder must be on storage every executor writes: a shared folder, or a Hadoop file "
                        + "system URI): " + e.getMessage(), e);
            }
            return readBack ? trained.withEmbeddings(embeddings) : trained;
        } catch (IOException e) {
            throw new UncheckedIOException("writing the embeddings to " + embeddingsTarget + ": " + e.getMessage(), e);
        } finally {
            // the executors' state goes with their JVMs when the application ends; a local-mode executor is this JVM
            StepTask.close(run.id());
            StepTask.close(embedRun.id());
        }
    }

    /**
     * What the tasks of a run on the graph at {@code graphLocation} need; {@code targetEntries}: its T = A + I's
     * entries, which the driver counts once.
     */
    private static StepTask.Run run(String graphLocation, long targetEntries, TrainConfig config, int[] fanouts, int threads,
                                    int partitions) {
        String location = graphLocation;
        if (!DatasetOptions.isUri(graphLocation)) {
            Path folder = Path.of(graphLocation);
            if (!Files.isRegularFile(folder.resolve(BinaryGraph.MANIFEST))) {
                throw new IllegalArgumentException(graphLocation + " is not a graph in the binary layout (no " + BinaryGraph.MANIFEST
                        + "): write one with 'gmi convert DATASET --out " + graphLocation + "'");
            }
            location = folder.toAbsolutePath().toString();
        }
        // the folder the driver loaded the graph from (a URI's local copy): its graph.json is what the executors check theirs against
        Path checked;
        try {
            checked = GraphStaging.local(location);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the graph from " + location + ": " + e.getMessage(), e);
        }
        return new StepTask.Run(UUID.randomUUID().toString(), location, BinaryGraph.manifestDigest(checked), targetEntries,
                config, fanouts, threads, partitions);
    }
}
