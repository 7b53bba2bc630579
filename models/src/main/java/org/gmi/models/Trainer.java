package org.gmi.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.autodiff.Adam;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.OpProfile;
import org.gmi.autodiff.Tape;
import org.gmi.engine.Matrix;
import org.gmi.engine.Backend;
import org.gmi.engine.CpuBackend;
import org.gmi.engine.DeviceMatrix;
import org.gmi.graph.Graph;
import org.gmi.models.PhaseTimes.Phase;

/**
 * Full-batch training with Adam and early stopping on the training loss, as the official code:
 * the loss of each epoch is compared with the best so far before the step; after {@code patience}
 * epochs without improvement training stops and the parameters of the best epoch are restored.
 *
 * <p>Checkpoints ({@link Checkpointing}): every {@code every} epochs, and once more when training
 * ends, the whole {@link TrainState} goes to a sink; {@link #fit(SelfSupervisedModel, TrainConfig,
 * TrainingListener, Checkpointing)} with a {@code resumeFrom} state continues from it. Before each
 * epoch the model re-seeds its random draws from (seed, epoch) ({@link SelfSupervisedModel#startEpoch}),
 * so a run stopped after a checkpoint and resumed computes, with the same thread count, bit for bit
 * what the uninterrupted run computes.
 *
 * <p>Numerical guard: a NaN or infinite loss term stops training at once with a
 * {@link NumericalFailureException} naming the epoch and the term; no checkpoint is written from
 * that epoch on (nor one whose parameters or moments are not finite), so the last one kept is good.
 *
 * <p>Timing: each epoch's wall time is split into {@link PhaseTimes phases} (the model marks its
 * forward parts, the loop the backward pass and the optimiser) and reported with the epoch.
 * {@link #train} first warms the backend's kernels up ({@link Backend#warmUp()}) when the graph
 * is big enough for interpreted kernels to slow the first epochs noticeably.
 */
public final class Trainer {
    private Trainer() {}

    /** Receives a checkpoint of the run; may throw (an I/O failure ends training). */
    @FunctionalInterface
    public interface CheckpointSink {
        void save(TrainState state) throws Exception;
    }

    /**
     * How a run checkpoints and where it starts.
     *
     * @param every      checkpoint after every {@code every}-th epoch (and when training ends); 0 = never
     * @param sink       where checkpoints go (ignored when {@code every} is 0)
     * @param resumeFrom a state to continue from, or null to start afresh
     */
    public record Checkpointing(int every, CheckpointSink sink, TrainState resumeFrom) {
        public static final Checkpointing NONE = new Checkpointing(0, s -> {}, null);

        public Checkpointing {
            if (every < 0) {
                throw new IllegalArgumentException("--checkpoint-every must be >= 0, got " + every);
            }
            if (every > 0 && sink == null) {
                throw new IllegalArgumentException("checkpointing every " + every + " epochs needs a sink");
            }
        }
    }

    /** Builds the model the config names for this graph and fits it. */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener) {
        return train(graph, config, listener, Checkpointing.NONE);
    }

    /** Builds the model the config names for this graph and fits it, checkpointing and resuming as asked. */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener, Checkpointing checkpoints) {
        return train(graph, config, listener, checkpoints, CpuBackend.INSTANCE);
    }

    /**
     * As {@link #train(Graph, TrainConfig, TrainingListener, Checkpointing)}, the epochs on {@code backend}
     * (the CPU kernels are warmed up only when the epochs run on the CPU).
     */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener, Checkpointing checkpoints,
                                    Backend backend) {
        config.validate();
        if (config.batchSize > 0) {
            if (!backend.isCpu()) {
                throw new IllegalArgumentException("minibatch training (--batch-size) runs on the CPU");
            }
            if (worthWarmingUp(graph, config)) {
                backend.warmUp();
            }
            return MinibatchTrainer.train(graph, config, listener, checkpoints);
        }
        SelfSupervisedModel model = createModel(graph, config);
        if (worthWarmingUp(graph, config)) {
            backend.warmUp();
        }
        return fit(model, config, listener, checkpoints, backend);
    }

    /**
     * N x hidden entries from which the kernel warm-up pays: below it an epoch is a few milliseconds
     * even in the interpreter, above it (Cora at 512: 1.4 M) the first epochs run many times slower
     * than compiled ones.
     */
    static final long WARM_UP_MIN_ENTRIES = 1L << 18;

    /** Whether {@link #train} warms the kernels up before training this graph. */
    public static boolean worthWarmingUp(Graph graph, TrainConfig config) {
        return (long) graph.numNodes() * config.hidden >= WARM_UP_MIN_ENTRIES;
    }

    public static SelfSupervisedModel createModel(Graph graph, TrainConfig config) {
        return createModel(GraphOperators.of(graph), config, config.layersFor(graph.name()));
    }

    /** The model the config names, on the operators of a graph, with an encoder of {@code layers} layers. */
    public static SelfSupervisedModel createModel(GraphOperators ops, TrainConfig config, int layers) {
        return switch (config.method) {
            case GMI -> new GmiModel(ops, config, layers);
            case DGI -> new DgiModel(ops, config, layers);
        };
    }

    public static TrainResult fit(SelfSupervisedModel model, TrainConfig config, TrainingListener listener) {
        return fit(model, config, listener, Checkpointing.NONE);
    }

    public static TrainResult fit(SelfSupervisedModel model, TrainConfig config, TrainingListener listener,
                                  Checkpointing checkpoints) {
        return fit(model, config, listener, checkpoints, CpuBackend.INSTANCE);
    }

    /**
     * Fits on {@code backend}. On a device backend the parameters, their gradients, Adam's moments and
     * the best epoch's parameters stay on the device for the whole run; each epoch brings back only
     * its loss terms (checkpoints read the state on purpose). The embedding of the best epoch is then
     * computed on the host from the parameters brought back.
     */
    public static TrainResult fit(SelfSupervisedModel model, TrainConfig config, TrainingListener listener,
                                  Checkpointing checkpoints, Backend backend) {
        return fit(model, config, listener, checkpoints, backend, null);
    }

    /** As above, timing every op of the tape into {@code profile} when it is not null (gmi bench --profile-ops). */
    public static TrainResult fit(SelfSupervisedModel model, TrainConfig config, TrainingListener listener,
                                  Checkpointing checkpoints, Backend backend, OpProfile profile) {
        List<Parameter> params = model.parameters();
        Adam adam = new Adam(params, config.lr, 0.9, 0.999, 1e-8, 0.0, backend);
        Tape tape = new Tape(backend);
        if (profile != null) {
            tape.setProfile(profile);
        }
        try {
            return fit(model, config, listener, checkpoints, backend, params, adam, tape);
        } finally {
            tape.release();
            for (Parameter p : params) {
                p.toHost();
            }
            adam.release();
        }
    }

    private static TrainResult fit(SelfSupervisedModel model, TrainConfig config, TrainingListener listener,
                                   Checkpointing checkpoints, Backend backend, List<Parameter> params, Adam adam, Tape tape) {
        float[][] best = new float[params.size()][];
        for (int k = 0; k < params.size(); k++) {
            best[k] = params.get(k).value().data.clone();
        }
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
            restore(resume, params, adam, best, config, 0);
            bestLoss = resume.bestLoss();
            bestEpoch = resume.bestEpoch();
            sinceBest = resume.sinceBest();
            epoch = resume.epochsDone();
            finished = resume.finished();
            restoreHistory(resume, losses, seconds, terms);
        }
        // the parameters move to the backend (nothing moves on the CPU) and the best epoch's copy is kept there too
        DeviceMatrix[] bestKept = new DeviceMatrix[params.size()];
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            p.toBackend(backend);
            bestKept[k] = backend.upload(new Matrix(p.rows(), p.cols(), best[k]));
        }
        PhaseTimes phases = new PhaseTimes();
        model.setPhaseTimes(phases);
        while (!finished && epoch < config.epochs) {
            long t0 = System.nanoTime();
            phases.reset();
            phases.start(Phase.OPTIMISER);
            adam.zeroGrad();
            tape.clear();
            phases.stop();
            model.startEpoch(epoch + 1);
            SelfSupervisedModel.Loss loss = model.forward(tape);
            phases.start(Phase.OPTIMISER);
            double value = loss.total().scalar();
            epoch++;
            checkFinite(epoch, value, loss.terms());
            losses[epoch - 1] = value;
            loss.terms().forEach((name, v) -> terms.computeIfAbsent(name, x -> new ArrayList<>()).add(v));
            boolean stop = false;
            if (value < bestLoss) {
                bestLoss = value;
                bestEpoch = epoch;
                sinceBest = 0;
                for (int k = 0; k < params.size(); k++) {
                    backend.copy(params.get(k).buffer(), bestKept[k]);
                }
            } else {
                sinceBest++;
                stop = sinceBest >= config.patience;
            }
            if (!stop) {
                phases.start(Phase.BACKWARD);
                tape.backward(loss.total());
                phases.start(Phase.OPTIMISER);
                adam.step();
            }
            tape.clear();
            phases.stop();
            seconds[epoch - 1] = (System.nanoTime() - t0) / 1e9;
            finished = stop || epoch == config.epochs;
            listener.onEpoch(new EpochReport(epoch, config.epochs, value, loss.terms(), seconds[epoch - 1],
                    bestEpoch, sinceBest, config.patience, phases.secondsByPhase()));
            if (checkpoints.every() > 0 && (finished || epoch % checkpoints.every() == 0)) {
                readBest(backend, bestKept, best);
                TrainState state = snapshot(epoch, finished, params, adam, best, bestLoss, bestEpoch, sinceBest,
                        losses, terms, seconds);
                if (state.isFinite()) {
                    save(checkpoints.sink(), state);
                }
            }
        }
        readBest(backend, bestKept, best);
        for (int k = 0; k < params.size(); k++) {
            params.get(k).toHost();
            backend.release(bestKept[k]);
        }
        for (int k = 0; k < params.size(); k++) {
            params.get(k).setValue(new Matrix(params.get(k).rows(), params.get(k).cols(), best[k]));
        }
        // The embedding is computed on the host. On the CPU the training tape's buffers take that forward
        // (a fresh tape would add the encoder's N x d buffers on top of everything training holds: the
        // run's peak memory); after a device run, a host tape.
        tape.setProfile(null);
        Matrix embeddings = model.embed(tape.onHost());
        return new TrainResult(embeddings, epoch, bestEpoch, Arrays.copyOf(losses, epoch), termArrays(terms),
                Arrays.copyOf(seconds, epoch), SavedEncoder.of(config.method, model.encoder(), Map.of()));
    }

    /** The per-epoch records of the epochs {@code s} has done, into the run's arrays and term lists. */
    static void restoreHistory(TrainState s, double[] losses, double[] seconds, Map<String, List<Double>> terms) {
        System.arraycopy(s.loss(), 0, losses, 0, s.epochsDone());
        System.arraycopy(s.epochSeconds(), 0, seconds, 0, s.epochsDone());
        for (Map.Entry<String, double[]> t : s.terms().entrySet()) {
            List<Double> list = new ArrayList<>();
            for (double v : t.getValue()) {
                list.add(v);
            }
            terms.put(t.getKey(), list);
        }
    }

    /** best[k] = the backend's copy of the best epoch's parameter k. */
    private static void readBest(Backend backend, DeviceMatrix[] bestKept, float[][] best) {
        for (int k = 0; k < best.length; k++) {
            backend.read(bestKept[k], new Matrix(bestKept[k].rows(), bestKept[k].cols(), best[k]));
        }
    }

    /** The state after {@code epoch} epochs, copied (training goes on changing the live arrays). */
    static TrainState snapshot(int epoch, boolean finished, List<Parameter> params, Adam adam, float[][] best,
                                       double bestLoss, int bestEpoch, int sinceBest, double[] losses,
                                       Map<String, List<Double>> terms, double[] seconds) {
        int p = params.size();
        String[] names = new String[p];
        int[][] shapes = new int[p][];
        float[][] values = new float[p][];
        float[][] m = new float[p][];
        float[][] v = new float[p][];
        float[][] b = new float[p][];
        for (int k = 0; k < p; k++) {
            Parameter par = params.get(k);
            names[k] = par.name();
            shapes[k] = new int[] {par.rows(), par.cols()};
            values[k] = par.copyValues();
            m[k] = adam.firstMoments()[k].clone();
            v[k] = adam.secondMoments()[k].clone();
            b[k] = best[k].clone();
        }
        return new TrainState(epoch, finished, names, shapes, values, m, v, adam.stepCount(), b, bestLoss, bestEpoch,
                sinceBest, Arrays.copyOf(losses, epoch), termArrays(terms), Arrays.copyOf(seconds, epoch));
    }

    /**
     * Loads a state into the parameters, Adam and the best snapshot, after checking that it fits the
     * model and a run of {@code stepsPerEpoch} Adam steps an epoch (0: full batch).
     */
    static void restore(TrainState s, List<Parameter> params, Adam adam, float[][] best, TrainConfig config,
                        int stepsPerEpoch) {
        if (s.names().length != params.size()) {
            throw new CheckpointFormatException("the checkpoint holds " + s.names().length + " parameters, the model has "
                    + params.size() + " (another method or layer count?)");
        }
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            if (!p.name().equals(s.names()[k]) || p.rows() != s.shapes()[k][0] || p.cols() != s.shapes()[k][1]) {
                throw new CheckpointFormatException("the checkpoint's parameter " + (k + 1) + " is " + s.names()[k] + " ("
                        + s.shapes()[k][0] + "x" + s.shapes()[k][1] + "), the model's is " + p.name() + " (" + p.rows()
                        + "x" + p.cols() + ")");
            }
        }
        if (s.epochsDone() > config.epochs) {
            throw new CheckpointFormatException("the checkpoint is at epoch " + s.epochsDone() + ", beyond --epochs " + config.epochs);
        }
        String problem = s.inconsistency() != null ? s.inconsistency() : s.inconsistencyWith(config.epochs, config.patience);
        if (problem == null) {
            problem = s.stepsInconsistency(stepsPerEpoch);
        }
        if (problem != null) {
            throw new CheckpointFormatException("the checkpoint is inconsistent: " + problem);
        }
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            p.setValue(new Matrix(p.rows(), p.cols(), s.values()[k].clone()));
            System.arraycopy(s.best()[k], 0, best[k], 0, best[k].length);
        }
        adam.restore(s.adamSteps(), s.firstMoments(), s.secondMoments());
    }

    static void save(CheckpointSink sink, TrainState state) {
        try {
            sink.save(state);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new java.io.UncheckedIOException(e instanceof java.io.IOException io ? io
                    : new java.io.IOException("writing a checkpoint: " + e.getMessage(), e));
        }
    }

    static Map<String, double[]> termArrays(Map<String, List<Double>> terms) {
        Map<String, double[]> out = new LinkedHashMap<>();
        terms.forEach((name, list) -> out.put(name, list.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    public static void checkFinite(int epoch, double loss, Map<String, Double> terms) {
        for (Map.Entry<String, Double> t : terms.entrySet()) {
            if (!Double.isFinite(t.getValue())) {
                throw new NumericalFailureException(epoch, t.getKey(), t.getValue());
            }
        }
        if (!Double.isFinite(loss)) {
            throw new NumericalFailureException(epoch, "loss", loss);
        }
    }
}
