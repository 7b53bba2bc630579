package org.gmi.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.autodiff.ops.BceWithLogits;
import org.gmi.autodiff.ops.BilinearScores;
import org.gmi.autodiff.ops.GatherRows;
import org.gmi.autodiff.ops.MatMul;
import org.gmi.autodiff.ops.RowMean;
import org.gmi.autodiff.ops.Sigmoid;
import org.gmi.engine.Matrix;
import org.gmi.graph.NegativeSampler;
import org.gmi.models.PhaseTimes.Phase;

/**
 * DGI (Velickovic et al., ICLR 2019) as its official code computes it:
 * <pre>
 *   H  = PReLU(Â X W + b)                 H~ = PReLU(Â X[perm] W + b)   (rows of X shuffled)
 *   s  = sigmoid(mean_i h_i)
 *   L  = BCE-with-logits over h_i^T B s + c (label 1) and h~_i^T B s + c (label 0)
 * </pre>
 * With two layers ({@code --layers 2}) both passes go through a second GCN layer
 * PReLU(Â H1 W2 + b2). X[perm] W is computed as rows of X W shuffled, which is the same matrix. The shuffle of epoch e
 * comes from a sampler seeded with {@code EpochSeeds.of(seed, CORRUPTION, e)}; the permutation and the
 * all-zero index list that pairs every node with the summary are arrays planned once.
 */
public final class DgiModel implements SelfSupervisedModel {
    /** DGI's one term: the binary cross-entropy of its discriminator ({@code bce} in logs and metrics.json). */
    public record Terms(double bce) implements SelfSupervisedModel.Terms {
        @Override
        public Map<String, Double> byName() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("bce", bce);
            return m;
        }
    }

    private final GraphOperators ops;
    private final GcnEncoder encoder;
    /** B^T of the bilinear discriminator, d x d, so v = s B^T and the score is h_i . v. */
    private final Parameter bilinearT;
    private final Parameter bias;
    private final long seed;
    private NegativeSampler shuffler;
    /**
     * The full-batch forward's corruption, a row permutation refilled at each forward, and its one
     * list of zeros (every score reads the one summary row): N long each, allocated by the first one,
     * as minibatch training never needs them.
     */
    private int[] perm;
    private int[][] toSummary;
    private PhaseTimes phases = new PhaseTimes();

    /** DGI with its papers' one-layer encoder. */
    public DgiModel(GraphOperators ops, TrainConfig config) {
        this(ops, config, 1);
    }

    /** DGI with a GCN encoder of {@code layers} (1 or 2) layers; the corruption runs through the same layers. */
    public DgiModel(GraphOperators ops, TrainConfig config, int layers) {
        this.ops = ops;
        int f = ops.numFeatures();
        int d = config.hidden;
        SplittableRandom init = new SplittableRandom(config.seed);
        this.encoder = new GcnEncoder(f, d, layers, init);
        this.bilinearT = Init.xavierUniform("disc.weight", d, d, (double) d * d, d, init);
        this.bias = Parameter.zeros("disc.bias", 1, 1);
        this.seed = config.seed;
        this.shuffler = new NegativeSampler(EpochSeeds.of(seed, EpochSeeds.CORRUPTION, 0));
    }

    @Override
    public void setPhaseTimes(PhaseTimes times) {
        this.phases = java.util.Objects.requireNonNull(times, "times");
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(encoder.parameters());
        ps.add(bilinearT);
        ps.add(bias);
        return ps;
    }

    @Override
    public void startEpoch(int epoch) {
        shuffler = new NegativeSampler(EpochSeeds.of(seed, EpochSeeds.CORRUPTION, epoch));
    }

    @Override
    public Loss forward(Tape tape) {
        int n = ops.numNodes();
        if (perm == null) {
            perm = new int[n];
            toSummary = new int[][] {new int[n]};
        }
        phases.start(Phase.ENCODER);
        shuffler.permutation(n, perm);
        Tensor z = encoder.firstProjection(tape, ops.features());
        Tensor h = encoder.propagate(tape, ops.propagation(), z, "");
        Tensor hCorrupt = encoder.propagate(tape, ops.propagation(), GatherRows.apply(tape, "Z[perm]", z, perm), "corrupt.");
        return loss(tape, h, hCorrupt, toSummary);
    }

    /**
     * The loss on a minibatch's seeds: the corruption shuffles the rows of X W over all the batch's
     * nodes, both passes run through the sampled blocks, and the summary is the mean over the seeds.
     */
    @Override
    public Loss forward(Tape tape, BatchOperators batch, long seed) {
        int total = batch.nodes().length;
        phases.start(Phase.ENCODER);
        // the batch's nodes shuffled among themselves; the padding rows stay where they are
        int[] batchPerm = java.util.Arrays.copyOf(new NegativeSampler(seed).permutation(total), batch.paddedNodes());
        for (int i = total; i < batchPerm.length; i++) {
            batchPerm[i] = i;
        }
        Tensor z = encoder.firstProjection(tape, batch.features());
        Tensor h = encoder.propagate(tape, batch.blocks(), z, "");
        Tensor hCorrupt = encoder.propagate(tape, batch.blocks(), GatherRows.apply(tape, "Z[perm]", z, batchPerm), "corrupt.");
        return loss(tape, h, hCorrupt, new int[][] {new int[batch.seeds()]});
    }

    private Loss loss(Tape tape, Tensor h, Tensor hCorrupt, int[][] toSummary) {
        phases.start(Phase.DISCRIMINATORS);
        Tensor summary = Sigmoid.apply(tape, "s", RowMean.apply(tape, "mean(H)", h));
        Tensor v = MatMul.apply(tape, "s B^T", summary, bilinearT);
        Tensor pos = BilinearScores.apply(tape, "D+", v, h, toSummary, bias);
        Tensor neg = BilinearScores.apply(tape, "D-", v, hCorrupt, toSummary, bias);
        Tensor loss = BceWithLogits.apply(tape, "bce", pos, neg);
        return new Loss(loss, new Terms(loss.scalar()));
    }

    /**
     * Replaces the sampler that later forwards draw their corruption from (one
     * {@link NegativeSampler#permutation} of the rows per forward). Test hook: a finite-difference
     * gradient check needs the same corruption at every forward, so it installs a fresh sampler with
     * the same seed before each one. Training never calls this (it re-seeds through {@link #startEpoch}).
     */
    public void setNegativeSampler(NegativeSampler sampler) {
        this.shuffler = java.util.Objects.requireNonNull(sampler, "sampler");
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
        return "DGI(" + encoder + ")";
    }
}
