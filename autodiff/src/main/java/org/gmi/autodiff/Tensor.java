package org.gmi.autodiff;

import org.gmi.engine.Matrix;

/**
 * A value on the tape: a dense matrix and, when it needs one, its gradient.
 *
 * <p>Gradients always accumulate ({@code +=}): a tensor that feeds two ops receives both
 * contributions. The gradient buffer is allocated on first use and zeroed by {@link #zeroGrad()}.
 */
public class Tensor {
    private final String name;
    private Matrix value;
    private final boolean requiresGrad;
    private Matrix grad;
    /** Where the gradient buffer comes from; null for leaves, which own theirs. */
    private final Tape tape;

    public Tensor(String name, Matrix value, boolean requiresGrad) {
        this(name, value, requiresGrad, null);
    }

    /** An op's output: its gradient buffer, when needed, is taken from the tape's reusable buffers. */
    public Tensor(String name, Matrix value, boolean requiresGrad, Tape tape) {
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

    public Matrix value() {
        return value;
    }

    /** Replaces the value in place of the same shape (restoring a snapshot, loading a checkpoint). */
    public void setValue(Matrix v) {
        Matrix.requireSameShape("setValue(" + name + ")", value, v);
        value.copyFrom(v);
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The gradient buffer, allocated (zero) on first call. */
    public Matrix grad() {
        if (!requiresGrad) {
            throw new IllegalStateException("tensor " + name + " does not take a gradient");
        }
        if (grad == null) {
            grad = tape == null ? Matrix.sameShape(value) : tape.allocate(value.rows, value.cols, true);
        }
        return grad;
    }

    public boolean hasGrad() {
        return grad != null;
    }

    public void zeroGrad() {
        if (grad != null) {
            grad.fill(0f);
        }
    }

    public int rows() {
        return value.rows;
    }

    public int cols() {
        return value.cols;
    }

    /** The single entry of a 1 x 1 tensor (a loss). */
    public float scalar() {
        if (value.rows != 1 || value.cols != 1) {
            throw new IllegalStateException(name + " is " + value.shape() + ", not a scalar");
        }
        return value.data[0];
    }

    @Override
    public String toString() {
        return name + "(" + value.shape() + (requiresGrad ? ", grad" : "") + ")";
    }
}
