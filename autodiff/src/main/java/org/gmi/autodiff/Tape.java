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
    /**
     * Buffers handed out by {@link #allocate}, kept across {@link #clear()}: an epoch allocates the
     * same shapes in the same order as the one before, so after the first epoch every request is
     * served from here and training makes no garbage.
     */
    private final List<Matrix> slots = new ArrayList<>();
    private int nextSlot;

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

    /**
     * A rows x cols buffer for an op's output or a gradient, valid until the next {@link #clear()};
     * zeroed when {@code zero}, otherwise holding stale values the caller must overwrite.
     */
    public Matrix allocate(int rows, int cols, boolean zero) {
        Matrix m;
        if (nextSlot < slots.size()) {
            m = slots.get(nextSlot);
            if (m.rows != rows || m.cols != cols) {
                m = new Matrix(rows, cols);
                slots.set(nextSlot, m);
            } else if (zero) {
                m.fill(0f);
            }
        } else {
            m = new Matrix(rows, cols);
            slots.add(m);
        }
        nextSlot++;
        return m;
    }

    /** Forgets the recorded ops; the buffers they used are handed out again, in the same order. */
    public void clear() {
        ops.clear();
        nextSlot = 0;
    }

    /** Floats held in reusable buffers (for memory reports). */
    public long bufferedFloats() {
        long n = 0;
        for (Matrix m : slots) {
            n += m.size();
        }
        return n;
    }
}
