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
     * writes the embeddings of every node to {@code embeddingsFile} (a .npy, which the caller renames
     * into place: on storage the workers write) and returns the result with them read back when
     * {@code readBack} (for the probe), else without them (null), so a run without evaluation never
     * holds the N x d matrix.
     *
     * @param master     where to run (for Spark: local[N] or spark://HOST:PORT), or null for the engine's default
     * @param partitions how many workers share each batch, or 0 for the engine's default
     * @param checkpoints where the run's checkpoints go and the state it resumes from ({@link Trainer#train})
     * @param err        where the engine reports what it does
     */
    TrainResult train(String graphLocation, Graph graph, TrainConfig config, String master, int partitions, int threads,
                      TrainingListener listener, Trainer.Checkpointing checkpoints, Path embeddingsFile, boolean readBack,
                      PrintWriter err);
}
