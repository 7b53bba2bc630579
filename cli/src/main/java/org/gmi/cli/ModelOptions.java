package org.gmi.cli;

import org.gmi.autodiff.ops.JsdMi;
import org.gmi.engine.Backend;
import org.gmi.graph.Graph;
import org.gmi.graph.NegativeSampler;
import org.gmi.models.GmiVariant;
import org.gmi.models.Method;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.TrainConfig;
import picocli.CommandLine.Option;

/**
 * The flags of the model and its objective, shared by {@code gmi train} and {@code gmi bench} so
 * that both train the same thing from the same flags: the encoder's shape, GMI's terms and their
 * weights, the optimiser's rate and the seed. {@link #config} builds the {@link TrainConfig} once.
 */
public final class ModelOptions {
    private static final TrainConfig DEFAULTS = new TrainConfig();

    @Option(names = "--layers", paramLabel = "N",
            description = "GCN encoder layers, 1 or 2 (default, as the papers: GMI 2 for Cora and 1 otherwise; DGI 1).")
    int layers = DEFAULTS.layers;

    @Option(names = "--hidden", paramLabel = "N", description = "Embedding dimensions (default: ${DEFAULT-VALUE}).")
    int hidden = DEFAULTS.hidden;

    @Option(names = "--negatives", paramLabel = "K", description = "Negative samples per node for each GMI discriminator (default: ${DEFAULT-VALUE}).")
    int negatives = DEFAULTS.negatives;

    @Option(names = "--alpha", paramLabel = "W", description = "GMI weight of the feature MI term, mi_feature (default: ${DEFAULT-VALUE}).")
    double alpha = DEFAULTS.alpha;

    @Option(names = "--beta", paramLabel = "W", description = "GMI weight of the neighbour MI term, mi_neighbour (default: ${DEFAULT-VALUE}).")
    double beta = DEFAULTS.beta;

    @Option(names = "--gamma", paramLabel = "W", description = "GMI weight of the adjacency reconstruction term (default: ${DEFAULT-VALUE}).")
    double gamma = DEFAULTS.gamma;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr = DEFAULTS.lr;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation, negative sampling and the probe (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed;

    @Option(names = "--sampler", paramLabel = "uniform|derangement", converter = Choices.SamplerConverter.class,
            completionCandidates = Choices.SamplerCandidates.class,
            description = {"How GMI draws negatives (default: uniform): uniform, for every node a uniformly random other node "
                    + "(as the official code); derangement, a random permutation without fixed points. DGI always shuffles rows."})
    NegativeSampler.Mode sampler = DEFAULTS.sampler;

    @Option(names = "--reconstruction", paramLabel = "auto|exact|sampled", converter = Choices.ReconstructionChoiceConverter.class,
            completionCandidates = Choices.ReconstructionChoiceCandidates.class,
            description = {"GMI's reconstruction term (default: auto): exact, every one of the N^2 node pairs, tiled "
                    + "(about 3 N^2 d FLOP per epoch, no N x N buffer); sampled, every pair of A + I plus --recon-negatives "
                    + "random non-edges per node, reweighted to estimate the same mean (about 6 (|A + I| + k N) d FLOP), "
                    + "for graphs where N^2 d is too much; auto, exact up to " + TrainConfig.AUTO_EXACT_MAX_NODES + " nodes and "
                    + "sampled above (stderr says which and why)."})
    Choices.ReconstructionChoice reconstructionChoice = Choices.ReconstructionChoice.AUTO;

    /** The reconstruction the run uses: --reconstruction, or what auto chose for the graph ({@link #resolveReconstruction}). */
    ReconstructionMode reconstruction = DEFAULTS.reconstruction;

    @Option(names = "--recon-negatives", paramLabel = "K",
            description = "Non-edges drawn per node and epoch by --reconstruction sampled (default: ${DEFAULT-VALUE}).")
    int reconNegatives = DEFAULTS.reconNegatives;

    @Option(names = "--variant", paramLabel = "mean|adaptive", converter = Choices.VariantConverter.class,
            completionCandidates = Choices.VariantCandidates.class,
            description = {"GMI's neighbour aggregation (default: mean): mean, hn_i from the mean of the neighbours' X W1 rows "
                    + "(GMI-mean, the official code); adaptive, weighted by sigmoid(h_i . h_j) over the neighbours, h the "
                    + "encoder output, normalised over each node's neighbours, learnt through the weights (GMI-adaptive)."})
    GmiVariant variant = DEFAULTS.variant;

    @Option(names = "--jsd-on", paramLabel = "probabilities|logits", converter = Choices.JsdOnConverter.class,
            completionCandidates = Choices.JsdOnCandidates.class,
            description = {"Where GMI's JSD estimator applies its softplus (default: probabilities): probabilities, to the "
                    + "discriminators' sigmoid outputs, as the official code; logits, to the raw bilinear scores, the DIM form."})
    JsdMi.Mode jsdOn = DEFAULTS.jsdOn;

    @Option(names = "--batch-size", paramLabel = "B",
            description = {"Train in minibatches of B seed nodes, each with its sampled neighbourhood (--fanout), so that "
                    + "memory is bounded by the batch, not the graph; 0 (default) trains on the whole graph at once. "
                    + "CPU only."})
    int batchSize = DEFAULTS.batchSize;

    @Option(names = "--fanout", paramLabel = "F1,F2", split = ",",
            description = {"With --batch-size: neighbours sampled per node at each hop, one per encoder layer "
                    + "(default: 25,10 for two layers, 25 for one, as GraphSAGE)."})
    int[] fanouts;

    /** The configuration these flags describe, with the command's own epoch budget. */
    TrainConfig config(Method method, int epochs, int patience) {
        TrainConfig c = new TrainConfig();
        c.method = method;
        c.layers = layers;
        c.hidden = hidden;
        c.negatives = negatives;
        c.alpha = alpha;
        c.beta = beta;
        c.gamma = gamma;
        c.lr = lr;
        c.epochs = epochs;
        c.patience = patience;
        c.seed = seed;
        c.sampler = sampler;
        c.reconstruction = reconstruction;
        c.reconNegatives = reconNegatives;
        c.variant = variant;
        c.jsdOn = jsdOn;
        c.batchSize = batchSize;
        c.fanouts = fanouts;
        return c;
    }

    /** Refuses --fanout with a count other than one per encoder layer (with --batch-size). */
    void requireFanouts(TrainConfig config, int layers) {
        if (config.batchSize > 0) {
            try {
                config.fanoutsFor(layers);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }
    }

    /**
     * Sets {@link #reconstruction}: the one asked for, or for auto exact on graphs of at most
     * {@link TrainConfig#AUTO_EXACT_MAX_NODES} nodes and sampled above (in minibatches exact, over each
     * batch's seed pairs); returns the line that says which and why (with the FLOP of both), or null
     * when there is nothing to say (asked for, or no GMI reconstruction).
     */
    String resolveReconstruction(Graph graph, Method method) {
        if (batchSize > 0) {
            if (method == Method.GMI && reconstructionChoice == Choices.ReconstructionChoice.SAMPLED) {
                throw new BadInputException("--reconstruction sampled: minibatch training computes the reconstruction exactly "
                        + "over each batch's B x B seed pairs; drop --reconstruction or --batch-size");
            }
            reconstruction = ReconstructionMode.EXACT;
            return null;
        }
        if (reconstructionChoice == Choices.ReconstructionChoice.EXACT) {
            reconstruction = ReconstructionMode.EXACT;
            return null;
        }
        if (reconstructionChoice == Choices.ReconstructionChoice.SAMPLED) {
            reconstruction = ReconstructionMode.SAMPLED;
            return null;
        }
        int n = graph.numNodes();
        ReconstructionMode pick = TrainConfig.autoReconstruction(n);
        reconstruction = pick;
        if (method == Method.GMI && gamma > 0) {
            double exact = 3.0 * n * n * hidden;
            double sampled = 6.0 * (graph.adjacencyRows().entries() + n + (double) reconNegatives * n) * hidden;
            return Text.fmt("--reconstruction auto: %s, as the graph has %d nodes (%s %d); the exact term costs %s FLOP "
                            + "per epoch, the sampled one %s%s", pick.cliName(), n, pick == ReconstructionMode.EXACT ? "<=" : ">",
                    TrainConfig.AUTO_EXACT_MAX_NODES, Text.flop(exact), Text.flop(sampled), pick == ReconstructionMode.EXACT
                            ? "" : " (--reconstruction exact computes every pair)");
        }
        return null;
    }

    /** {@code exact reconstruction} or {@code sampled reconstruction (5 non-edges per node)}. */
    String reconstructionText() {
        return reconstruction == ReconstructionMode.SAMPLED
                ? "sampled reconstruction (" + reconNegatives + " non-edges per node)" : "exact reconstruction";
    }

    /**
     * Refuses (closing it) a backend that lacks a kernel these flags need: GMI-adaptive's neighbour
     * weights; GMI-adaptive in minibatches; and minibatch training anywhere but on the CPU.
     */
    void requireKernels(Method method, Backend backend) {
        if (batchSize > 0 && method == Method.GMI && variant == GmiVariant.ADAPTIVE) {
            backend.close();
            throw new BadInputException("--variant adaptive: GMI-adaptive weights neighbours by their embeddings, which a "
                    + "minibatch computes for its seeds only; use --variant mean with --batch-size");
        }
        if (batchSize > 0 && !backend.isCpu()) {
            backend.close();
            throw new BadInputException("--batch-size: minibatch training runs on the CPU; drop --device " + backend.name()
                    + " or --batch-size");
        }
        if (method == Method.GMI && variant == GmiVariant.ADAPTIVE && !backend.hasNeighbourWeights()) {
            backend.close();
            throw new BadInputException("--variant adaptive: backend " + backend.name()
                    + " has no kernels for GMI-adaptive's neighbour weights; use --device cpu or --variant mean");
        }
    }
}
