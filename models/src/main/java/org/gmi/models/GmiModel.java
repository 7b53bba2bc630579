package org.gmi.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.autodiff.ops.AdaptiveNeighbourMean;
import org.gmi.autodiff.ops.BilinearScores;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.autodiff.ops.MatMul;
import org.gmi.autodiff.ops.PRelu;
import org.gmi.autodiff.ops.ReconstructionLoss;
import org.gmi.autodiff.ops.SampledReconstructionLoss;
import org.gmi.autodiff.ops.SparseMatMul;
import org.gmi.autodiff.ops.WeightedSum;
import org.gmi.engine.Matrix;
import org.gmi.engine.Backend;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.ReconstructionKernel;
import org.gmi.engine.SampledReconstructionKernel;
import org.gmi.graph.NegativeSampler;
import org.gmi.graph.NonEdgeSampler;
import org.gmi.models.PhaseTimes.Phase;

/**
 * GMI (Peng et al., WWW 2020), computed as the official code does (DESIGN section 2), the
 * whole loss in {@link #forward}. Its three terms carry one name each, in this code, the logs,
 * metrics.json and the docs, beside the paper's mutual information they estimate:
 *
 * <pre>
 *   H              = GCN(X, Â)                   the embedding (1 or 2 layers)
 *   Hn             = PReLU_c(M X W1)             mean of the neighbours' first-layer projections (GMI-mean)
 *   Hn             = PReLU_c(W(H) X W1)          or weighted by w_ij = sigmoid(h_i . h_j) / sum_k sigmoid(h_i . h_k) (GMI-adaptive)
 *   mi_feature     = jsd( D1(x_i, h_i), D1(x_p(i), h_i) )   I(h_i; x_i),  D1(x, h) = sigmoid(x^T B1 h + c1)
 *   mi_neighbour   = jsd( D2(h_i, hn_i), D2(h_q(i), hn_i) ) I(h_i; x_j), j a neighbour,  D2(h, g) = sigmoid(h^T B2 g + c2)
 *   reconstruction = w2 mean[ -w1 T log(R + 1e-10) - (1 - T) log(1 - R + 1e-10) ]
 *                                                 I(w_ij; a_ij),  R = sigmoid(H H^T), T = A + I
 *   L              = alpha mi_feature + beta mi_neighbour + gamma reconstruction
 * </pre>
 *
 * with jsd(pos, neg) = mean softplus(-pos) + mean softplus(neg) applied, as the official code does,
 * to the sigmoid outputs ({@link JsdMi.Mode#PROBABILITIES}; {@code --jsd-on logits} applies it to the raw
 * scores instead, the DIM form), and p, q fresh samplers (a node is
 * never its own negative), K of each per step: uniform j != i as the official code, or random
 * derangements ({@link TrainConfig#sampler}). The draws of epoch e come from one sampler seeded with
 * {@code EpochSeeds.of(seed, NEGATIVES, e)}: K lists for D1, then K for D2.
 *
 * <p>The bilinear forms are computed once per step as U = X B1 and V = Hn B2^T, so every score is one
 * d-long dot product (DESIGN section 3); the reconstruction is tiled and never holds an N x N buffer.
 * With {@link ReconstructionMode#SAMPLED} ICV is estimated from every pair of T plus k non-edges per
 * node ({@link org.gmi.engine.SampledReconstruction}), drawn at {@link #startEpoch} from
 * {@code EpochSeeds.of(seed, NON_EDGES, e)}, so they too depend on (seed, epoch) alone.
 *
 * <p>The negative index lists and the non-edge columns live in arrays planned once and refilled
 * each epoch. A minibatch step ({@link #forward(Tape, BatchOperators, long)}) computes the same three
 * terms on the batch's seeds ({@link MinibatchTrainer}).
 */
public final class GmiModel implements SelfSupervisedModel {
    /**
     * The three unweighted terms of one step; a term whose weight (alpha, beta, gamma) is 0 is not
     * computed and is null here, absent from {@link #byName}.
     */
    public record Terms(Double miFeature, Double miNeighbour, Double reconstruction) implements SelfSupervisedModel.Terms {
        @Override
        public Map<String, Double> byName() {
            Map<String, Double> m = new LinkedHashMap<>();
            if (miFeature != null) {
                m.put("mi_feature", miFeature);
            }
            if (miNeighbour != null) {
                m.put("mi_neighbour", miNeighbour);
            }
            if (reconstruction != null) {
                m.put("reconstruction", reconstruction);
            }
            return m;
        }
    }

    private final GraphOperators ops;
    private final GcnEncoder encoder;
    /** B1 of D1, F x d. */
    private final Parameter featureBilinear;
    private final Parameter featureBias;
    /** B2^T of D2, d x d (stored transposed so that V = Hn B2^T is one product). */
    private final Parameter neighbourBilinearT;
    private final Parameter neighbourBias;
    private final Parameter neighbourPrelu;
    private final double alpha;
    private final double beta;
    private final double gamma;
    private final int negatives;
    private final JsdMi.Mode jsdMode;
    private final GmiVariant variant;
    private final long seed;
    private final NegativeSampler.Mode samplerMode;
    private NegativeSampler negativeSampler;
    /** Whether the reconstruction is the sampled estimate, and its non-edges per node. */
    private final boolean sampled;
    private final int reconNegatives;
    /**
     * The reconstruction's kernel (and the exact one's gradient buffer), planned by the backend of
     * the first forward, and again when a forward comes on another backend.
     */
    private record ReconstructionPlan(Backend backend, int rows, ReconstructionKernel exact, DeviceMatrix exactGrad,
                                      SampledReconstructionKernel sampled) {}
    private ReconstructionPlan reconstructionPlan;
    /** The sampled reconstruction's non-edge columns, {@code nonEdges[i*k + t]}; refilled at each startEpoch. */
    private final int[] nonEdges;
    /**
     * The K negative lists of D1 and of D2 of the full-batch forward, N long each, refilled at each
     * forward (the ops read them until backward); allocated by the first one, as minibatch training,
     * whose lists are its batch's length, never needs them.
     */
    private int[][] featureNegatives;
    private int[][] neighbourNegatives;
    /** The positive pairs: the identity. */
    private static final int[][] IDENTITY = {null};
    private PhaseTimes phases = new PhaseTimes();
    private final float w1;
    private final float w2;

    public GmiModel(GraphOperators ops, TrainConfig config, int layers) {
        this.ops = ops;
        int f = ops.numFeatures();
        int d = config.hidden;
        SplittableRandom init = new SplittableRandom(config.seed);
        this.encoder = new GcnEncoder(f, d, layers, init);
        this.featureBilinear = Init.xavierUniform("disc1.weight", f, d, (double) f * d, d, init);
        this.featureBias = Parameter.zeros("disc1.bias", 1, 1);
        this.neighbourBilinearT = Init.xavierUniform("disc2.weight", d, d, (double) d * d, d, init);
        this.neighbourBias = Parameter.zeros("disc2.bias", 1, 1);
        this.neighbourPrelu = Init.preluSlope("neighbour.prelu");
        this.alpha = config.alpha;
        this.beta = config.beta;
        this.gamma = config.gamma;
        this.negatives = config.negatives;
        this.jsdMode = config.jsdOn;
        this.variant = config.variant;
        this.seed = config.seed;
        this.samplerMode = config.sampler;
        this.negativeSampler = new NegativeSampler(EpochSeeds.of(seed, EpochSeeds.NEGATIVES, 0), samplerMode);
        int n = ops.numNodes();
        this.sampled = config.gamma > 0 && config.reconstruction == ReconstructionMode.SAMPLED;
        if (sampled && config.reconNegatives < 1) {
            throw new IllegalArgumentException("sampled reconstruction needs k >= 1 non-edges per node, got " + config.reconNegatives);
        }
        this.reconNegatives = config.reconNegatives;
        this.nonEdges = sampled ? new int[n * config.reconNegatives] : null;
        drawNonEdges(0);
        float[] w = ops.reconstructionWeights();
        this.w1 = w[0];
        this.w2 = w[1];
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(encoder.parameters());
        ps.addAll(List.of(featureBilinear, featureBias, neighbourBilinearT, neighbourBias, neighbourPrelu));
        return ps;
    }

    @Override
    public void startEpoch(int epoch) {
        negativeSampler = new NegativeSampler(EpochSeeds.of(seed, EpochSeeds.NEGATIVES, epoch), samplerMode);
        if (nonEdges != null) {
            phases.start(Phase.RECONSTRUCTION);
            drawNonEdges(epoch);
            phases.stop();
        }
    }

    @Override
    public void setPhaseTimes(PhaseTimes times) {
        this.phases = java.util.Objects.requireNonNull(times, "times");
    }

    /** The sampled reconstruction's non-edges of {@code epoch}: k per node, from their own seed stream. */
    private void drawNonEdges(int epoch) {
        if (nonEdges != null) {
            NonEdgeSampler.sample(ops.target(), reconNegatives,
                    new SplittableRandom(EpochSeeds.of(seed, EpochSeeds.NON_EDGES, epoch)), nonEdges);
        }
    }

    @Override
    public Loss forward(Tape tape) {
        if (featureNegatives == null) {
            featureNegatives = new int[negatives][ops.numNodes()];
            neighbourNegatives = new int[negatives][ops.numNodes()];
        }
        phases.start(Phase.ENCODER);
        GcnEncoder.Output enc = encoder.forward(tape, ops.features(), ops.propagation());
        return loss(tape, enc.h(), enc.z1(), ops.features(), ops.neighbourMean(), ops.target(), negativeSampler,
                featureNegatives, neighbourNegatives);
    }

    /**
     * The loss on a minibatch's seeds: H from the sampled blocks; mi_feature and mi_neighbour over the
     * seeds with negatives drawn among them; the reconstruction exact over the B x B seed pairs, a
     * uniform sample of the graph's N x N pairs, with the whole graph's weights w1 and w2.
     */
    @Override
    public Loss forward(Tape tape, BatchOperators batch, long seed) {
        requireBatchable(variant, sampled);
        phases.start(Phase.ENCODER);
        Tensor z1 = encoder.firstProjection(tape, batch.features());
        Tensor h = encoder.propagate(tape, batch.blocks(), z1, "");
        int b = batch.seeds();
        return loss(tape, h, z1, batch.seedFeatures(), batch.neighbourMean(), batch.target(),
                new NegativeSampler(seed, samplerMode), new int[negatives][b], new int[negatives][b]);
    }

    /** Refuses what a minibatch cannot compute: GMI-adaptive, and the sampled reconstruction. */
    static void requireBatchable(GmiVariant variant, boolean sampledReconstruction) {
        if (variant == GmiVariant.ADAPTIVE) {
            throw new IllegalArgumentException("GMI-adaptive weights a node's neighbours by their embeddings, which a minibatch "
                    + "computes for its seeds only; use --variant mean with --batch-size");
        }
        if (sampledReconstruction) {
            throw new IllegalArgumentException("minibatch training computes the reconstruction exactly over each batch's seed "
                    + "pairs; use --reconstruction exact (or auto) with --batch-size");
        }
    }

    /**
     * L over the n rows of {@code h}: x and m have those rows, target is n x n, and the negative
     * lists are n long, drawn from {@code sampler} (D1's, then D2's).
     */
    private Loss loss(Tape tape, Tensor h, Tensor z1, CsrMatrix x, CsrMatrix m, CsrMatrix target, NegativeSampler sampler,
                      int[][] featureLists, int[][] neighbourLists) {
        phases.start(Phase.DISCRIMINATORS);
        Tensor miFeature = alpha > 0 ? miFeature(tape, h, x, drawNegatives(sampler, featureLists)) : null;
        Tensor miNeighbour = beta > 0 ? miNeighbour(tape, h, z1, m, drawNegatives(sampler, neighbourLists)) : null;
        if (gamma > 0) {
            phases.start(Phase.RECONSTRUCTION);
        }
        Tensor reconstruction = gamma > 0 ? reconstruction(tape, h, target) : null;
        // L = alpha mi_feature + beta mi_neighbour + gamma reconstruction, over the terms computed
        List<Tensor> parts = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        addTerm(parts, weights, miFeature, alpha);
        addTerm(parts, weights, miNeighbour, beta);
        addTerm(parts, weights, reconstruction, gamma);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("alpha, beta and gamma are all 0: the GMI loss is empty");
        }
        Tensor total = WeightedSum.apply(tape, "L", parts.toArray(Tensor[]::new),
                weights.stream().mapToDouble(Double::doubleValue).toArray());
        return new Loss(total, new Terms(valueOf(miFeature), valueOf(miNeighbour), valueOf(reconstruction)));
    }

    private static void addTerm(List<Tensor> parts, List<Double> weights, Tensor term, double weight) {
        if (term != null) {
            parts.add(term);
            weights.add(weight);
        }
    }

    private static Double valueOf(Tensor term) {
        return term == null ? null : (double) term.scalar();
    }

    /** mi_feature, I(h_i; x_i) through D1: positives (x_i, h_i), negatives (x_p(i), h_i). */
    private Tensor miFeature(Tape tape, Tensor h, CsrMatrix x, int[][] negativeLists) {
        Tensor u = SparseMatMul.apply(tape, "X B1", x, featureBilinear);
        Tensor pos = BilinearScores.apply(tape, "D1+", u, h, IDENTITY, featureBias);
        Tensor neg = BilinearScores.apply(tape, "D1-", u, h, negativeLists, featureBias);
        return JsdMi.apply(tape, "jsdMi(D1)", pos, neg, jsdMode);
    }

    /**
     * mi_neighbour, I(h_i; x_j) for the neighbours j, through D2: positives (h_i, hn_i), negatives
     * (h_q(i), hn_i). GMI-mean averages the neighbours' Z1 rows (M Z1); GMI-adaptive weights them by
     * sigmoid(h_i . h_j), normalised over N_i.
     */
    private Tensor miNeighbour(Tape tape, Tensor h, Tensor z1, CsrMatrix m, int[][] negativeLists) {
        Tensor neighbours = variant == GmiVariant.ADAPTIVE
                ? AdaptiveNeighbourMean.apply(tape, "W(H) Z1", m, h, z1)
                : SparseMatMul.apply(tape, "M Z1", m, z1);
        Tensor hn = PRelu.apply(tape, "Hn", neighbours, neighbourPrelu);
        Tensor v = MatMul.apply(tape, "Hn B2^T", hn, neighbourBilinearT);
        Tensor pos = BilinearScores.apply(tape, "D2+", h, v, IDENTITY, neighbourBias);
        Tensor neg = BilinearScores.apply(tape, "D2-", h, v, negativeLists, neighbourBias);
        return JsdMi.apply(tape, "jsdMi(D2)", pos, neg, jsdMode);
    }

    /**
     * reconstruction, I(w_ij; a_ij), as the official weighted cross-entropy of sigmoid(H H^T) against
     * A + I: exact, or its sampled estimate over this epoch's non-edges.
     */
    private Tensor reconstruction(Tape tape, Tensor h, CsrMatrix target) {
        ReconstructionPlan plan = planReconstruction(tape.backend(), h.rows(), h.cols());
        if (sampled) {
            return SampledReconstructionLoss.apply(tape, "reconstruction", h, plan.sampled(), target, nonEdges, w1, w2, 1e-10f);
        }
        return ReconstructionLoss.apply(tape, "reconstruction", h, plan.exact(), target, w1, w2, 1e-10f, plan.exactGrad());
    }

    private ReconstructionPlan planReconstruction(Backend backend, int n, int d) {
        if (reconstructionPlan == null || reconstructionPlan.backend() != backend || reconstructionPlan.rows() != n) {
            if (reconstructionPlan != null && reconstructionPlan.exactGrad() != null) {
                reconstructionPlan.backend().release(reconstructionPlan.exactGrad());
            }
            reconstructionPlan = sampled
                    ? new ReconstructionPlan(backend, n, null, null, backend.sampledReconstruction(n, d, reconNegatives, ops.target().nnz()))
                    : new ReconstructionPlan(backend, n, backend.reconstruction(n, d), backend.allocate(n, d), null);
        }
        return reconstructionPlan;
    }

    /**
     * Replaces the sampler that later forwards draw their negatives from; each forward draws K lists
     * for D1, then K for D2. Test hook: a finite-difference gradient check needs the same negatives
     * at every forward, so it installs a fresh sampler with the same seed before each one. Training
     * never calls this (it re-seeds through {@link #startEpoch} before every epoch).
     */
    public void setNegativeSampler(NegativeSampler sampler) {
        this.negativeSampler = java.util.Objects.requireNonNull(sampler, "sampler");
    }

    /** Refills the K lists (each n long, over nodes 0..n-1) with fresh negatives from {@code sampler} and returns them. */
    private static int[][] drawNegatives(NegativeSampler sampler, int[][] lists) {
        for (int[] list : lists) {
            sampler.sample(list.length, list);
        }
        return lists;
    }

    @Override
    public GcnEncoder encoder() {
        return encoder;
    }

    @Override
    public Matrix embed(Tape tape) {
        tape.clear();
        return encoder.forward(tape, ops.features(), ops.propagation()).h().value();
    }

    @Override
    public String toString() {
        return "GMI(" + variant.cliName() + ", " + encoder + ", alpha=" + alpha + ", beta=" + beta + ", gamma=" + gamma + ", K=" + negatives
                + ", " + samplerMode.name().toLowerCase(java.util.Locale.ROOT) + " negatives"
                + (jsdMode == JsdMi.Mode.LOGITS ? ", JSD on logits" : "")
                + (sampled ? ", sampled reconstruction k=" + reconNegatives : "")
                + ")";
    }
}
