package org.gmi.spark;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.gmi.cli.TrainingEngine;
import org.gmi.graph.Graph;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.Trainer;
import org.gmi.models.TrainingListener;

/** {@code gmi train --engine spark}: opens a Spark context on the master, trains ({@link SparkTrainer}), stops it. */
public final class SparkEngine implements TrainingEngine {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public Path stage(String location, PrintWriter err) throws java.io.IOException {
        return GraphStaging.local(location, message -> {
            err.println("spark: " + message);
            err.flush();
        });
    }

    @Override
    public TrainResult train(String graphLocation, Graph graph, String embedLocation, Graph embedGraph, TrainConfig config,
                             String master, int partitions, int threads,
                             TrainingListener listener, Trainer.Checkpointing checkpoints, String embeddingsTarget,
                             boolean readBack, PrintWriter err) {
        String url = master != null ? master : System.getProperty("spark.master", "local[*]");
        JavaSparkContext sc = SparkTrainer.open(url, "gmi train " + config.method.name() + " " + graph.name());
        try {
            int parts = partitions > 0 ? partitions : sc.defaultParallelism();
            err.printf("spark: master %s, %d partitions per batch (%d seed nodes each), graph read from %s%n", sc.master(), parts,
                    config.batchSize / parts, graphLocation);
            err.flush();
            StepTimes times = new StepTimes();
            TrainResult result = SparkTrainer.train(sc, graphLocation, graph, embedLocation, embedGraph, config, parts, threads,
                    listener, checkpoints, times,
                    embeddingsTarget, readBack);
            err.printf("spark: %d steps: %.1f s preparing the parameters' broadcast, %.1f s in jobs (of which the slowest task "
                            + "computing its gradient %.1f s; the rest is Spark's scheduling, shipping and aggregation), %.1f s "
                            + "applying the sums%n", times.steps(), times.broadcastSeconds(), times.jobSeconds(),
                    times.slowestTaskSeconds(), times.applySeconds());
            err.printf("spark: embeddings of %d nodes in %.1f s (%d jobs of %d tasks), written by the executors%n",
                    embedGraph.numNodes(), times.embeddingSeconds(), times.embeddingJobs(), times.embeddingTasks());
            return result;
        } finally {
            sc.stop();
        }
    }

    @Override
    public java.util.List<String> existingOutputs(String folderUri, java.util.List<String> names) throws java.io.IOException {
        return HadoopOutputs.existing(folderUri, names);
    }

    @Override
    public void publish(String folderUri, java.util.List<String> order, java.util.Map<String, Path> files,
                        java.util.Map<String, String> written) throws java.io.IOException {
        HadoopOutputs.publish(folderUri, order, files, written);
    }

    @Override
    public void fetch(String uri, Path local) throws java.io.IOException {
        HadoopOutputs.fetch(uri, local);
    }

    @Override
    public void discard(String uri) throws java.io.IOException {
        HadoopOutputs.discard(uri);
    }
}
