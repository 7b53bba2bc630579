package org.gmi.models;

import java.util.Locale;

/**
 * How GMI computes its reconstruction term (DESIGN section 3).
 *
 * <ul>
 *   <li>{@link #EXACT}: every one of the N^2 pairs, tiled and fused with its gradient, about 3 N^2 d FLOP
 *       ({@link org.gmi.engine.Reconstruction}); the official loss, bit for bit the same mathematics.
 *   <li>{@link #SAMPLED}: every pair of T = A + I plus k uniformly drawn non-edges per node, each
 *       weighted (non-edges of the row) / k, an unbiased estimate of the same mean in about
 *       6 (nnz(T) + k N) d FLOP ({@link org.gmi.engine.SampledReconstruction}). The non-edges of
 *       epoch e come from {@code EpochSeeds.of(seed, NON_EDGES, e)}.
 * </ul>
 */
public enum ReconstructionMode {
    EXACT,
    SAMPLED;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
