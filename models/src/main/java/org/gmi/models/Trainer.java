package org.gmi.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.autodiff.Adam;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;

/**
 * Full-batch training with Adam and early stopping on the training loss, as the official code:
 * the loss of each epoch is compared with the best so far before the step; after {@code patience}
 * epochs without improvement training stops and the parameters of the best epoch are restored.
 */
public final class Trainer {
    private Trainer() {}

    /** Builds the model the config names for this graph and fits it. */
    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener) {
        config.validate();
        return fit(createModel(graph, config), config, listener);
    }

    public static SelfSupervisedModel createModel(Graph graph, TrainConfig config) {
        GraphOperators ops = GraphOperators.of(graph);
        return switch (config.method) {
            case GMI -> new GmiModel(ops, config, config.layersFor(graph.name()), JsdMi.Mode.PROBABILITIES);
            case DGI -> new DgiModel(ops, config);
        };
    }

    public static TrainResult fit(SelfSupervisedModel model, TrainConfig config, TrainingListener listener) {
        List<Parameter> params = model.parameters();
        Adam adam = new Adam(params, config.lr);
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
        Tape tape = new Tape();
        int epoch = 0;
        while (epoch < config.epochs) {
            long t0 = System.nanoTime();
            adam.zeroGrad();
            tape.clear();
            SelfSupervisedModel.Loss loss = model.forward(tape);
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
                    System.arraycopy(params.get(k).value().data, 0, best[k], 0, best[k].length);
                }
            } else {
                sinceBest++;
                stop = sinceBest >= config.patience;
            }
            if (!stop) {
                tape.backward(loss.total());
                adam.step();
            }
            tape.clear();
            seconds[epoch - 1] = (System.nanoTime() - t0) / 1e9;
            listener.onEpoch(new EpochReport(epoch, config.epochs, value, loss.terms(), seconds[epoch - 1],
                    bestEpoch, sinceBest, config.patience));
            if (stop) {
                break;
            }
        }
        for (int k = 0; k < params.size(); k++) {
            params.get(k).setValue(new Matrix(params.get(k).rows(), params.get(k).cols(), best[k]));
        }
        Matrix embeddings = model.embed();
        Map<String, double[]> termArrays = new LinkedHashMap<>();
        terms.forEach((name, list) -> termArrays.put(name, list.stream().mapToDouble(Double::doubleValue).toArray()));
        return new TrainResult(embeddings, epoch, bestEpoch, Arrays.copyOf(losses, epoch), termArrays,
                Arrays.copyOf(seconds, epoch));
    }

    private static void checkFinite(int epoch, double loss, Map<String, Double> terms) {
        for (Map.Entry<String, Double> t : terms.entrySet()) {
            if (!Double.isFinite(t.getValue())) {
                throw new NumericalFailureException("epoch " + epoch + ": loss term " + t.getKey() + " is " + t.getValue()
                        + "; try a smaller --lr");
            }
        }
        if (!Double.isFinite(loss)) {
            throw new NumericalFailureException("epoch " + epoch + ": loss is " + loss + "; try a smaller --lr");
        }
    }
}
