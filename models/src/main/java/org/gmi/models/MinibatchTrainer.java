package org.gmi.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.gmi.autodiff.Adam;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.engine.Matrix;
import org.gmi.engine.SparseRows;
import org.gmi.graph.Graph;
import org.gmi.graph.NeighbourSampler;
import org.gmi.graph.NormalizedAdjacency;
import org.gmi.models.PhaseTimes.Phase;

/**
 * Minibatch training of GMI and DGI ({@code --batch-size B --fanout f1,f2}), on the CPU: a step's memory
 * is bounded by its batch and the model, not by the graph.
 *
 * <p>An epoch visits every node once as a seed: the nodes in a random order ({@link EpochSeeds} stream
 * {@link EpochSeeds#BATCH_ORDER}), cut into batches of B seeds (a last batch of one seed joins the one
 * before it). Each batch samples its seeds'
 * neighbourhoods ({@link NeighbourSampler}: up to f1 neighbours of each seed, then up to f2 of each
 * node reached, one fan-out per encoder layer), cuts the graph's operators along them
 * ({@link BatchOperators}: layer-wise blocks, so the last layer is computed for the seeds alone), and
 * takes one Adam step on the method's loss over its seeds ({@link SelfSupervisedModel#forward(Tape,
 * BatchOperators, long)}). The batch's draws (its neighbourhoods, then the model's negatives or
 * corruption) come from {@code EpochSeeds.of(seed, BATCH, epoch, batch)}, so a run depends on its seed
 * and thread count alone.
 *
 * <p>The epoch's loss is the mean of its batches' losses weighted by their seed counts; early stopping
 * keeps the parameters at the end of the epoch with the lowest one. Checkpoints are taken at the end of
 * an epoch and hold what the full-batch trainer's hold ({@link TrainState}): the parameters, Adam's
 * moments, the best epoch's parameters and the history. The embeddings are then computed
 * for the whole graph layer by layer ({@link GcnEncoder#embedByChunks}), as {@code gmi embed} computes them.
 */
public final class MinibatchTrainer {
    private MinibatchTrainer() {}

    /** Trains {@code config.method} on {@code graph} in minibatches of {@code config.batchSize} seed nodes. */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener) {
        return train(graph, config, listener, true);
    }

    /** As {@link #train(Graph, TrainConfig, TrainingListener)}, checkpointing and resuming as asked. */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener,
                                    Trainer.Checkpointing checkpoints) {
        return train(graph, config, listener, true, LocalGradients::new, checkpoints);
    }

    /**
     * As {@link #train(Graph, TrainConfig, TrainingListener)}; without {@code embed} the result has no
     * embeddings (null), for {@code gmi bench}, which times the epochs alone.
     */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener, boolean embed) {
        return train(graph, config, listener, embed, LocalGradients::new);
    }

    /**
     * The gradient of one batch's loss at the parameters' current values, written into the parameters'
     * gradients: by the trainer's own model ({@link LocalGradients}), or by a cluster (gmi-spark).
     */
    public interface BatchGradients extends AutoCloseable {
        /**
         * Sets every parameter's gradient to that of the loss over {@code seeds}, batch {@code batch}
         * (0-based) of {@code epoch}, at the parameters' current values; returns the loss and its terms.
         */
        StepLoss compute(int epoch, int batch, int[] seeds);

        @Override
        default void close() {}
    }

    /** What a training step's gradient came with: the batch's loss and its unweighted terms. */
    public record StepLoss(double value, Map<String, Double> terms) {}

    /** What a {@link BatchGradients} is made from: the driver's model, whose parameters Adam updates. */
    public record Context(Graph graph, TrainConfig config, GraphOperators ops, SelfSupervisedModel model, int[] fanouts,
                          PhaseTimes phases) {}

    /**
     * As {@link #train(Graph, TrainConfig, TrainingListener, boolean)}, each batch's gradient from
     * {@code gradients}: the loop, Adam, early stopping and the embedding stay here.
     */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener, boolean embed,
                                    Function<Context, BatchGradients> gradients) {
        return train(graph, config, listener, embed, gradients, Trainer.Checkpointing.NONE);
    }

    /**
     * As {@link #train(Graph, TrainConfig, TrainingListener, boolean, Function)}, a checkpoint after every
     * {@code checkpoints.every()}-th epoch and when training ends, resuming from
     * {@code checkpoints.resumeFrom()} when given. An epoch's draws depend on (seed, epoch, batch) alone,
     * so a resumed run computes, with the same thread count, bit for bit what the uninterrupted run does.
     */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener, boolean embed,
                                    Function<Context, BatchGradients> gradients, Trainer.Checkpointing checkpoints) {
        return train(graph, config, listener, embed, gradients, checkpoints, GraphOperators::forBatches);
    }

    /**
     * As above, the driver's model built on {@code operators} of the graph: {@link GraphOperators#forBatches}
     * where the batches are cut here, {@link GraphOperators#forRemoteBatches} where {@code gradients}
     * computes them elsewhere (then without {@code embed}, which needs Â).
     */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener, boolean embed,
                                    Function<Context, BatchGradients> gradients, Trainer.Checkpointing checkpoints,
                                    Function<Graph, GraphOperators> operators) {
        config.validate();
        if (config.batchSize < 1) {
            throw new IllegalArgumentException("minibatch training needs --batch-size >= 1, got " + config.batchSize);
        }
        int layers = config.layersFor(graph.name());
        int[] fanouts = config.fanoutsFor(layers);
        int n = graph.numNodes();
        int b = Math.min(config.batchSize, n);
        int batches = (n + b - 1) / b;
        if (batches > 1 && n - (batches - 1) * b == 1) {
            // a last batch of one seed has no other seed to draw negatives from: the one before takes it
            batches--;
        }

        if (config.method == Method.GMI) {
            GmiModel.requireBatchable(config.variant, config.gamma > 0 && config.reconstruction == ReconstructionMode.SAMPLED);
        }
        GraphOperators ops = operators.apply(graph);
        if (embed && ops.normalized() == null) {
            throw new IllegalArgumentException("embedding the graph after training needs its operators: GraphOperators.forBatches");
        }
        SelfSupervisedModel model = Trainer.createModel(ops, config, layers);
        PhaseTimes phases = new PhaseTimes();
        model.setPhaseTimes(phases);
        List<Parameter> params = model.parameters();
        Adam adam = new Adam(params, config.lr, 0.9, 0.999, 1e-8, 0.0);

        float[][] best = snapshot(params);
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int sinceBest = 0;
        double[] losses = new double[config.epochs];
        double[] seconds = new double[config.epochs];
        Map<String, List<Double>> terms = new LinkedHashMap<>();
        int epoch = 0;
        boolean finished = false;
        TrainState resume = checkpoints.resumeFrom();
        if (resume != null) {
            Trainer.restore(resume, params, adam, best, config, batches);
            bestLoss = resume.bestLoss();
            bestEpoch = resume.bestEpoch();
            sinceBest = resume.sinceBest();
            epoch = resume.epochsDone();
            finished = resume.finished();
            Trainer.restoreHistory(resume, losses, seconds, terms);
        }
        BatchGradients step = gradients.apply(new Context(graph, config, ops, model, fanouts, phases));
        int[] order = new int[n];
        while (!finished && epoch < config.epochs) {
            long t0 = System.nanoTime();
            epoch++;
            phases.reset();
            phases.start(Phase.SAMPLING);
            shuffle(order, new SplittableRandom(EpochSeeds.of(config.seed, EpochSeeds.BATCH_ORDER, epoch)));
            double lossSum = 0;
            Map<String, Double> termSums = new LinkedHashMap<>();
            for (int k = 0; k < batches; k++) {
                phases.start(Phase.SAMPLING);
                int[] seeds = Arrays.copyOfRange(order, k * b, k == batches - 1 ? n : (k + 1) * b);
                StepLoss loss = step.compute(epoch, k, seeds);
                double value = loss.value();
                Trainer.checkFinite(epoch, value, loss.terms());
                phases.start(Phase.OPTIMISER);
                adam.step();
                phases.stop();
                lossSum += value * seeds.length;
                for (Map.Entry<String, Double> t : loss.terms().entrySet()) {
                    termSums.merge(t.getKey(), t.getValue() * seeds.length, Double::sum);
                }
            }
            double value = lossSum / n;
            losses[epoch - 1] = value;
            Map<String, Double> epochTerms = new LinkedHashMap<>();
            termSums.forEach((name, sum) -> epochTerms.put(name, sum / n));
            epochTerms.forEach((name, v) -> terms.computeIfAbsent(name, x -> new ArrayList<>()).add(v));
            boolean stop = false;
            if (value < bestLoss) {
                bestLoss = value;
                bestEpoch = epoch;
                sinceBest = 0;
                best = snapshot(params);
            } else {
                sinceBest++;
                stop = sinceBest >= config.patience;
            }
            seconds[epoch - 1] = (System.nanoTime() - t0) / 1e9;
            finished = stop || epoch == config.epochs;
            listener.onEpoch(new EpochReport(epoch, config.epochs, value, epochTerms, seconds[epoch - 1], bestEpoch, sinceBest,
                    config.patience, phases.secondsByPhase()));
            if (checkpoints.every() > 0 && (finished || epoch % checkpoints.every() == 0)) {
                TrainState state = Trainer.snapshot(epoch, finished, params, adam, best, bestLoss, bestEpoch, sinceBest,
                        losses, terms, seconds);
                if (state.isFinite()) {
                    Trainer.save(checkpoints.sink(), state);
                }
            }
        }
        step.close();
        // it holds the model and the operators, which the embedding below must be able to free
        step = null;
        for (int k = 0; k < params.size(); k++) {
            params.get(k).setValue(new Matrix(params.get(k).rows(), params.get(k).cols(), best[k]));
        }
        SavedEncoder encoder = SavedEncoder.of(config.method, model.encoder(), Map.of());
        Matrix embeddings = null;
        if (embed) {
            SparseRows x = ops.rawFeatures();
            // the model and the operators go before Â and the two N x d buffers of the embedding come
            model = null;
            ops = null;
            embeddings = encoder.encoder().embedByChunks(x, NormalizedAdjacency.of(graph.adjacencyRows()),
                    SavedEncoder.chunkRows(config.hidden));
        }
        return new TrainResult(embeddings, epoch, bestEpoch, Arrays.copyOf(losses, epoch), Trainer.termArrays(terms),
                Arrays.copyOf(seconds, epoch), encoder);
    }

    /**
     * One batch's gradient on this machine: sample the seeds' neighbourhoods, cut the operators along
     * them, run the model's forward and backward on its own tape. Its draws come from
     * {@code EpochSeeds.of(seed, BATCH, epoch, batch)}, or from {@code rngSeed} when given one.
     */
    public static final class LocalGradients implements BatchGradients {
        private final GraphOperators ops;
        private final SelfSupervisedModel model;
        private final int[] fanouts;
        private final long seed;
        private final PhaseTimes phases;
        private final NeighbourSampler sampler;
        private final Tape tape = new Tape();
        // the largest padded node count per hop so far: batch shapes settle, and the tape's buffers with them
        private final int[] widths;

        public LocalGradients(Context c) {
            this(c.ops().normalized().adjacency(), c.ops(), c.model(), c.fanouts(), c.config().seed, c.phases());
        }

        public LocalGradients(SparseRows adjacency, GraphOperators ops, SelfSupervisedModel model, int[] fanouts, long seed,
                              PhaseTimes phases) {
            this.ops = ops;
            this.model = model;
            this.fanouts = fanouts;
            this.seed = seed;
            this.phases = phases;
            this.sampler = new NeighbourSampler(adjacency);
            this.widths = new int[fanouts.length + 1];
        }

        @Override
        public StepLoss compute(int epoch, int batch, int[] seeds) {
            return compute(seeds, EpochSeeds.of(seed, EpochSeeds.BATCH, epoch, batch));
        }

        /** The gradient of the loss over {@code seeds}, every draw from {@code rngSeed}. */
        public StepLoss compute(int[] seeds, long rngSeed) {
            phases.start(Phase.SAMPLING);
            SplittableRandom rng = new SplittableRandom(rngSeed);
            BatchOperators batch = BatchOperators.of(ops, sampler.sample(seeds, fanouts, rng), widths);
            phases.start(Phase.OPTIMISER);
            for (Parameter p : model.parameters()) {
                p.zeroGrad();
            }
            tape.clear();
            SelfSupervisedModel.Loss loss = model.forward(tape, batch, rng.nextLong());
            double value = loss.total().scalar();
            Map<String, Double> terms = loss.terms();
            if (Double.isFinite(value)) {
                phases.start(Phase.BACKWARD);
                tape.backward(loss.total());
            }
            tape.clear();
            phases.stop();
            return new StepLoss(value, terms);
        }

        /** The model whose parameters' gradients {@link #compute} sets. */
        public SelfSupervisedModel model() {
            return model;
        }

        @Override
        public void close() {
            tape.release();
        }
    }

    /** order = a uniformly random permutation of 0..n-1 (Fisher-Yates from the identity). */
    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static float[][] snapshot(List<Parameter> params) {
        float[][] copy = new float[params.size()][];
        for (int k = 0; k < copy.length; k++) {
            copy[k] = params.get(k).value().data.clone();
        }
        return copy;
    }
}
