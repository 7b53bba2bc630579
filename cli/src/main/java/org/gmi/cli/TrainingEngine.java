package org.gmi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.gmi.graph.Graph;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.Trainer;
import org.gmi.models.TrainingListener;

/**
 * An engine that trains elsewhere than in this JVM ({@code gmi train --engine NAME}), found as a
 * service on the class path: gmi-spark's {@code spark}. The single-machine commands never load one.
 */
public interface TrainingEngine {
    /** The name {@code --engine} takes. */
    String name();

    /**
     * A local folder holding the graph at {@code location}, a URI of a storage the engine reads
     * ({@code hdfs://...}): copied here for the driver, which loads the graph too, saying so on {@code err}.
     */
    Path stage(String location, PrintWriter err) throws java.io.IOException;

    /**
     * Trains {@code config} (minibatch) on {@code graph}, which every worker reads from
     * {@code graphLocation} (the binary layout: a folder, or a URI the engine reads, {@link #stage});
     * writes the embeddings of every node of {@code embedGraph} (read from {@code embedLocation}: the
     * same graph, or for inductive training the whole graph of which {@code graph} is the seen part)
     * to {@code embeddingsTarget} (a .npy, which the caller renames
     * into place: on storage the workers write, a shared folder's path or a URI of a storage the engine
     * writes, {@link #publish}) and returns the result with them read back when
     * {@code readBack} (for the probe), else without them (null), so a run without evaluation never
     * holds the N x d matrix.
     *
     * @param master     where to run (for Spark: local[N] or spark://HOST:PORT), or null for the engine's default
     * @param partitions how many workers share each batch, or 0 for the engine's default
     * @param checkpoints where the run's checkpoints go and the state it resumes from ({@link Trainer#train})
     * @param err        where the engine reports what it does
     */
    TrainResult train(String graphLocation, Graph graph, String embedLocation, Graph embedGraph, TrainConfig config,
                      String master, int partitions, int threads,
                      TrainingListener listener, Trainer.Checkpointing checkpoints, String embeddingsTarget, boolean readBack,
                      PrintWriter err);

    /** The names of {@code names} that exist in the folder at the URI {@code folderUri} (an earlier run's outputs). */
    java.util.List<String> existingOutputs(String folderUri, java.util.List<String> names) throws java.io.IOException;

    /**
     * Puts a run's outputs into the folder at the URI {@code folderUri}, as {@link AtomicOutputs} does
     * into a local one: each under a temporary name first, then all renamed onto their names in the
     * order of {@code order} (the last marks a finished run). An output in {@code files} is copied there
     * from that local file; one in {@code written} is a temporary the workers wrote there (its URI).
     */
    void publish(String folderUri, java.util.List<String> order, java.util.Map<String, Path> files,
                 java.util.Map<String, String> written) throws java.io.IOException;

    /** Copies the file at {@code uri} to the local file {@code local} (its folder created if needed). */
    void fetch(String uri, Path local) throws java.io.IOException;

    /** Deletes the file or folder at {@code uri} if it is there: a temporary output of a run that failed. */
    void discard(String uri) throws java.io.IOException;
}
