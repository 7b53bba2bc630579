package org.gmi.models;

import java.util.Locale;

/**
 * How GMI aggregates a node's neighbours into hn_i, the second argument of the neighbour
 * discriminator D2 (Peng et al. 2020, section 3.2).
 */
public enum GmiVariant {
    /** GMI-mean, the official code: hn_i = PReLU_c(sum_{j in N_i} Z1_j / |N_i|) = PReLU_c(M Z1). */
    MEAN,
    /**
     * GMI-adaptive, left out of the official code: hn_i = PReLU_c(sum_{j in N_i} w_ij Z1_j) with
     * w_ij = sigmoid(h_i . h_j) / sum_{k in N_i} sigmoid(h_i . h_k), h the encoder's output H, and
     * gradients flowing through the weights ({@link org.gmi.autodiff.ops.AdaptiveNeighbourMean}).
     */
    ADAPTIVE;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
