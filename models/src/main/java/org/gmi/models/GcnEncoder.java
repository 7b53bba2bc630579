package org.gmi.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.autodiff.ops.AddBias;
import org.gmi.autodiff.ops.MatMul;
import org.gmi.autodiff.ops.PRelu;
import org.gmi.autodiff.ops.SparseMatMul;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.SparseRows;
import org.gmi.graph.NormalizedAdjacency;
import org.gmi.graph.Normalization;

/**
 * The GCN encoder shared by GMI and DGI, one or two layers, each {@code PReLU(Â Z W + b)}.
 *
 * <p>Shapes: X (N x F) sparse -> Z1 = X W1 (N x d), H1 = PReLU(Â Z1 + b1) (N x d),
 * H2 = PReLU(Â H1 W2 + b2) (N x d). The first layer's X W1 is returned too: GMI's neighbour
 * average reads it.
 */
public final class GcnEncoder {
    private final int in;
    private final int hidden;
    private final int layers;
    private final Parameter w1;
    private final Parameter b1;
    private final Parameter a1;
    private final Parameter w2;
    private final Parameter b2;
    private final Parameter a2;

    /** The outputs of one forward pass. */
    public record Output(Tensor z1, Tensor h) {}

    public GcnEncoder(int in, int hidden, int layers, SplittableRandom rng) {
        if (layers != 1 && layers != 2) {
            throw new IllegalArgumentException("encoder layers must be 1 or 2, got " + layers);
        }
        this.in = in;
        this.hidden = hidden;
        this.layers = layers;
        this.w1 = Init.linear("gcn1.weight", in, hidden, rng);
        this.b1 = Parameter.zeros("gcn1.bias", 1, hidden);
        this.a1 = Init.preluSlope("gcn1.prelu");
        if (layers == 2) {
            this.w2 = Init.linear("gcn2.weight", hidden, hidden, rng);
            this.b2 = Parameter.zeros("gcn2.bias", 1, hidden);
            this.a2 = Init.preluSlope("gcn2.prelu");
        } else {
            this.w2 = null;
            this.b2 = null;
            this.a2 = null;
        }
    }

    /**
     * An encoder with saved parameters ({@link #parameters()}'s order and names: gcn1.weight F x d,
     * gcn1.bias 1 x d, gcn1.prelu 1 x 1, then the same for gcn2 with d x d): {@link EncoderFile}.
     */
    GcnEncoder(List<Parameter> saved) {
        if (saved.size() != 3 && saved.size() != 6) {
            throw new IllegalArgumentException("an encoder has 3 (one layer) or 6 (two layers) parameters, got " + saved.size());
        }
        this.layers = saved.size() / 3;
        this.w1 = saved.get(0);
        this.in = w1.rows();
        this.hidden = w1.cols();
        this.b1 = saved.get(1);
        this.a1 = saved.get(2);
        this.w2 = layers == 2 ? saved.get(3) : null;
        this.b2 = layers == 2 ? saved.get(4) : null;
        this.a2 = layers == 2 ? saved.get(5) : null;
        String[] names = layers == 2 ? NAMES_2 : NAMES_1;
        int[][] shapes = layers == 2
                ? new int[][] {{in, hidden}, {1, hidden}, {1, 1}, {hidden, hidden}, {1, hidden}, {1, 1}}
                : new int[][] {{in, hidden}, {1, hidden}, {1, 1}};
        for (int k = 0; k < saved.size(); k++) {
            Parameter p = saved.get(k);
            if (!p.name().equals(names[k]) || p.rows() != shapes[k][0] || p.cols() != shapes[k][1]) {
                throw new IllegalArgumentException("parameter " + (k + 1) + " is " + p.name() + " (" + p.rows() + "x" + p.cols()
                        + "), the encoder's is " + names[k] + " (" + shapes[k][0] + "x" + shapes[k][1] + ")");
            }
        }
    }

    /** The encoder of {@code saved} (names and shapes as {@link #parameters()}), e.g. parameters sent to a worker. */
    public static GcnEncoder of(List<Parameter> saved) {
        return new GcnEncoder(saved);
    }

    private static final String[] NAMES_1 = {"gcn1.weight", "gcn1.bias", "gcn1.prelu"};
    private static final String[] NAMES_2 = {"gcn1.weight", "gcn1.bias", "gcn1.prelu", "gcn2.weight", "gcn2.bias", "gcn2.prelu"};

    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(List.of(w1, b1, a1));
        if (layers == 2) {
            ps.addAll(List.of(w2, b2, a2));
        }
        return ps;
    }

    /** Z1 = X W1 alone: the corruption of DGI shuffles its rows before propagation. */
    public Tensor firstProjection(Tape tape, CsrMatrix x) {
        return SparseMatMul.apply(tape, "Z1", x, w1);
    }

    /** The layers after X W1: H = PReLU(Â Z1 + b1) [then PReLU(Â H1 W2 + b2)]. */
    public Tensor propagate(Tape tape, CsrMatrix adj, Tensor z1, String prefix) {
        return propagate(tape, layers == 2 ? new CsrMatrix[] {adj, adj} : new CsrMatrix[] {adj}, z1, prefix);
    }

    /**
     * The layers after X W1, layer l propagating with {@code blocks[l]}: the whole graph's Â for every
     * layer, or a minibatch's sampled blocks ({@link BatchOperators}), where each layer has fewer rows
     * than columns (its output is the input of the next layer's rows).
     */
    public Tensor propagate(Tape tape, CsrMatrix[] blocks, Tensor z1, String prefix) {
        if (blocks.length != layers) {
            throw new IllegalArgumentException("an encoder of " + layers + " layers propagates with " + layers
                    + " matrices, got " + blocks.length);
        }
        Tensor h = PRelu.apply(tape, prefix + "H1",
                AddBias.apply(tape, prefix + "ÂZ1+b1", SparseMatMul.apply(tape, prefix + "ÂZ1", blocks[0], z1), b1), a1);
        if (layers == 2) {
            Tensor p = MatMul.apply(tape, prefix + "H1W2", h, w2);
            h = PRelu.apply(tape, prefix + "H2",
                    AddBias.apply(tape, prefix + "ÂH1W2+b2", SparseMatMul.apply(tape, prefix + "ÂH1W2", blocks[1], p), b2), a2);
        }
        return h;
    }

    /** Feature entries per chunk of the layer-by-layer embedding's first projection (on average). */
    private static final long FEATURE_CHUNK_ENTRIES = 1 << 20;

    /**
     * H for every node, computed layer by layer over chunks of {@code chunk} rows with the same ops as
     * {@link #forward}: Z1 = X' W1 (each chunk's rows of the raw features {@code rawX} read, on the heap
     * or from a mapped file, and divided by their sums as {@link Normalization#rowNormalizeFeatures}
     * does), then H1 = PReLU(Â Z1 + b1) [then H1 W2 and H2 = PReLU(Â H1 W2 + b2)].
     * Â's rows are computed chunk by chunk from A ({@link NormalizedAdjacency#propagationRows}), so
     * neither Â nor (when A is mapped) A is held whole. Every kernel computes an output row from its
     * input rows alone, so the result has the bits of {@link #forward}'s H; it holds two N x d buffers
     * where the forward holds four per layer.
     */
    public Matrix embedByChunks(SparseRows rawX, NormalizedAdjacency adj, int chunk) {
        int n = rawX.rows();
        Tape tape = new Tape();
        Matrix first = new Matrix(n, hidden);   // Z1, then H1 W2
        Matrix second = new Matrix(n, hidden);  // H1, then H2
        int xChunk = featureChunkRows(rawX, chunk);
        for (int r0 = 0; r0 < n; r0 += xChunk) {
            int r1 = Math.min(n, r0 + xChunk);
            store(projectFeatureRows(tape, rawX, r0, r1), first, r0);
        }
        layerByChunks(tape, adj, 1, first, second, chunk);
        if (layers == 2) {
            for (int r0 = 0; r0 < n; r0 += chunk) {
                int r1 = Math.min(n, r0 + chunk);
                Matrix rows = new Matrix(r1 - r0, hidden, java.util.Arrays.copyOfRange(second.data, r0 * hidden, r1 * hidden));
                store(projectHiddenRows(tape, rows), first, r0);
            }
            layerByChunks(tape, adj, 2, first, second, chunk);
        }
        tape.release();
        return second;
    }

    /**
     * Rows per chunk of the first projection for a chunk of {@code chunk} rows elsewhere: also at most
     * about {@code FEATURE_CHUNK_ENTRIES} feature entries on average, as X may be mapped and large.
     */
    public static int featureChunkRows(SparseRows rawX, int chunk) {
        return (int) Math.max(1, Math.min(chunk, FEATURE_CHUNK_ENTRIES * rawX.rows() / Math.max(1, rawX.entries())));
    }

    /**
     * Rows {@code r0..r1-1} of Z1 = X' W1, X' the raw feature rows divided by their sums. The result
     * is the tape's buffer: valid until the tape is next cleared. Each of these row-wise steps computes
     * an output row from its input rows alone, so any cut of the rows gives the same bits.
     */
    public Matrix projectFeatureRows(Tape tape, SparseRows rawX, int r0, int r1) {
        tape.clear();
        return firstProjection(tape, Normalization.rowNormalizeFeatures(rawX.rowRange(r0, r1))).value();
    }

    /**
     * Rows of layer {@code layer}'s output (1 or 2): PReLU(adjRows in + b), where {@code adjRows} holds
     * Â's rows and its columns index the rows of {@code in} (the layer's input, Z1 or H1 W2, whole or
     * the rows those columns name). The tape's buffer, as {@link #projectFeatureRows}.
     */
    public Matrix propagateRows(Tape tape, int layer, CsrMatrix adjRows, Matrix in) {
        if (layer < 1 || layer > layers) {
            throw new IllegalArgumentException("layer " + layer + " of an encoder of " + layers);
        }
        tape.clear();
        Parameter bias = layer == 1 ? b1 : b2;
        Parameter slope = layer == 1 ? a1 : a2;
        return PRelu.apply(tape, "H", AddBias.apply(tape, "ÂZ+b", SparseMatMul.apply(tape, "ÂZ", adjRows,
                Tensor.constant("Z", in)), bias), slope).value();
    }

    /** Rows of H1 W2 from rows of H1 (a two-layer encoder). The tape's buffer, as {@link #projectFeatureRows}. */
    public Matrix projectHiddenRows(Tape tape, Matrix h1Rows) {
        if (layers != 2) {
            throw new IllegalStateException("H1 W2: the encoder has one layer");
        }
        tape.clear();
        return MatMul.apply(tape, "H1W2", Tensor.constant("H1", h1Rows), w2).value();
    }

    /** out's rows = layer {@code layer}'s output from the whole input {@code in}, chunk by chunk. */
    private void layerByChunks(Tape tape, NormalizedAdjacency adj, int layer, Matrix in, Matrix out, int chunk) {
        int n = adj.adjacency().rows();
        for (int r0 = 0; r0 < n; r0 += chunk) {
            int r1 = Math.min(n, r0 + chunk);
            store(propagateRows(tape, layer, adj.propagationRows(r0, r1), in), out, r0);
        }
    }

    private static void store(Matrix v, Matrix into, int firstRow) {
        System.arraycopy(v.data, 0, into.data, firstRow * into.cols, v.rows * v.cols);
    }

    public Output forward(Tape tape, CsrMatrix x, CsrMatrix adj) {
        Tensor z1 = firstProjection(tape, x);
        return new Output(z1, propagate(tape, adj, z1, ""));
    }

    public int layers() {
        return layers;
    }

    /** F, the feature dimension it reads. */
    public int in() {
        return in;
    }

    /** d, the width of every layer. */
    public int hidden() {
        return hidden;
    }

    @Override
    public String toString() {
        return "GcnEncoder(" + in + " -> " + hidden + (layers == 2 ? " -> " + hidden : "") + ", prelu)";
    }
}
