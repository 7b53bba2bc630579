package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stable scalar forms against the naive formulas where those are exact enough (|x| <= 30),
 * and their limits where the naive forms overflow. Tolerance 1e-12 relative.
 */
class ScalarMathTest {
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void matchNaiveFormulas(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k = 0; k < 100; k++) {
            double x = 60 * rng.nextDouble() - 30;
            double naiveSoftplus = Math.log(1 + Math.exp(x));
            double naiveSigmoid = 1 / (1 + Math.exp(-x));
            assertEquals(naiveSoftplus, ScalarMath.softplus(x), 1e-12 * Math.abs(naiveSoftplus) + 1e-15, "softplus(" + x + ") seed=" + seed);
            assertEquals(naiveSigmoid, ScalarMath.sigmoid(x), 1e-12 * naiveSigmoid + 1e-300, "sigmoid(" + x + ") seed=" + seed);
            // softplus(x) - softplus(-x) = x and sigmoid(x) + sigmoid(-x) = 1
            assertEquals(x, ScalarMath.softplus(x) - ScalarMath.softplus(-x), 1e-12 * (Math.abs(x) + 1), "softplus symmetry at " + x);
            assertEquals(1, ScalarMath.sigmoid(x) + ScalarMath.sigmoid(-x), 1e-15, "sigmoid symmetry at " + x);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {800, 1e6, 1e300})
    void noOverflowAtExtremes(double x) {
        assertEquals(x, ScalarMath.softplus(x), 0.0);
        assertEquals(0.0, ScalarMath.softplus(-x), 0.0);
        assertEquals(1.0, ScalarMath.sigmoid(x), 0.0);
        assertEquals(0.0, ScalarMath.sigmoid(-x), 0.0);
    }
}
