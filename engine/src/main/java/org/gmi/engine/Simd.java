package org.gmi.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one switch between vectorised kernels and their scalar twins.
 *
 * <p>{@code -Dgmi.simd=false} selects the scalar path everywhere: it is the fallback and the oracle
 * the vectorised kernels are tested against.
 */
public final class Simd {
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    public static final int LANES = SPECIES.length();
    private static volatile boolean enabled = !"false".equalsIgnoreCase(System.getProperty("gmi.simd", "true"));

    private Simd() {}

    public static boolean enabled() {
        return enabled;
    }

    /** For tests that compare both paths in one JVM. */
    public static void setEnabled(boolean on) {
        enabled = on;
    }
}
