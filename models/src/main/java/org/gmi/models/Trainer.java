package org.gmi.models;

import org.gmi.graph.Graph;

/** Full-batch training with Adam and early stopping on the loss (DESIGN section 2). */
public final class Trainer {
    private Trainer() {}

    public static TrainResult train(Graph graph, TrainConfig config, TrainingListener listener) {
        throw new UnsupportedOperationException("Trainer.train: being written");
    }
}
