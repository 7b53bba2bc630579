package org.gmi.models;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Spmm;
import org.gmi.graph.Graph;

/**
 * The Java heap a training run needs at its peak (the backward pass of an epoch), estimated before
 * anything is allocated, from the sizes alone (N nodes, F features, d hidden, K negatives, L layers,
 * T threads; 4 bytes a float, 8 a CSR entry):
 *
 * <ul>
 *   <li>dense N x d buffers, a value and a gradient for each: GMI 8 L (encoder) + 2 (U = X B1)
 *       + 6 (M Z1, Hn, V = Hn B2^T), and with the exact reconstruction 2 + T more (its gradient buffer,
 *       H^T, and one N x d gradient per thread), with the sampled one 1 (its gradient: it keeps no
 *       per-thread N x d buffers); DGI 16 (two encoder passes, the shuffled Z1);
 *   <li>scores: GMI 2 (K + 1) N values and gradients and 2 K N sampled indices; DGI 2 N;
 *   <li>the sampled reconstruction: k N non-edge columns and their inverse, and T read by columns;
 *   <li>parameters (F x d and d x d matrices): value, gradient, Adam's two moments and the best-epoch
 *       snapshot, 5 copies; 4 more while a checkpoint is taken;
 *   <li>the SpMM panels: packed column panels of an F x d or N x d operand small enough for them,
 *       when the sparse matrix's rows are long enough ({@link Spmm#panelBufferBytes});
 *   <li>sparse matrices: the raw features and adjacency, the row-normalised X, Â, M, the target
 *       T = A + I, and the transposes the backward pass caches;
 *   <li>{@value #BASELINE_MIB} MiB for the rest (the dataset as loaded, the probe, the JVM's own objects).
 * </ul>
 * It errs on the high side by a few buffers; what it must never do is miss an N x d or F x d term.
 */
public record MemoryEstimate(long bytes, Map<String, Long> parts) {
    /** Heap for everything not counted term by term, in MiB. */
    public static final int BASELINE_MIB = 32;

    public static MemoryEstimate of(Graph graph, TrainConfig config, int threads, boolean checkpointing) {
        return of(graph, config, threads, checkpointing, true);
    }

    /** The heap of training epochs alone, without the embedding of the whole graph at the end ({@code gmi bench}). */
    public static MemoryEstimate ofEpochs(Graph graph, TrainConfig config, int threads) {
        return of(graph, config, threads, false, false);
    }

    /**
     * The heap of a minibatch driver whose batches' gradients are computed elsewhere, in
     * {@code slices} tasks a step (gmi-spark): the graph's raw A (and X unless it is mapped), no Â
     * or M ({@link GraphOperators#forRemoteBatches}); the parameters with their gradients, Adam's two
     * moments and the best epoch's copy; a step's copy of the parameters and its serialised form, each
     * task's gradient and the fixed-point sum (two floats' size); the embeddings read back, N x d.
     */
    public static MemoryEstimate ofRemoteDriver(Graph graph, TrainConfig config, int slices) {
        int layers = config.layersFor(graph.name());
        long n = graph.numNodes();
        long f = graph.numFeatures();
        long d = config.hidden;
        long params = f * d + d + 1 + (layers == 2 ? d * d + d + 1 : 0)
                + (config.method == Method.GMI ? f * d + 1 + d * d + 1 + 1 : d * d + 1);
        Map<String, Long> parts = new LinkedHashMap<>();
        rawGraph(parts, graph);
        parts.put("parameters, gradients, Adam's moments, the best epoch's copy", 5 * 4 * params);
        parts.put("a step's parameters on their way out and " + slices + " gradients and their sum on their way back",
                (2L + Math.max(1, slices) + 2) * 4 * params);
        parts.put("the embeddings read back: " + n + " x " + d, 4 * n * d);
        parts.put("baseline", (long) BASELINE_MIB << 20);
        return total(parts);
    }

    private static MemoryEstimate of(Graph graph, TrainConfig config, int threads, boolean checkpointing, boolean embedding) {
        int layers = config.layersFor(graph.name());
        if (config.batchSize > 0) {
            return ofMinibatch(graph, config, layers, threads, embedding);
        }
        Map<String, Long> parts = new LinkedHashMap<>();
        training(parts, "", graph.numNodes(), graph.numFeatures(), graph.adjacencyRows().entries(), graph.featureRows().entries(), config,
                layers, threads, checkpointing);
        parts.put("baseline", (long) BASELINE_MIB << 20);
        return total(parts);
    }

    /**
     * Minibatch training: what one batch needs as full-batch training would on a graph of its size (at
     * most B (1 + f1 + f1 f2) nodes, twice its sampled edges, the graph's mean feature count per node),
     * beside the whole graph's raw A and X unless they are mapped from the binary layout's files, Â's
     * and M's normalisers for an A on the heap (two N-long arrays: the batches compute their entries
     * from A), the neighbour sampler's index, and the layer-by-layer inference at the end (two N x d
     * buffers) when {@code embedding}.
     */
    private static MemoryEstimate ofMinibatch(Graph graph, TrainConfig config, int layers, int threads, boolean embedding) {
        long n = graph.numNodes();
        long reach = 1;
        long edges = 0;
        long bound = 1;
        for (int f : config.fanoutsFor(layers)) {
            reach *= f;
            bound += reach;
            edges += reach;
        }
        long seeds = Math.min(config.batchSize, n);
        long nb = Math.min(n, bound * seeds);
        long aNnz = Math.min(graph.adjacencyRows().entries(), 2 * edges * seeds);
        long xNnz = graph.featureRows().entries() * nb / Math.max(n, 1);
        Map<String, Long> parts = new LinkedHashMap<>();
        training(parts, "a batch: ", nb, graph.numFeatures(), aNnz, xNnz, config, layers, threads, false);
        rawGraph(parts, graph);
        if (graph.adjacencyRows() instanceof org.gmi.engine.CsrMatrix) {
            // a mapped A's normalisers follow from its row offsets as they are needed
            parts.put("Â's and M's normalisers", 16L * n);
        }
        // the models' N-long index lists are the full-batch forward's: a minibatch run never allocates them
        parts.put("the neighbour sampler's index", 4L * n);
        if (embedding) {
            // two N x d buffers once training's are gone; Â's rows are computed a chunk at a time
            parts.put("inference: two dense " + n + " x " + config.hidden + " buffers", 2L * n * config.hidden * 4);
        }
        parts.put("baseline", (long) BASELINE_MIB << 20);
        return total(parts);
    }

    private static MemoryEstimate total(Map<String, Long> parts) {
        long total = 0;
        for (long v : parts.values()) {
            total += v;
        }
        return new MemoryEstimate(total, parts);
    }

    /** The parts of full-batch training on a graph of n nodes, F features and the given non-zeros, named with {@code prefix}. */
    private static void training(Map<String, Long> parts, String prefix, long n, long f, long aNnz, long xNnz, TrainConfig config,
                                 int layers, int threads, boolean checkpointing) {
        long d = config.hidden;
        long k = config.negatives;
        long nd = n * d * 4;
        long paramFloats;
        if (config.method == Method.GMI) {
            long dense = 8L * layers;
            if (config.alpha > 0) {
                dense += 2;
            }
            if (config.beta > 0) {
                dense += 6;
            }
            boolean sampled = config.gamma > 0 && config.reconstruction == ReconstructionMode.SAMPLED;
            if (config.gamma > 0) {
                dense += sampled ? 1 : 2 + Math.max(threads, 1);
            }
            parts.put(prefix + dense + " dense " + n + " x " + d + " buffers", dense * nd);
            // scores and their gradients, the 2K negative lists, the lists inverted for the backward
            parts.put(prefix + "scores and negatives", 2 * (k + 1) * n * 4 * 2 + 2 * k * n * 4 + ((k + 1) * n + 2 * n) * 4);
            if (sampled) {
                long kr = config.reconNegatives;
                long pairs = aNnz + n; // T = A + I, at most
                // draws and their inverse (2 k N), its pointers and scratch (2 N); per pair T read by columns
                // (row, entry index; its N + 1 pointers rounded up to a pair's int)
                parts.put(prefix + "sampled reconstruction", (2 * kr * n + 2 * n + 3 * pairs) * 4);
            }
            paramFloats = f * d + d + 1 + (layers == 2 ? d * d + d + 1 : 0) + f * d + 1 + d * d + 1 + 1;
        } else {
            // a second layer adds H1 W2, Â H1 W2 + b2 and H2 with their gradients, for both passes
            long dense = 16 + (layers == 2 ? 12 : 0);
            parts.put(prefix + dense + " dense " + n + " x " + d + " buffers", dense * nd);
            parts.put(prefix + "scores and shuffle", 2 * n * 4 * 2 + n * 4);
            paramFloats = f * d + d + 1 + (layers == 2 ? d * d + d + 1 : 0) + d * d + 1;
        }
        int copies = 5 + (checkpointing ? 4 : 0);
        parts.put(prefix + "parameters (" + paramFloats + " floats x " + copies + ")", paramFloats * 4 * copies);
        long csrA = csrBytes(aNnz, n);
        long csrAI = csrBytes(aNnz + n, n);
        long csrX = csrBytes(xNnz, n);
        // raw X and A, normalised X (and its transpose), Â and M (and transposes), T
        parts.put(prefix + "sparse matrices", csrX + csrA + 2 * csrBytes(xNnz, Math.max(n, f)) + 2 * csrAI + 2 * csrA + csrAI);
        // the SpMM panels: X's products read F x d operands, Â's and M's N x d ones
        long panels = Math.max(Spmm.panelBufferBytes(xNnz, (int) n, (int) f, (int) d, threads),
                Spmm.panelBufferBytes(aNnz + n, (int) n, (int) n, (int) d, threads));
        if (panels > 0) {
            parts.put(prefix + "SpMM panels", panels);
        }
    }

    /** The graph as loaded: raw A and X on the heap, unless they are mapped from the binary layout's files. */
    private static void rawGraph(Map<String, Long> parts, Graph graph) {
        long n = graph.numNodes();
        long a = graph.adjacencyRows() instanceof org.gmi.engine.CsrMatrix ? csrBytes(graph.adjacencyRows().entries(), n) : 0;
        if (graph.featureRows() instanceof org.gmi.engine.CsrMatrix) {
            parts.put("the graph's raw A and X", a + csrBytes(graph.featureRows().entries(), n));
        } else if (a > 0) {
            parts.put("the graph's raw A (X stays in its mapped file)", a);
        }
    }

    private static long csrBytes(long nnz, long rows) {
        return nnz * 8 + (rows + 1) * 4;
    }

    public long mib() {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** {@code 20 dense 18333 x 512 buffers 717 MiB, parameters (...) 133 MiB, ...}: the parts of the estimate. */
    public String breakdown() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : parts.entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(' ').append(size(e.getValue()));
        }
        return sb.toString();
    }

    /** A byte count as KiB, MiB or GiB, 3 significant figures. */
    public static String size(long bytes) {
        double mib = bytes / (double) (1 << 20);
        if (mib < 1) {
            return String.format(Locale.ROOT, "%.3g KiB", bytes / 1024.0);
        }
        if (mib >= 1024) {
            return String.format(Locale.ROOT, "%.3g GiB", mib / 1024);
        }
        return String.format(Locale.ROOT, "%.3g MiB", mib);
    }
}
