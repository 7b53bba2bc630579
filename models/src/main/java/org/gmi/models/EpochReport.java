package org.gmi.models;

import java.util.Map;

/**
 * One epoch as the training loop saw it; handed to a {@link TrainingListener}.
 *
 * @param terms the weighted parts of the loss, e.g. {@code mi_feature}, {@code mi_neighbour},
 *              {@code reconstruction} for GMI; unweighted values, so loss = sum of weight * term
 * @param phases the epoch's seconds per {@link PhaseTimes.Phase}, indexed by its ordinal (they sum to a
 *               little less than {@code seconds}: the loop's own bookkeeping is in no phase)
 */
public record EpochReport(int epoch, int maxEpochs, double loss, Map<String, Double> terms,
                          double seconds, int bestEpoch, int epochsSinceBest, int patience, double[] phases) {
    /** A report without phase times (all zero). */
    public EpochReport(int epoch, int maxEpochs, double loss, Map<String, Double> terms, double seconds, int bestEpoch,
                       int epochsSinceBest, int patience) {
        this(epoch, maxEpochs, loss, terms, seconds, bestEpoch, epochsSinceBest, patience,
                new double[PhaseTimes.Phase.values().length]);
    }
}
