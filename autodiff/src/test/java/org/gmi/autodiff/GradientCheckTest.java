package org.gmi.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The checker itself can fail: a wrong backward and a non-finite gradient are caught and located. */
class GradientCheckTest {
    /** y = x * x elementwise; its backward is either right (2 x dy), wrong (x dy) or NaN. */
    static final class Square implements Op {
        enum Backward { RIGHT, MISSING_FACTOR_TWO, NAN }

        private final Tensor x;
        private final Tensor y;
        private final Backward kind;

        private Square(Tensor x, Tensor y, Backward kind) {
            this.x = x;
            this.y = y;
            this.kind = kind;
        }

        static Tensor apply(Tape tape, Tensor x, Backward kind) {
            Matrix out = Matrix.sameShape(x.value());
            for (int i = 0; i < out.data.length; i++) {
                out.data[i] = x.value().data[i] * x.value().data[i];
            }
            Tensor y = new Tensor("sq", out, true);
            tape.record(new Square(x, y, kind));
            return y;
        }

        @Override
        public String name() {
            return "Square(" + kind + ")";
        }

        @Override
        public void backward() {
            float[] g = x.grad().data;
            float[] dy = y.grad().data;
            float[] xv = x.value().data;
            for (int i = 0; i < g.length; i++) {
                g[i] += switch (kind) {
                    case RIGHT -> 2 * xv[i] * dy[i];
                    case MISSING_FACTOR_TWO -> xv[i] * dy[i];
                    case NAN -> Float.NaN;
                };
            }
        }
    }

    private static GradientCheck.Outcome check(long seed, Square.Backward kind) {
        SplittableRandom rng = new SplittableRandom(seed);
        Parameter x = GradientFixtures.param(rng, "x", 1 + rng.nextInt(5), 1 + rng.nextInt(5), 0.2, 1.5);
        Matrix w = GradientFixtures.uniform(rng, x.rows(), x.cols(), 0.5, 1);
        Tape tape = new Tape();
        return GradientCheck.check("Square(" + kind + ") seed=" + seed, tape,
                () -> GradientFixtures.Probe.apply(tape, Square.apply(tape, x, kind), w), new Tensor[] {x}, 1e-2, 2e-2, 1e-4, 30, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void rightBackwardPasses(long seed) {
        GradientCheck.Outcome o = check(seed, Square.Backward.RIGHT);
        assertTrue(o.ok(), o.message());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void wrongBackwardFailsNamingOpTensorAndIndex(long seed) {
        GradientCheck.Outcome o = check(seed, Square.Backward.MISSING_FACTOR_TWO);
        assertFalse(o.ok(), "a backward missing its factor 2 passed: " + o.message());
        // the first entry checked is index 0 (all entries are checked for tensors this small)
        assertTrue(o.message().contains("Square(MISSING_FACTOR_TWO) seed=" + seed), o.message());
        assertTrue(o.message().contains("gradient of x[0]"), o.message());
        assertTrue(o.entriesChecked() == 1, o.message());
    }

    @Test
    void nonFiniteGradientFails() {
        GradientCheck.Outcome o = check(3, Square.Backward.NAN);
        assertFalse(o.ok(), o.message());
        assertTrue(o.message().contains("non-finite") && o.message().contains("x[0]"), o.message());
    }
}
