package org.gmi.autodiff;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Compares the tape's gradients with central finite differences.
 *
 * <p>Two sources of the numeric gradient: the tape's own forward (float, differences taken in
 * double: {@link #check}), or a double-precision {@link Oracle} of the same function written
 * independently of the kernels ({@link #checkAgainstOracle}), whose differences are accurate to
 * about 1e-9 relative, so that the tolerance can be tight enough for a 1 % error in any entry to
 * fail. An entry passes when |analytic - numeric| <= rtol * max(|analytic|, |numeric|) + atol. NaN
 * or infinity anywhere fails. The failure message names the check, the tensor and the index.
 *
 * <p>A {@link Plant} multiplies one input's analytic gradient by a factor before the comparison: the
 * checker's own test, showing that an error of that size in an op's backward would fail.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /** Result of one check, for tests that want to show a check can fail. */
    public record Outcome(boolean ok, String message, int entriesChecked) {}

    /** The function whose gradient the tape computes, in double: the inputs' values in, the scalar loss out. */
    @FunctionalInterface
    public interface Oracle {
        double loss(double[][] inputs);
    }

    /** An error planted in the analytic gradient of input {@code input}: each entry times {@code factor}. */
    public record Plant(int input, double factor) {
        public static final Plant NONE = new Plant(-1, 1.0);
    }

    /**
     * @param label     names the op or model under test (and the seed) in messages
     * @param loss      builds a fresh tape, runs the forward and returns the scalar loss; called many times
     * @param tape      the tape that {@code loss} records on (cleared here before each call; the pass
     *                  whose gradients are checked gets the tape's reused buffers filled with NaN)
     * @param inputs    tensors whose gradients are checked
     * @param maxPerTensor entries checked per tensor (chosen at random when the tensor is larger)
     */
    public static Outcome check(String label, Tape tape, Supplier<Tensor> loss, Tensor[] inputs,
                                double step, double rtol, double atol, int maxPerTensor, long seed) {
        return check(label, tape, loss, inputs, null, step, rtol, atol, maxPerTensor, seed, Plant.NONE);
    }

    /**
     * As {@link #check}, the numeric gradient from {@code oracle} (central differences in double with
     * {@code step}), every entry of every input checked, and {@code plant} applied to the analytic one.
     */
    public static Outcome checkAgainstOracle(String label, Tape tape, Supplier<Tensor> loss, Tensor[] inputs, Oracle oracle,
                                             double step, double rtol, double atol, Plant plant) {
        return check(label, tape, loss, inputs, oracle, step, rtol, atol, Integer.MAX_VALUE, 0, plant);
    }

    private static Outcome check(String label, Tape tape, Supplier<Tensor> loss, Tensor[] inputs, Oracle oracle,
                                 double step, double rtol, double atol, int maxPerTensor, long seed, Plant plant) {
        // A first pass plans the tape's buffers; the second, the one checked, gets them back full of
        // NaN, so an op that reads an output or gradient buffer before writing all of it shows.
        for (int pass = 0; pass < 2; pass++) {
            for (Tensor t : inputs) {
                t.zeroGrad();
            }
            tape.clear();
            if (pass == 1) {
                tape.poisonBuffers();
            }
            tape.backward(loss.get());
        }
        float[][] analytic = new float[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            analytic[k] = inputs[k].hasGrad() ? inputs[k].grad().data.clone() : new float[inputs[k].value().size()];
            if (k == plant.input()) {
                for (int i = 0; i < analytic[k].length; i++) {
                    analytic[k][i] = (float) (analytic[k][i] * plant.factor());
                }
            }
        }
        tape.clear();
        double[][] point = null;
        if (oracle != null) {
            point = new double[inputs.length][];
            for (int k = 0; k < inputs.length; k++) {
                float[] v = inputs[k].value().data;
                point[k] = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    point[k][i] = v[i];
                }
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int checked = 0;
        for (int k = 0; k < inputs.length; k++) {
            float[] v = inputs[k].value().data;
            int n = v.length;
            int count = Math.min(n, maxPerTensor);
            for (int c = 0; c < count; c++) {
                int idx = count == n ? c : rng.nextInt(n);
                double numeric;
                if (oracle != null) {
                    double orig = point[k][idx];
                    point[k][idx] = orig + step;
                    double plus = oracle.loss(point);
                    point[k][idx] = orig - step;
                    double minus = oracle.loss(point);
                    point[k][idx] = orig;
                    numeric = (plus - minus) / (2 * step);
                } else {
                    float orig = v[idx];
                    v[idx] = (float) (orig + step);
                    double plus = evaluate(tape, loss);
                    v[idx] = (float) (orig - step);
                    double minus = evaluate(tape, loss);
                    v[idx] = orig;
                    double actualStep = ((double) (float) (orig + step) - (double) (float) (orig - step));
                    numeric = (plus - minus) / actualStep;
                }
                double a = analytic[k][idx];
                checked++;
                if (!Double.isFinite(numeric) || !Double.isFinite(a)) {
                    return new Outcome(false, label + ": non-finite gradient for " + inputs[k].name() + "[" + idx
                            + "]: analytic " + a + ", numeric " + numeric, checked);
                }
                double err = Math.abs(a - numeric);
                double tol = rtol * Math.max(Math.abs(a), Math.abs(numeric)) + atol;
                if (err > tol) {
                    return new Outcome(false, String.format(java.util.Locale.ROOT,
                            "%s: gradient of %s[%d] (of %s): analytic %.6g, numeric %.6g, |diff| %.3g > tol %.3g",
                            label, inputs[k].name(), idx, inputs[k].value().shape(), a, numeric, err, tol), checked);
                }
            }
        }
        return new Outcome(true, label + ": " + checked + " entries agree", checked);
    }

    private static double evaluate(Tape tape, Supplier<Tensor> loss) {
        tape.clear();
        double v = loss.get().scalar();
        tape.clear();
        return v;
    }
}
