package org.gmi.models;

import org.gmi.autodiff.ops.ReconstructionLoss;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.SparseRows;
import org.gmi.graph.Graph;
import org.gmi.graph.GraphStats;
import org.gmi.graph.NormalizedAdjacency;
import org.gmi.graph.Normalization;

/**
 * The constant matrices a model reads, built once per graph (DESIGN section 2).
 *
 * @param features      X, each row divided by its sum (sparse, N x F); null for minibatch training
 * @param propagation   Â = D^-1/2 (A + I) D^-1/2; null for minibatch training
 * @param neighbourMean M = D^-1 A; null for minibatch training
 * @param target        the pattern of T = A + I (reconstruction target); null for minibatch training
 * @param rawFeatures   the graph's own X, rows not normalised, on the heap or mapped
 * @param targetEntries the entries of T, for the reconstruction's weights
 * @param numNodes      N
 * @param normalized    Â's and M's entries computed from A as needed, which batches are cut from
 */
public record GraphOperators(CsrMatrix features, CsrMatrix propagation, CsrMatrix neighbourMean, CsrMatrix target,
                             SparseRows rawFeatures, long targetEntries, int numNodes, NormalizedAdjacency normalized) {

    /** Every operator, for full-batch training (batches can be cut from them too). */
    public static GraphOperators of(Graph g) {
        CsrMatrix target = Normalization.reconstructionTarget(g.adjacency());
        return new GraphOperators(
                Normalization.rowNormalizeFeatures(g.features()),
                Normalization.gcnPropagation(g.adjacency()),
                Normalization.neighbourMean(g.adjacency()),
                target, g.featureRows(), target.nnz(), g.numNodes(), NormalizedAdjacency.of(g.adjacency()));
    }

    /**
     * What minibatch training cuts its batches from: Â's and M's entries computed from A as the
     * blocks need them ({@link NormalizedAdjacency}: the matrices' bits, two N-long arrays instead of
     * the matrices). No whole X' (each batch normalises the feature rows it gathers, row by row as
     * {@link #of} does, so the bits are the same) and no T (a batch takes the edges among its seeds
     * from A), so the features stay where they are, mapped from a file when the graph was loaded from
     * the binary layout.
     */
    public static GraphOperators forBatches(Graph g) {
        return forBatches(g.adjacencyRows(), g.featureRows(), targetEntries(g.adjacencyRows()));
    }

    /**
     * The same from A and X alone, A on the heap or mapped, with T's entry count given (a Spark
     * executor takes it from the driver rather than walk every row of A for its self-loops).
     */
    public static GraphOperators forBatches(SparseRows adjacency, SparseRows rawFeatures, long targetEntries) {
        return new GraphOperators(null, null, null, null, rawFeatures, targetEntries, adjacency.rows(),
                NormalizedAdjacency.of(adjacency));
    }

    /**
     * No operators, only what a model is built from (N, F, the reconstruction's weights): for a
     * minibatch trainer whose batches' gradients are computed elsewhere (gmi-spark's driver, which
     * then need not hold Â and M).
     */
    public static GraphOperators forRemoteBatches(Graph g) {
        return new GraphOperators(null, null, null, null, g.featureRows(), targetEntries(g.adjacencyRows()), g.numNodes(), null);
    }

    /** The entries of T = A + I: A's, and one per node without a self-loop. */
    public static long targetEntries(SparseRows a) {
        return a.entries() + a.rows() - GraphStats.selfLoops(a);
    }

    public int numFeatures() {
        return rawFeatures.cols();
    }

    /** w1 and w2 of the reconstruction (see {@link ReconstructionLoss#officialWeights(long, long)}). */
    public float[] reconstructionWeights() {
        return ReconstructionLoss.officialWeights(numNodes(), targetEntries);
    }
}
