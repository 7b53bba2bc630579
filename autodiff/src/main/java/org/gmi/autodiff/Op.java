package org.gmi.autodiff;

/**
 * One differentiable operation recorded on a {@link Tape}: its forward ran when it was applied;
 * {@link #backward()} adds its output's gradient, pushed through, to its inputs' gradients.
 */
public interface Op {
    /** The op's name for error messages, e.g. {@code "SparseMatMul(2708x2708 x 2708x512)"}. */
    String name();

    /** Adds the contribution of this op to the gradients of its inputs that take one. */
    void backward();
}
