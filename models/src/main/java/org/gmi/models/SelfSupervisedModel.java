package org.gmi.models;

import java.util.List;
import java.util.Map;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/** A model the {@link Trainer} can fit: parameters, a training loss, and embeddings. */
public interface SelfSupervisedModel {
    /** The loss of one training step, and its unweighted terms by name for logging. */
    record Loss(Tensor total, Map<String, Double> terms) {}

    List<Parameter> parameters();

    /** Draws fresh negatives and records the loss on the tape. */
    Loss forward(Tape tape);

    /** The node embeddings for the current parameters (N x d), without recording anything. */
    Matrix embed();
}
