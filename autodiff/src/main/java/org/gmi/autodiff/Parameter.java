package org.gmi.autodiff;

import org.gmi.engine.Matrix;

/** A trainable tensor: a leaf that always takes a gradient and that the optimiser updates. */
public final class Parameter extends Tensor {
    public Parameter(String name, Matrix value) {
        super(name, value, true);
    }

    public static Parameter zeros(String name, int rows, int cols) {
        return new Parameter(name, new Matrix(rows, cols));
    }

    public static Parameter filled(String name, int rows, int cols, float v) {
        Parameter p = zeros(name, rows, cols);
        p.value().fill(v);
        return p;
    }
}
