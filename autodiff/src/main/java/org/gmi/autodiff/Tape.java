package org.gmi.autodiff;

import java.util.ArrayList;
import java.util.List;
import org.gmi.engine.Matrix;

/**
 * Records ops in the order their forwards ran; {@link #backward(Tensor)} replays them in reverse,
 * which is a reverse topological order because an op can only consume values made before it.
 */
public final class Tape {
    private final List<Op> ops = new ArrayList<>();

    /** Ops call this from their {@code apply}; returns the op for chaining. */
    public <T extends Op> T record(T op) {
        ops.add(op);
        return op;
    }

    public int size() {
        return ops.size();
    }

    /** Seeds d loss / d loss = 1 and runs every recorded backward in reverse order. */
    public void backward(Tensor loss) {
        Matrix v = loss.value();
        if (v.rows != 1 || v.cols != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got " + loss);
        }
        if (!loss.requiresGrad()) {
            throw new IllegalArgumentException("loss " + loss.name() + " does not depend on any parameter");
        }
        loss.grad().data[0] += 1f;
        for (int k = ops.size() - 1; k >= 0; k--) {
            Op op = ops.get(k);
            try {
                op.backward();
            } catch (RuntimeException e) {
                throw new IllegalStateException("backward of " + op.name() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Forgets the recorded ops (their saved values can then be collected). */
    public void clear() {
        ops.clear();
    }
}
