package org.gmi.models;

import java.util.Map;

/**
 * One epoch as the training loop saw it; handed to a {@link TrainingListener}.
 *
 * @param terms the weighted parts of the loss, e.g. {@code mi_feature}, {@code mi_neighbour},
 *              {@code reconstruction} for GMI; unweighted values, so loss = sum of weight * term
 */
public record EpochReport(int epoch, int maxEpochs, double loss, Map<String, Double> terms,
                          double seconds, int bestEpoch, int epochsSinceBest, int patience) {}
