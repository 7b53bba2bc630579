package org.gmi.models;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.graph.NegativeSampler;

/**
 * Everything that decides a training run. Defaults are the official code's (DESIGN section 2).
 * Mutable on purpose: the CLI fills it from flags, then {@link #validate()} checks it once.
 */
public final class TrainConfig implements java.io.Serializable {
    public Method method = Method.GMI;
    /** Encoder depth; 0 means the default (GMI: 2 for Cora, 1 otherwise; DGI: 1, as both papers). */
    public int layers = 0;
    public int hidden = 512;
    public int negatives = 5;
    public double alpha = 0.8;
    public double beta = 1.0;
    public double gamma = 1.0;
    public double lr = 1e-3;
    public int epochs = 550;
    public int patience = 20;
    public long seed = 0;
    /**
     * How GMI draws its negatives: {@link NegativeSampler.Mode#UNIFORM} (for every node an independent
     * uniform node j != i, as the official code) or {@link NegativeSampler.Mode#DERANGEMENT} (a random
     * permutation without fixed points). DGI always shuffles rows, as its official code.
     */
    public NegativeSampler.Mode sampler = NegativeSampler.Mode.UNIFORM;
    /** GMI's reconstruction term: exact over all N^2 pairs, or sampled (every edge plus k non-edges per node). */
    public ReconstructionMode reconstruction = ReconstructionMode.EXACT;
    /** k, the non-edges drawn per node and epoch by the sampled reconstruction. */
    public int reconNegatives = 5;
    /** GMI's neighbour aggregation: the official mean over N_i, or the paper's adaptive sigmoid(h_i . h_j) weights. */
    public GmiVariant variant = GmiVariant.MEAN;
    /**
     * Where GMI's JSD estimator applies its softplus: to the discriminators' sigmoid outputs, as the
     * official code ({@link JsdMi.Mode#PROBABILITIES}), or to the raw bilinear scores, the DIM form
     * ({@link JsdMi.Mode#LOGITS}).
     */
    public JsdMi.Mode jsdOn = JsdMi.Mode.PROBABILITIES;
    /** Seed nodes per minibatch ({@link MinibatchTrainer}); 0 trains on the whole graph at once. */
    public int batchSize = 0;
    /**
     * Minibatch training's neighbours sampled per node at each hop, one per encoder layer (GraphSAGE's
     * fan-outs); null for {@link #defaultFanouts}.
     */
    public int[] fanouts = null;

    /** Throws IllegalArgumentException naming the first value out of range. */
    public void validate() {
        require(layers == 0 || layers == 1 || layers == 2, "--layers must be 1 or 2, got " + layers);
        require(hidden >= 1, "--hidden must be >= 1, got " + hidden);
        require(negatives >= 1, "--negatives must be >= 1, got " + negatives);
        require(alpha >= 0 && Double.isFinite(alpha), "--alpha must be a finite number >= 0, got " + alpha);
        require(beta >= 0 && Double.isFinite(beta), "--beta must be a finite number >= 0, got " + beta);
        require(gamma >= 0 && Double.isFinite(gamma), "--gamma must be a finite number >= 0, got " + gamma);
        require(lr > 0 && Double.isFinite(lr), "--lr must be > 0, got " + lr);
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(patience >= 1, "--patience must be >= 1, got " + patience);
        require(sampler != null, "--sampler must be uniform or derangement");
        require(reconstruction != null, "--reconstruction must be exact or sampled");
        require(variant != null, "--variant must be mean or adaptive");
        require(jsdOn != null, "--jsd-on must be probabilities or logits");
        require(reconNegatives >= 1, "--recon-negatives must be >= 1, got " + reconNegatives);
        require(batchSize == 0 || batchSize >= 2, "--batch-size must be at least 2 (negatives are drawn among a batch's seeds), "
                + "or 0 for full batch; got " + batchSize);
        if (fanouts != null) {
            require(batchSize > 0, "--fanout applies to minibatch training; give --batch-size too");
            for (int f : fanouts) {
                require(f >= 1, "--fanout values must be >= 1, got " + f);
            }
        }
    }

    /** {@code 25,10}: fan-outs as --fanout takes them. */
    public static String fanoutText(int[] fanouts) {
        StringBuilder sb = new StringBuilder();
        for (int f : fanouts) {
            sb.append(sb.isEmpty() ? "" : ",").append(f);
        }
        return sb.toString();
    }

    /** GraphSAGE's fan-outs: 25 neighbours at the first hop, 10 at the second. */
    public static int[] defaultFanouts(int layers) {
        return layers == 1 ? new int[] {25} : new int[] {25, 10};
    }

    /** The fan-outs of a minibatch run of an encoder of {@code layers} layers: the given ones, else the default. */
    public int[] fanoutsFor(int layers) {
        int[] f = fanouts != null ? fanouts : defaultFanouts(layers);
        require(f.length == layers, "--fanout gives " + f.length + " fan-out" + (f.length == 1 ? "" : "s") + " for an encoder of "
                + layers + " layer" + (layers == 1 ? "" : "s") + "; give one per layer");
        return f;
    }

    /**
     * Every value that changes the mathematics of training, as text that round-trips exactly
     * ({@link Double#toString}); a checkpoint stores it and a resumed run must match it.
     * Keys are the CLI's flag names without dashes.
     */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("method", method.cliName());
        m.put("layers", Integer.toString(layers));
        m.put("hidden", Integer.toString(hidden));
        m.put("negatives", Integer.toString(negatives));
        m.put("alpha", Double.toString(alpha));
        m.put("beta", Double.toString(beta));
        m.put("gamma", Double.toString(gamma));
        m.put("lr", Double.toString(lr));
        m.put("epochs", Integer.toString(epochs));
        m.put("patience", Integer.toString(patience));
        m.put("seed", Long.toString(seed));
        m.put("sampler", sampler.name().toLowerCase(Locale.ROOT));
        m.put("reconstruction", reconstruction.cliName());
        m.put("recon_negatives", Integer.toString(reconNegatives));
        m.put("variant", variant.cliName());
        m.put("jsd_on", jsdOnName(jsdOn));
        if (batchSize > 0) {
            m.put("batch_size", Integer.toString(batchSize));
            m.put("fanout", fanouts != null ? fanoutText(fanouts) : layers == 0 ? "default" : fanoutText(defaultFanouts(layers)));
        }
        return m;
    }

    /** {@code probabilities} or {@code logits}: the value of {@code --jsd-on}. */
    public static String jsdOnName(JsdMi.Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code --reconstruction auto}: exact up to this many nodes (Cora, Citeseer), sampled above,
     * where the exact term's 3 N^2 d FLOP per epoch dominate the epoch (the sampled term's are
     * O(nnz d)). A rule on the size alone, so that a command
     * computes the same thing on every machine.
     */
    public static final int AUTO_EXACT_MAX_NODES = 5000;

    /** The reconstruction {@code auto} picks for a graph of {@code nodes} nodes. */
    public static ReconstructionMode autoReconstruction(int nodes) {
        return nodes <= AUTO_EXACT_MAX_NODES ? ReconstructionMode.EXACT : ReconstructionMode.SAMPLED;
    }

    /** The encoder depth for this dataset: explicit --layers, else for GMI 2 on Cora and 1 otherwise, for DGI 1. */
    public int layersFor(String datasetName) {
        if (layers != 0) {
            return layers;
        }
        if (method == Method.DGI) {
            return 1;
        }
        return "cora".equalsIgnoreCase(datasetName) ? 2 : 1;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
