package org.gmi.models;

import java.util.LinkedHashMap;
import java.util.Map;
import org.gmi.graph.Graph;
import org.gmi.graph.GraphStats;

/**
 * The FLOP of one training epoch, counted from the shapes (multiply and add count 2):
 * dense products 2 m k n; SpMM 2 nnz d (also for its transpose in the backward pass); a row dot
 * of a discriminator score 2 d and its backward 4 d (two axpys); the exact reconstruction 3 N^2 d
 * (N^2 d / 2 FMA for the symmetric tiles of H H^T and N^2 d for dH, both times 2) plus 4 nnz(T) d
 * for the correction over the pairs of T; the sampled one 6 (nnz(T) + k N) d (a dot and two axpys
 * per pair); the reconstruction op's backward 2 N d. Elementwise work (PReLU, biases, sigmoids,
 * softplus, Adam) is not counted. Full-batch epochs only: a minibatch epoch's depend on its sampled
 * neighbourhoods.
 */
public record EpochFlop(long total, Map<String, Long> parts) {
    public static final String NOTE = "counted from the shapes: GEMM 2mkn, SpMM 2*nnz*d (forward and the transposed backward), "
            + "score row dots 2d (backward 4d), exact reconstruction 3*N^2*d + 4*nnz(A+I)*d, sampled 6*(nnz(A+I)+kN)*d; "
            + "elementwise work (PReLU, bias, sigmoid, softplus, Adam) not counted";

    public static EpochFlop count(Graph g, TrainConfig c, Method method, int layers) {
        long n = g.numNodes();
        long d = c.hidden;
        long nnzX = g.featureRows().entries();
        org.gmi.engine.SparseRows a = g.adjacencyRows();
        long nnzA = a.entries();
        long nnzT = nnzA + n - GraphStats.selfLoops(a); // A + I (also Â)
        long gemmNdd = 2 * n * d * d;
        long encoder;
        long disc = 0;
        long rec = 0;
        long backward;
        if (method == Method.DGI) {
            encoder = 2 * nnzX * d + 2 * (2 * nnzT * d)              // X W, Â Z and Â Z[perm]
                    + (layers == 2 ? 2 * (gemmNdd + 2 * nnzT * d) : 0); // the second layer, both passes
            disc = 2 * d * d + 2 * (2 * n * d);                      // v = s B^T, positive and negative scores
            backward = 2 * nnzX * d + 2 * (2 * nnzT * d)             // X^T dZ, two Â^T
                    + 2 * (4 * n * d) + 2 * (2 * d * d)              // scores' scatters, s B^T
                    + (layers == 2 ? 2 * (2 * gemmNdd + 2 * nnzT * d) : 0);
        } else {
            long k = c.negatives;
            encoder = 2 * nnzX * d + 2 * nnzT * d + (layers == 2 ? gemmNdd + 2 * nnzT * d : 0);
            backward = 2 * nnzX * d + 2 * nnzT * d + (layers == 2 ? 2 * gemmNdd + 2 * nnzT * d : 0);
            if (c.alpha > 0) {
                disc += 2 * nnzX * d + (k + 1) * 2 * n * d;           // U = X B1, scores
                backward += 2 * nnzX * d + (k + 1) * 4 * n * d;       // X^T dU, scatters
            }
            if (c.beta > 0) {
                disc += 2 * nnzA * d + gemmNdd + (k + 1) * 2 * n * d; // M Z1, V = Hn B2^T, scores
                backward += 2 * nnzA * d + 2 * gemmNdd + (k + 1) * 4 * n * d;
            }
            if (c.gamma > 0) {
                rec = c.reconstruction == ReconstructionMode.SAMPLED
                        ? 6 * (nnzT + c.reconNegatives * n) * d
                        : 3 * n * n * d + 4 * nnzT * d;
                backward += 2 * n * d;
            }
        }
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("encoder", encoder);
        parts.put("discriminators", disc);
        parts.put("reconstruction", rec);
        parts.put("backward", backward);
        return new EpochFlop(encoder + disc + rec + backward, parts);
    }
}
