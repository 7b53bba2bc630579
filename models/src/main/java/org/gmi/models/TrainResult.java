package org.gmi.models;

import java.util.Map;
import org.gmi.engine.Matrix;

/**
 * The outcome of a training run.
 *
 * @param embeddings   N x hidden, from the parameters of the best epoch (restored, as the official code does)
 * @param epochsRun    epochs actually run (early stopping may end before the maximum)
 * @param bestEpoch    1-based epoch with the lowest loss
 * @param loss         the loss of every epoch run
 * @param terms        per term name, its value at every epoch run
 * @param epochSeconds wall time of every epoch
 * @param encoder      the encoder with the best epoch's parameters (what {@code embeddings} came from)
 */
public record TrainResult(Matrix embeddings, int epochsRun, int bestEpoch, double[] loss,
                          Map<String, double[]> terms, double[] epochSeconds, SavedEncoder encoder) {
    /** The same run with {@code embeddings} (computed elsewhere than in the trainer: gmi-spark's jobs). */
    public TrainResult withEmbeddings(Matrix embeddings) {
        return new TrainResult(embeddings, epochsRun, bestEpoch, loss, terms, epochSeconds, encoder);
    }
}
