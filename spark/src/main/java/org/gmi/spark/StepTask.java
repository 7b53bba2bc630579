package org.gmi.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.gmi.autodiff.Parameter;
import org.gmi.cli.DatasetOptions;
import org.gmi.engine.Parallel;
import org.gmi.graph.BinaryGraph;
import org.gmi.models.EpochSeeds;
import org.gmi.models.GraphOperators;
import org.gmi.models.MinibatchTrainer.LocalGradients;
import org.gmi.models.MinibatchTrainer.StepLoss;
import org.gmi.models.PhaseTimes;
import org.gmi.models.TrainConfig;
import org.gmi.models.Trainer;

/**
 * What one Spark task of a training step computes, on an executor: the gradient of partition
 * {@code part}'s share of the batch's seeds at the broadcast parameters.
 *
 * <p>A task is a pure function of (run, parameters, epoch, batch, partition): its seeds are a fixed
 * slice of the batch, its draws come from {@link #partSeed}, so a task retried, or run by another
 * executor, computes the same gradient bit for bit. The graph (the binary layout: a folder mapped, or a
 * Hadoop URI read in place a block at a time, {@link GraphStaging}; either way an executor reads what
 * its partitions' neighbourhoods touch) and one model per concurrently running task are kept per
 * executor JVM for the run, keyed by its {@link Run#id}.
 */
final class StepTask {
    private StepTask() {}

    /**
     * What every task of a run needs, sent once with each task (a few hundred bytes): besides the
     * training's settings, the SHA-256 of the graph.json the driver checked the graph against
     * ({@link BinaryGraph#manifestDigest}) and the entries of T = A + I (the reconstruction's
     * weights), which the driver counted while loading, so an executor reads no more of the graph
     * than its tasks touch.
     */
    record Run(String id, String graphLocation, String manifestDigest, long targetEntries, TrainConfig config, int[] fanouts,
               int threads, int parts) implements Serializable {}

    /**
     * A run's state on one executor: the graph's operators (A and X read where they are), idle models, one
     * per task running at once, and the graph's files when they are read in place from a Hadoop file
     * system (else null).
     */
    record Local(GraphOperators ops, ConcurrentLinkedQueue<LocalGradients> idle, GraphStaging.InPlace inPlace) {}

    private static final Map<String, Local> RUNS = new ConcurrentHashMap<>();

    /**
     * The draws' seed of partition {@code part} of {@code parts} in batch {@code batch} of {@code epoch}:
     * with one partition, exactly the single-machine batch's ({@code EpochSeeds.of(seed, BATCH, epoch, batch)}).
     */
    static long partSeed(long seed, int epoch, int batch, int part, int parts) {
        long batchSeed = EpochSeeds.of(seed, EpochSeeds.BATCH, epoch, batch);
        return parts == 1 ? batchSeed : EpochSeeds.mix64(batchSeed + EpochSeeds.GOLDEN * (part + 1L));
    }

    /** Partition {@code part}'s slice of a batch's seeds: the p-th of {@code parts} nearly equal runs. */
    static int[] slice(int[] seeds, int part, int parts) {
        return Arrays.copyOfRange(seeds, sliceStart(seeds.length, part, parts), sliceStart(seeds.length, part + 1, parts));
    }

    /** Where slice {@code part} of {@code parts} of a batch of {@code n} seeds starts (slice {@code parts}: n). */
    static int sliceStart(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }

    /** Tests' fault injection: a task attempt (0 the first) for which it answers true fails. */
    interface Fault {
        boolean fails(int epoch, int batch, int part, int attempt);
    }

    static volatile Fault fault = (epoch, batch, part, attempt) -> false;

    /** The gradient of partition {@code part}'s loss, weighted by its share of the batch's seeds. */
    static GradientSum run(Run run, float[][] values, int epoch, int batch, int[] seeds, int part) {
        org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
        if (task != null && fault.fails(epoch, batch, part, task.attemptNumber())) {
            throw new IllegalStateException("injected failure of epoch " + epoch + ", batch " + batch + ", partition " + part);
        }
        long t0 = System.nanoTime();
        Local local = local(run);
        LocalGradients step = local.idle().poll();
        if (step == null) {
            step = new LocalGradients(local.ops().normalized().adjacency(), local.ops(),
                    Trainer.createModel(local.ops(), run.config(), run.fanouts().length), run.fanouts(), run.config().seed, new PhaseTimes());
        }
        try {
            List<Parameter> params = step.model().parameters();
            for (int i = 0; i < params.size(); i++) {
                System.arraycopy(values[i], 0, params.get(i).value().data, 0, values[i].length);
            }
            int[] mine = slice(seeds, part, run.parts());
            StepLoss loss = step.compute(mine, partSeed(run.config().seed, epoch, batch, part, run.parts()));
            // the batch's loss is the seed-weighted mean of its partitions' losses, and so is its gradient
            float weight = (float) ((double) mine.length / seeds.length);
            float[][] grads = new float[params.size()][];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = params.get(i).grad().data.clone();
                if (weight != 1f) {
                    for (int j = 0; j < grads[i].length; j++) {
                        grads[i][j] *= weight;
                    }
                }
            }
            List<String> names = new ArrayList<>(loss.terms().keySet());
            double[] terms = loss.terms().values().stream().mapToDouble(Double::doubleValue).toArray();
            return GradientSum.of(run.parts(), part, grads, loss.value(), names, terms).computedIn(System.nanoTime() - t0);
        } finally {
            local.idle().add(step);
        }
    }

    /** The run's state in this JVM: the graph and its operators, loaded by the run's first task here. */
    static Local local(Run run) {
        return RUNS.computeIfAbsent(run.id(), id -> open(run));
    }

    /** Drops a finished run's state from this JVM. */
    static void close(String runId) {
        Local local = RUNS.remove(runId);
        if (local != null) {
            for (LocalGradients step; (step = local.idle().poll()) != null; ) {
                step.close();
            }
            if (local.inPlace() != null) {
                try {
                    local.inPlace().close();
                } catch (java.io.IOException e) {
                    // the run is over: a stream that fails to close loses nothing
                }
            }
        }
    }

    private static Local open(Run run) {
        Parallel.setThreads(run.threads());
        String location = run.graphLocation();
        GraphStaging.InPlace inPlace = null;
        BinaryGraph.Rows rows;
        // the driver checked these files (BinaryGraph.load): here they are opened, and read where the tasks reach
        try {
            if (DatasetOptions.isUri(location) && !GraphStaging.copiesToExecutors()) {
                inPlace = GraphStaging.inPlace(location);
                rows = BinaryGraph.openChecked(inPlace, run.manifestDigest());
            } else {
                rows = BinaryGraph.openChecked(BinaryGraph.Source.folder(GraphStaging.local(location)), run.manifestDigest());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading the graph from " + location + ": " + e.getMessage(), e);
        }
        return new Local(GraphOperators.forBatches(rows.adjacency(), rows.features(), run.targetEntries()),
                new ConcurrentLinkedQueue<>(), inPlace);
    }
}
