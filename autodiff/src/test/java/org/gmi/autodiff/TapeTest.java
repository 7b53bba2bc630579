package org.gmi.autodiff;

import static org.gmi.autodiff.GradientFixtures.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.gmi.autodiff.ops.BilinearScores;
import org.gmi.autodiff.ops.MatMul;
import org.gmi.autodiff.ops.Sigmoid;
import org.gmi.autodiff.ops.WeightedSum;
import org.gmi.engine.Fixtures;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The tape: gradients accumulate (fan-out), backward needs a scalar, failures name the op. */
class TapeTest {
    /**
     * x feeds Sigmoid and MatMul; L = 0.7 probe(sigmoid(x)) - 1.3 probe(x W). The gradient of x from
     * the joint backward equals the sum of the gradients of the two branches run alone (within
     * 1e-6 relative: the float sums may round differently), and agrees with central differences.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void tensorFeedingTwoOpsReceivesBothGradients(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = 1 + rng.nextInt(10);
        int k = 1 + rng.nextInt(10);
        int n = 1 + rng.nextInt(10);
        Parameter x = param(rng, "x", m, k, -2, 2);
        Parameter w = param(rng, "W", k, n, -1, 1);
        Matrix p1 = GradientFixtures.uniform(rng, m, k, -1, 1);
        Matrix p2 = GradientFixtures.uniform(rng, m, n, -1, 1);
        Tape tape = new Tape();
        java.util.function.Supplier<Tensor> branch1 = () -> GradientFixtures.Probe.apply(tape, Sigmoid.apply(tape, "s", x), p1);
        java.util.function.Supplier<Tensor> branch2 = () -> GradientFixtures.Probe.apply(tape, MatMul.apply(tape, "xw", x, w), p2);
        java.util.function.Supplier<Tensor> both = () -> WeightedSum.apply(tape, "L",
                new Tensor[] {branch1.get(), branch2.get()}, new double[] {0.7, -1.3});
        java.util.function.Supplier<Tensor> only1 = () -> WeightedSum.apply(tape, "L1", new Tensor[] {branch1.get()}, new double[] {0.7});
        java.util.function.Supplier<Tensor> only2 = () -> WeightedSum.apply(tape, "L2", new Tensor[] {branch2.get()}, new double[] {-1.3});

        float[] g1 = gradient(tape, only1, x);
        float[] g2 = gradient(tape, only2, x);
        float[] g = gradient(tape, both, x);
        for (int i = 0; i < g.length; i++) {
            double want = (double) g1[i] + g2[i];
            assertEquals(want, g[i], 1e-6 * (Math.abs(g1[i]) + Math.abs(g2[i])) + 1e-9,
                    "fan-out gradient x[" + i + "] seed=" + seed + ": branches " + g1[i] + " + " + g2[i]);
        }
        GradientFixtures.assertGradientsAgree("fan-out seed=" + seed, tape, both, new Tensor[] {x, w}, GradientFixtures.SMOOTH, seed);
    }

    /** One tensor on both sides of one op: BilinearScores(x, x) gets dleft and dright into x. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void tensorUsedTwiceByOneOp(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(12);
        Parameter x = param(rng, "x", n, 1 + rng.nextInt(8), -1, 1);
        Parameter c = param(rng, "c", 1, 1, -1, 1);
        int[][] idx = {null, Fixtures.randomIndices(rng, n, n)};
        Tape tape = new Tape();
        GradientFixtures.assertOpGradients("BilinearScores(x, x) seed=" + seed, tape, () -> BilinearScores.apply(tape, "y", x, x, idx, c),
                new Tensor[] {x, c}, GradientFixtures.LINEAR, seed);
    }

    /** Two forward-backward passes without zeroGrad leave twice the gradient on a parameter. */
    @Test
    void parameterGradientsAccumulateUntilZeroed() {
        SplittableRandom rng = new SplittableRandom(5);
        Parameter a = param(rng, "a", 3, 4, -1, 1);
        Parameter b = param(rng, "b", 4, 2, -1, 1);
        Matrix p = GradientFixtures.uniform(rng, 3, 2, -1, 1);
        Tape tape = new Tape();
        tape.backward(GradientFixtures.Probe.apply(tape, MatMul.apply(tape, "y", a, b), p));
        float[] once = a.grad().data.clone();
        tape.clear();
        tape.backward(GradientFixtures.Probe.apply(tape, MatMul.apply(tape, "y", a, b), p));
        for (int i = 0; i < once.length; i++) {
            // the blocked GEMM folds the existing gradient into its FMA chain, so rounding may differ by an ulp
            assertEquals(2 * once[i], a.grad().data[i], 1e-6f * Math.abs(2 * once[i]) + 1e-7f, "a.grad[" + i + "] after two passes");
        }
        a.zeroGrad();
        for (float v : a.grad().data) {
            assertEquals(0f, v, 0f);
        }
    }

    @Test
    void backwardOnNonScalarThrows() {
        Parameter x = Parameter.filled("x", 2, 3, 0.5f);
        Tape tape = new Tape();
        Tensor y = Sigmoid.apply(tape, "y", x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.backward(y));
        assertTrue(e.getMessage().contains("scalar") && e.getMessage().contains("2x3"), e.getMessage());
        Tensor constant = Tensor.constant("k", new Matrix(1, 1));
        assertThrows(IllegalArgumentException.class, () -> tape.backward(constant));
    }

    @Test
    void failingBackwardNamesTheOp() {
        Parameter x = Parameter.filled("x", 1, 1, 1f);
        Tape tape = new Tape();
        Matrix v = new Matrix(1, 1);
        Tensor y = new Tensor("y", v, true);
        tape.record(new Op() {
            @Override
            public String name() {
                return "Broken(1x1)";
            }

            @Override
            public void backward() {
                throw new IllegalStateException("no backward");
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.backward(y));
        assertTrue(e.getMessage().contains("Broken(1x1)") && e.getMessage().contains("no backward"), e.getMessage());
        assertFalse(x.hasGrad());
    }

    @Test
    void opsOnConstantsRecordNothing() {
        Tape tape = new Tape();
        Tensor k = Tensor.constant("k", Matrix.zeros(2, 2));
        Tensor y = MatMul.apply(tape, "y", k, k);
        assertEquals(0, tape.size());
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, y::grad);
    }

    private static float[] gradient(Tape tape, java.util.function.Supplier<Tensor> loss, Parameter x) {
        x.zeroGrad();
        tape.clear();
        tape.backward(loss.get());
        tape.clear();
        return x.grad().data.clone();
    }

    /** An op whose forward and backward take at least the given times. */
    private record Slow(String name, long forwardMillis, long backwardMillis, Tensor out) implements Op {
        static Tensor apply(Tape tape, String name, Tensor x, long forwardMillis, long backwardMillis) {
            sleep(forwardMillis);
            Tensor out = new Tensor(name, x.value().copy(), true);
            tape.record(new Slow(name, forwardMillis, backwardMillis, out));
            return out;
        }

        @Override
        public void backward() {
            sleep(backwardMillis);
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A profile names the ops in tape order from the first pass, counts the passes, charges each op at
     * least the time its forward and backward took (sleeps: lower bounds, never flaky upward), and
     * forgets the times on reset.
     */
    @Test
    void profileTimesEveryOpPerPass() {
        OpProfile profile = new OpProfile();
        Tape tape = new Tape();
        tape.setProfile(profile);
        Parameter x = param(new SplittableRandom(1), "x", 2, 2, -1, 1);
        for (int pass = 0; pass < 2; pass++) {
            tape.clear();
            Tensor a = Slow.apply(tape, "fast", x, 0, 0);
            Tensor b = Slow.apply(tape, "slow", a, 30, 50);
            Tensor loss = GradientFixtures.Probe.apply(tape, b, GradientFixtures.uniform(new SplittableRandom(2), 2, 2, -1, 1));
            tape.backward(loss);
        }
        assertEquals(2, profile.passes());
        java.util.List<OpProfile.Entry> e = profile.entries();
        assertEquals(java.util.List.of("fast", "slow", "Probe(2x2)"), e.stream().map(OpProfile.Entry::name).toList());
        assertTrue(e.get(1).forwardSeconds() >= 0.030 && e.get(1).backwardSeconds() >= 0.050, e.toString());
        assertTrue(e.get(1).totalSeconds() > e.get(0).totalSeconds() && e.get(1).totalSeconds() > e.get(2).totalSeconds(),
                e.toString());
        profile.reset();
        assertEquals(0, profile.passes());
        assertEquals(0.0, profile.entries().get(1).totalSeconds());
        tape.setProfile(null);
        tape.clear();
        Slow.apply(tape, "slow", x, 0, 0);
        assertEquals(0.0, profile.entries().get(0).totalSeconds(), "no timing once the profile is removed");
    }
}
