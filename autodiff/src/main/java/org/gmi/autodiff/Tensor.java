package org.gmi.autodiff;

import org.gmi.engine.Matrix;
import org.gmi.engine.DeviceMatrix;

/**
 * A value on the tape: a dense matrix of some {@link org.gmi.engine.Backend} and, when it
 * needs one, its gradient (of the same backend).
 *
 * <p>Gradients accumulate ({@code +=}): a tensor that feeds two ops receives both contributions.
 * The gradient buffer is allocated on first use and zeroed by {@link #zeroGrad()}. An op's output
 * takes a reused buffer of its tape, which still holds the previous pass's values: the first op to
 * write into it through {@link #gradTarget()} overwrites it, which spares a pass of zeros over an
 * N x d buffer; {@link #gradBuffer()} zeroes it first for ops that can only add.
 *
 * <p>{@link #buffer()} and {@link #gradBuffer()} are the backend handles the ops compute on;
 * {@link #value()} and {@link #grad()} are host views, available when the tensor lives on the CPU
 * backend (always, unless training runs on a device) and refused, naming the tensor, otherwise.
 * Loss scalars (1 x 1 outputs of the loss ops) always live on the host.
 */
public class Tensor {
    private final String name;
    private DeviceMatrix value;
    private final boolean requiresGrad;
    private DeviceMatrix grad;
    /** Whether the gradient buffer holds this pass's contributions (false: stale values of a reused buffer). */
    private boolean gradWritten;
    /** Where the gradient buffer comes from; null for leaves, which own theirs. */
    private final Tape tape;

    public Tensor(String name, DeviceMatrix value, boolean requiresGrad) {
        this(name, value, requiresGrad, null);
    }

    /** An op's output: its gradient buffer, when needed, is taken from the tape's reusable buffers. */
    public Tensor(String name, DeviceMatrix value, boolean requiresGrad, Tape tape) {
        this.name = name;
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.tape = tape;
    }

    /** A value that no gradient flows into (data, sampled indices, constants). */
    public static Tensor constant(String name, Matrix value) {
        return new Tensor(name, value, false);
    }

    public String name() {
        return name;
    }

    /** The value as a host matrix; throws when it lives on a device backend. */
    public Matrix value() {
        return host(value, "value");
    }

    /** The value's handle on its backend. */
    public DeviceMatrix buffer() {
        return value;
    }

    /** Replaces the value in place of the same shape (restoring a snapshot, loading a checkpoint). */
    public void setValue(Matrix v) {
        if (v.rows != value.rows() || v.cols != value.cols()) {
            throw new IllegalArgumentException("setValue(" + name + "): shapes differ (" + value.shape() + ") vs (" + v.shape() + ")");
        }
        value.backend().write(v, value);
    }

    /** Moves the value to another handle (a parameter going to or coming from a device); drops the gradient. */
    protected void rebind(DeviceMatrix newValue) {
        this.value = newValue;
        this.grad = null;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The gradient as a host matrix, allocated (zero) on first call; throws when it lives on a device. */
    public Matrix grad() {
        return host(gradBuffer(), "gradient");
    }

    /** The gradient's handle on the value's backend, allocated (zero) on first call. */
    public DeviceMatrix gradBuffer() {
        GradTarget target = gradTarget();
        if (!target.accumulate()) {
            grad.backend().fill(grad, 0f);
        }
        return grad;
    }

    /**
     * Where an op writes its contribution to this tensor's gradient: the buffer, and whether to add
     * to it ({@code accumulate}) or to overwrite every element (the first contribution of this pass
     * into a reused buffer). Either way the caller must write its whole contribution: afterwards the
     * buffer counts as holding it.
     */
    public GradTarget gradTarget() {
        if (!requiresGrad) {
            throw new IllegalStateException("tensor " + name + " does not take a gradient");
        }
        if (grad == null) {
            if (tape == null) {
                grad = value.backend().allocate(value.rows(), value.cols()); // zeros
                gradWritten = true;
            } else {
                grad = tape.allocateLike(value, false);
                gradWritten = false;
            }
        }
        boolean accumulate = gradWritten;
        gradWritten = true;
        return new GradTarget(grad, accumulate);
    }

    /** A gradient buffer and whether a contribution adds to it; see {@link #gradTarget()}. */
    public record GradTarget(DeviceMatrix buffer, boolean accumulate) {}

    public boolean hasGrad() {
        return grad != null;
    }

    public void zeroGrad() {
        if (grad != null) {
            grad.backend().fill(grad, 0f);
            gradWritten = true;
        }
    }

    public int rows() {
        return value.rows();
    }

    public int cols() {
        return value.cols();
    }

    /** The single entry of a 1 x 1 host tensor (a loss). */
    public float scalar() {
        if (value.rows() != 1 || value.cols() != 1) {
            throw new IllegalStateException(name + " is " + value.shape() + ", not a scalar");
        }
        return value().data[0];
    }

    private Matrix host(DeviceMatrix m, String what) {
        if (m instanceof Matrix h) {
            return h;
        }
        throw new IllegalStateException("the " + what + " of tensor " + name + " lives on backend " + m.backend().name()
                + ", not on the host (read it through the backend)");
    }

    @Override
    public String toString() {
        return name + "(" + value.shape() + (requiresGrad ? ", grad" : "") + ")";
    }
}
