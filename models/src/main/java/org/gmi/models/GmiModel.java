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
import org.gmi.engine.SampledReconstruction;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.ReconstructionKernel;
import org.gmi.engine.SampledReconstructionKernel;
import org.gmi.graph.NegativeSampler;
import org.gmi.graph.NonEdgeSampler;
import org.gmi.models.PhaseTimes.Phase;

/**
 * GMI (Peng et al., WWW 2020), computed as the official code does (DESIGN section 2), the
 * whole loss in {@link #forward}:
 *
 * <pre>
 *   H   = GCN(X, Â)                         the embedding (1 or 2 layers)
 *   Hn  = PReLU_c(M X W1)                   mean of the neighbours' first-layer projections (GMI-mean)
 *   Hn  = PReLU_c(W(H) X W1)                or weighted by w_ij = sigmoid(h_i . h_j) / sum_k sigmoid(h_i . h_k) (GMI-adaptive)
 *   FMI = jsd( D1(x_i, h_i), D1(x_p(i), h_i) )     D1(x, h) = sigmoid(x^T B1 h + c1)   (eq. 5-7)
 *   NMI = jsd( D2(h_i, hn_i), D2(h_q(i), hn_i) )   D2(h, g) = sigmoid(h^T B2 g + c2)
 *   ICV = w2 mean[ -w1 T log(R + 1e-10) - (1 - T) log(1 - R + 1e-10) ],  R = sigmoid(H H^T), T = A + I   (eq. 10)
 *   L   = alpha FMI + beta NMI + gamma ICV
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
 * node ({@link SampledReconstruction}), drawn at {@link #startEpoch} from
 * {@code EpochSeeds.of(seed, NON_EDGES, e)}, so they too depend on (seed, epoch) alone.
 *
 * <p>The negative index lists and the non-edge columns live in arrays planned once and refilled
 * each epoch.
 */
public final class GmiModel implements SelfSupervisedModel {
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
    /** The exact reconstruction's kernel and gradient buffer, planned on the first forward's backend. */
    private ReconstructionKernel reconstruction;
    private DeviceMatrix reconstructionGrad;
    private Backend reconstructionBackend;
    private final SampledReconstruction sampledReconstruction;
    /** The sampled reconstruction planned on a device backend, when training runs on one. */
    private record SampledOnDevice(Backend backend, SampledReconstructionKernel kernel) {}
    private SampledOnDevice sampledOnDevice;
    /** The sampled reconstruction's non-edge columns, {@code nonEdges[i*k + t]}; refilled at each startEpoch. */
    private final int[] nonEdges;
    /** The K negative lists of D1 and of D2, refilled at each forward (the ops read them until backward). */
    private final int[][] featureNegatives;
    private final int[][] neighbourNegatives;
    /** The positive pairs: the identity. */
    private static final int[][] IDENTITY = {null};
    private PhaseTimes phases = new PhaseTimes();
    private final float w1;
    private final float w2;

    public GmiModel(GraphOperators ops, TrainConfig config, int layers) {
        this.ops = ops;
        int f = ops.features().cols;
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
        boolean sampled = config.gamma > 0 && config.reconstruction == ReconstructionMode.SAMPLED;
        this.sampledReconstruction = sampled
                ? new SampledReconstruction(n, d, config.reconNegatives, ops.target().nnz()) : null;
        this.nonEdges = sampled ? new int[n * config.reconNegatives] : null;
        this.featureNegatives = new int[negatives][n];
        this.neighbourNegatives = new int[negatives][n];
        drawNonEdges(0);
        float[] w = ReconstructionLoss.officialWeights(ops.target());
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
            NonEdgeSampler.sample(ops.target(), sampledReconstruction.samplesPerNode(),
                    new SplittableRandom(EpochSeeds.of(seed, EpochSeeds.NON_EDGES, epoch)), nonEdges);
        }
    }

    @Override
    public Loss forward(Tape tape) {
        phases.start(Phase.ENCODER);
        GcnEncoder.Output enc = encoder.forward(tape, ops.features(), ops.propagation());
        Tensor h = enc.h();
        phases.start(Phase.DISCRIMINATORS);
        Map<String, Double> terms = new LinkedHashMap<>();
        List<Tensor> parts = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        if (alpha > 0) {
            Tensor fmi = featureMi(tape, h);
            terms.put("mi_feature", (double) fmi.scalar());
            parts.add(fmi);
            weights.add(alpha);
        }
        if (beta > 0) {
            Tensor nmi = neighbourMi(tape, h, enc.z1());
            terms.put("mi_neighbour", (double) nmi.scalar());
            parts.add(nmi);
            weights.add(beta);
        }
        if (gamma > 0) {
            phases.start(Phase.RECONSTRUCTION);
            Tensor rec = reconstructionLoss(tape, h);
            terms.put("reconstruction", (double) rec.scalar());
            parts.add(rec);
            weights.add(gamma);
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("alpha, beta and gamma are all 0: the GMI loss is empty");
        }
        Tensor total = WeightedSum.apply(tape, "L", parts.toArray(Tensor[]::new),
                weights.stream().mapToDouble(Double::doubleValue).toArray());
        return new Loss(total, terms);
    }

    /** I(h_i; x_i) through D1: positives (x_i, h_i), negatives (x_p(i), h_i). */
    private Tensor featureMi(Tape tape, Tensor h) {
        Tensor u = SparseMatMul.apply(tape, "X B1", ops.features(), featureBilinear);
        Tensor pos = BilinearScores.apply(tape, "D1+", u, h, IDENTITY, featureBias);
        Tensor neg = BilinearScores.apply(tape, "D1-", u, h, drawNegatives(featureNegatives), featureBias);
        return JsdMi.apply(tape, "jsdMi(D1)", pos, neg, jsdMode);
    }

    /**
     * I(h_i; hn_i) through D2: positives (h_i, hn_i), negatives (h_q(i), hn_i). GMI-mean averages the
     * neighbours' Z1 rows (M Z1); GMI-adaptive weights them by sigmoid(h_i . h_j), normalised over N_i.
     */
    private Tensor neighbourMi(Tape tape, Tensor h, Tensor z1) {
        Tensor neighbours = variant == GmiVariant.ADAPTIVE
                ? AdaptiveNeighbourMean.apply(tape, "W(H) Z1", ops.neighbourMean(), h, z1)
                : SparseMatMul.apply(tape, "M Z1", ops.neighbourMean(), z1);
        Tensor hn = PRelu.apply(tape, "Hn", neighbours, neighbourPrelu);
        Tensor v = MatMul.apply(tape, "Hn B2^T", hn, neighbourBilinearT);
        Tensor pos = BilinearScores.apply(tape, "D2+", h, v, IDENTITY, neighbourBias);
        Tensor neg = BilinearScores.apply(tape, "D2-", h, v, drawNegatives(neighbourNegatives), neighbourBias);
        return JsdMi.apply(tape, "jsdMi(D2)", pos, neg, jsdMode);
    }

    /**
     * I(w_ij; a_ij) as the official weighted cross-entropy of sigmoid(H H^T) against A + I: exact, or
     * its sampled estimate over this epoch's non-edges.
     */
    private Tensor reconstructionLoss(Tape tape, Tensor h) {
        Backend backend = tape.backend();
        if (sampledReconstruction != null) {
            SampledReconstructionKernel kernel = sampledReconstruction;
            if (!backend.isCpu()) {
                if (sampledOnDevice == null || sampledOnDevice.backend() != backend) {
                    sampledOnDevice = new SampledOnDevice(backend, backend.sampledReconstruction(h.rows(), h.cols(),
                            sampledReconstruction.samplesPerNode(), ops.target().nnz()));
                }
                kernel = sampledOnDevice.kernel();
            }
            return SampledReconstructionLoss.apply(tape, "reconstruction", h, kernel, ops.target(), nonEdges, w1, w2, 1e-10f);
        }
        if (reconstructionBackend != backend) {
            if (reconstructionBackend != null && !reconstructionBackend.isCpu()) {
                reconstructionBackend.release(reconstructionGrad);
            }
            reconstruction = backend.reconstruction(h.rows(), h.cols());
            reconstructionGrad = backend.allocate(h.rows(), h.cols());
            reconstructionBackend = backend;
        }
        return ReconstructionLoss.apply(tape, "reconstruction", h, reconstruction, ops.target(), w1, w2, 1e-10f,
                reconstructionGrad);
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

    /** Refills the K lists with fresh negatives from the current sampler and returns them. */
    private int[][] drawNegatives(int[][] lists) {
        int n = ops.numNodes();
        for (int[] list : lists) {
            negativeSampler.sample(n, list);
        }
        return lists;
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
                + (sampledReconstruction != null ? ", sampled reconstruction k=" + sampledReconstruction.samplesPerNode() : "")
                + ")";
    }
}
