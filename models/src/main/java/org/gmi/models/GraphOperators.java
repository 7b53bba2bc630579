package org.gmi.models;

import org.gmi.engine.CsrMatrix;
import org.gmi.graph.Graph;
import org.gmi.graph.Normalization;

/**
 * The constant matrices a model reads, built once per graph (DESIGN section 2).
 *
 * @param features      X, each row divided by its sum (sparse, N x F)
 * @param propagation   Â = D^-1/2 (A + I) D^-1/2
 * @param neighbourMean M = D^-1 A
 * @param target        the pattern of T = A + I (reconstruction target)
 */
public record GraphOperators(CsrMatrix features, CsrMatrix propagation, CsrMatrix neighbourMean, CsrMatrix target) {
    public static GraphOperators of(Graph g) {
        return new GraphOperators(
                Normalization.rowNormalizeFeatures(g.features()),
                Normalization.gcnPropagation(g.adjacency()),
                Normalization.neighbourMean(g.adjacency()),
                Normalization.reconstructionTarget(g.adjacency()));
    }

    public int numNodes() {
        return features.rows;
    }
}
