package org.gmi.models;

import java.util.List;
import java.util.Map;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/** A model the {@link Trainer} can fit: parameters, a training loss, and embeddings. */
public interface SelfSupervisedModel {
    /**
     * The unweighted terms of a loss, as a model's own record ({@link GmiModel.Terms},
     * {@link DgiModel.Terms}); {@link #byName} is what logs, metrics.json and checkpoints record.
     */
    interface Terms {
        /** The terms computed this step by their names in logs and metrics.json, in the order of the loss. */
        Map<String, Double> byName();
    }

    /** The loss of one training step and its unweighted terms. */
    record Loss(Tensor total, Terms parts) {
        /** {@link Terms#byName} of the parts. */
        public Map<String, Double> terms() {
            return parts.byName();
        }
    }

    List<Parameter> parameters();

    /** The GCN encoder whose output is the embedding (its parameters are among {@link #parameters()}). */
    GcnEncoder encoder();

    /**
     * Re-seeds every random draw of the forwards that follow from the run's seed and {@code epoch}
     * (1-based) through {@link EpochSeeds}; the {@link Trainer} calls it before each epoch, so the
     * negatives of an epoch do not depend on the epochs before it and a resumed run draws what an
     * uninterrupted one would.
     */
    void startEpoch(int epoch);

    /**
     * Where the model marks the phases of its forward ({@link PhaseTimes.Phase#ENCODER},
     * {@link PhaseTimes.Phase#DISCRIMINATORS}, {@link PhaseTimes.Phase#RECONSTRUCTION}); the
     * {@link Trainer} installs its own before training. A model without phases ignores it.
     */
    default void setPhaseTimes(PhaseTimes times) {}

    /** Draws fresh negatives and records the loss on the tape (the last phase it started is left running). */
    Loss forward(Tape tape);

    /**
     * The loss of one minibatch step on the seeds of {@code batch} ({@link MinibatchTrainer}), its
     * random draws (negatives, corruption) from {@code seed} alone.
     */
    Loss forward(Tape tape, BatchOperators batch, long seed);

    /** The node embeddings for the current parameters (N x d), on fresh buffers. */
    default Matrix embed() {
        return embed(new Tape());
    }

    /**
     * The same on {@code tape}, a CPU tape, cleared first: its buffers are reused (after training,
     * the encoder's first allocations have the shapes of the training forward's, so nothing new is
     * allocated). The result is one of the tape's buffers: valid until the tape is used again.
     */
    Matrix embed(Tape tape);
}
