package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;

/** L = sum_k w_k t_k over scalar tensors. Backward: dt_k += w_k dL. */
public final class WeightedSum implements Op {
    private final Tensor[] terms;
    private final double[] weights;
    private final Tensor y;

    private WeightedSum(Tensor[] terms, double[] weights, Tensor y) {
        this.terms = terms;
        this.weights = weights;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor[] terms, double[] weights) {
        if (terms.length != weights.length) {
            throw new IllegalArgumentException("WeightedSum: " + terms.length + " terms, " + weights.length + " weights");
        }
        double s = 0;
        boolean grad = false;
        for (int k = 0; k < terms.length; k++) {
            s += weights[k] * terms[k].scalar();
            grad |= terms[k].requiresGrad();
        }
        Matrix out = tape.allocate(1, 1, false);
        out.data[0] = (float) s;
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new WeightedSum(terms.clone(), weights.clone(), y));
        }
        return y;
    }

    @Override
    public String name() {
        return "WeightedSum(" + terms.length + " terms)";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        float up = y.grad().data[0];
        for (int k = 0; k < terms.length; k++) {
            if (terms[k].requiresGrad()) {
                terms[k].grad().data[0] += (float) (weights[k] * up);
            }
        }
    }
}
