package org.gmi.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.CsrBuilder;
import org.gmi.graph.Datasets;
import org.gmi.graph.Graph;
import org.gmi.graph.LoadReport;
import org.gmi.graph.Split;
import org.gmi.graph.SplitOptions;
import org.gmi.graph.Splits;
import org.gmi.models.EncoderFile;
import org.gmi.models.EncoderFormatException;
import org.gmi.models.Method;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.SavedEncoder;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.Trainer;
import org.gmi.models.TrainingListener;
import org.gmi.models.eval.LinearProbe;
import org.gmi.models.eval.LogisticProbe;
import org.gmi.models.eval.ProbeResult;

/**
 * The library's front door: load a graph, configure, train, get the embedding matrix, evaluate.
 * Everything {@code gmi train} does, from Java:
 *
 * <pre>{@code
 * Graph graph = Gmi.load("cora");                      // a bundled or downloadable name, or a path
 * TrainConfig config = Gmi.config(Method.GMI, graph);  // the CLI's defaults for this graph
 * config.epochs = 200;
 * Embedding emb = Gmi.train(graph, config);
 * float[][] rows = emb.toArray();                       // one row of config.hidden floats per node
 * ProbeResult acc = Gmi.evaluate(emb, graph);           // the honest probe, test accuracy in [0, 1]
 * }</pre>
 *
 * <p>Artifact: {@code org.gmi:gmi-models} (it brings {@code gmi-graph}, {@code gmi-engine} and
 * {@code gmi-autodiff}), installed into the local Maven repository by {@code ./mvnw install}. The
 * JVM needs {@code --add-modules jdk.incubator.vector} (the kernels use the Vector API), for
 * compiling and running; see docs/library.md and examples/library.
 *
 * <p>Methods throw {@link IllegalArgumentException} or {@code GraphFormatException} (a runtime
 * exception) on bad input, with a message naming what is wrong; nothing here exits the JVM or
 * prints.
 */
public final class Gmi {
    private Gmi() {}

    /**
     * A dataset as {@code gmi train --dataset} takes it: a bundled name ({@code cora}, {@code citeseer}),
     * a downloadable one ({@code pubmed}, {@code amazon-photo}, ...; fetched into the cache on first
     * use), a Planetoid folder, a {@code .npz} file, or a folder in the plain format. Graphs without
     * a public split get a random 10/10/80 split of their labelled nodes (seed 0).
     */
    public static Graph load(String nameOrPath) {
        return Datasets.load(nameOrPath, SplitOptions.DEFAULT);
    }

    /** As {@link #load(String)}, with the random split's fractions and seed. */
    public static Graph load(String nameOrPath, SplitOptions split) {
        return Datasets.load(nameOrPath, split);
    }

    /**
     * A graph from arrays.
     *
     * @param numNodes nodes, ids 0..numNodes-1
     * @param src      edge sources; with {@code dst} the undirected edges (repeats merged, self loops kept)
     * @param dst      edge targets, as long as {@code src}
     * @param features one row per node, all rows as long; null for one-hot features
     * @param labels   one class per node, -1 for unlabelled; null when there are none
     * @return the graph, with a random 10/10/80 split (seed 0) of its labelled nodes
     */
    public static Graph fromArrays(String name, int numNodes, int[] src, int[] dst, float[][] features, int[] labels) {
        if (src.length != dst.length) {
            throw new IllegalArgumentException("src has " + src.length + " entries, dst " + dst.length);
        }
        for (int k = 0; k < src.length; k++) {
            if (src[k] < 0 || src[k] >= numNodes || dst[k] < 0 || dst[k] >= numNodes) {
                throw new IllegalArgumentException("edge " + k + " (" + src[k] + ", " + dst[k] + ") is outside 0.." + (numNodes - 1));
            }
        }
        org.gmi.engine.CsrMatrix x;
        if (features == null) {
            // one-hot features as the plain loader makes them: the sparse N x N identity
            int[] ptr = new int[numNodes + 1];
            int[] col = new int[numNodes];
            float[] val = new float[numNodes];
            for (int i = 0; i < numNodes; i++) {
                ptr[i + 1] = i + 1;
                col[i] = i;
                val[i] = 1;
            }
            x = new org.gmi.engine.CsrMatrix(numNodes, numNodes, ptr, col, val);
        } else {
            if (features.length != numNodes) {
                throw new IllegalArgumentException(features.length + " feature rows for " + numNodes + " nodes");
            }
            int f = numNodes == 0 ? 0 : features[0].length;
            float[] dense = new float[numNodes * f];
            for (int i = 0; i < numNodes; i++) {
                if (features[i].length != f) {
                    throw new IllegalArgumentException("feature row " + i + " has " + features[i].length + " values, row 0 has " + f);
                }
                System.arraycopy(features[i], 0, dense, i * f, f);
            }
            x = CsrBuilder.fromDense(numNodes, f, dense);
        }
        int[] y = labels == null ? filled(numNodes, -1) : labels.clone();
        if (y.length != numNodes) {
            throw new IllegalArgumentException(y.length + " labels for " + numNodes + " nodes");
        }
        int classes = 0;
        for (int l : y) {
            if (l < -1) {
                throw new IllegalArgumentException("label " + l + ": labels are class ids >= 0, or -1 for unlabelled");
            }
            classes = Math.max(classes, l + 1);
        }
        CsrBuilder.Result a = CsrBuilder.fromEdges(numNodes, src, dst, true);
        return new Graph(name, a.matrix(), x, y, classes, Splits.random(y, SplitOptions.DEFAULT),
                new LoadReport(name, 0, a.selfLoopNodes(), 0, List.of()));
    }

    /**
     * The defaults {@code gmi train} uses for {@code method} on {@code graph}: the official codes'
     * settings, the encoder depth of the papers, and GMI's reconstruction exact up to
     * {@value TrainConfig#AUTO_EXACT_MAX_NODES} nodes and sampled above. The fields are public and
     * mutable ({@code config.epochs = 100}); {@link #train} checks them.
     */
    public static TrainConfig config(Method method, Graph graph) {
        TrainConfig c = new TrainConfig();
        c.method = method;
        c.layers = c.layersFor(graph.name());
        c.reconstruction = TrainConfig.autoReconstruction(graph.numNodes());
        return c;
    }

    /** Trains on all cores; see {@link #train(Graph, TrainConfig, int, TrainingListener)}. */
    public static Embedding train(Graph graph, TrainConfig config) {
        return train(graph, config, Runtime.getRuntime().availableProcessors(), TrainingListener.NONE);
    }

    /**
     * Trains {@code config.method} on {@code graph} with {@code threads} worker threads (the same seed
     * and thread count give the same bits), telling {@code listener} about every epoch.
     *
     * @throws IllegalArgumentException when the config is invalid (the message names the field)
     */
    public static Embedding train(Graph graph, TrainConfig config, int threads, TrainingListener listener) {
        Parallel.setThreads(threads);
        TrainResult r = Trainer.train(graph, config, listener);
        return new Embedding(r.embeddings(), r);
    }

    /**
     * Saves the encoder that made {@code embedding} (from {@link #train}) to {@code file}, atomically, in
     * the format of gmi train's {@code encoder.gmi}; {@link #loadEncoder} reads it back.
     */
    public static void saveEncoder(Embedding embedding, Path file) throws IOException {
        if (embedding.training() == null) {
            throw new IllegalArgumentException("this embedding was not trained here: it has no encoder to save");
        }
        Path temp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        EncoderFile.write(file, temp, embedding.training().encoder());
    }

    /** Reads an encoder file ({@code encoder.gmi} of gmi train, or {@link #saveEncoder}); throws {@link EncoderFormatException}. */
    public static SavedEncoder loadEncoder(Path file) {
        return EncoderFile.read(file);
    }

    /**
     * Embeds {@code graph}, which needs the encoder's feature columns, with {@code threads} threads; on
     * the training graph with the training's thread count it gives the training's embeddings bit for bit.
     */
    public static Embedding embed(SavedEncoder encoder, Graph graph, int threads) {
        Parallel.setThreads(threads);
        return new Embedding(encoder.embed(graph), null);
    }

    /**
     * The honest linear probe on the graph's split: embeddings standardised on the train nodes, an
     * L2 logistic regression solved to convergence, its strength chosen on the validation nodes;
     * {@link ProbeResult#mean()} is the test accuracy in [0, 1].
     */
    public static ProbeResult evaluate(Embedding embedding, Graph graph) {
        return LinearProbe.evaluateHonest(embedding.matrix(), graph, List.of(graph.split()), LogisticProbe.DEFAULT_GRID);
    }

    /** The honest probe over {@code splits} random 10/10/80 splits (seeds 0..splits-1): mean and std over them. */
    public static ProbeResult evaluate(Embedding embedding, Graph graph, int splits) {
        if (splits < 1) {
            throw new IllegalArgumentException("splits must be >= 1, got " + splits);
        }
        List<Split> list = new java.util.ArrayList<>();
        for (int k = 0; k < splits; k++) {
            list.add(Splits.random(graph.labels(), SplitOptions.DEFAULT.withSeed(k)));
        }
        return LinearProbe.evaluateHonest(embedding.matrix(), graph, list, LogisticProbe.DEFAULT_GRID);
    }

    /** An embedding from elsewhere (e.g. read from a file), for {@link #evaluate}. */
    public static Embedding embedding(float[][] rows) {
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        Matrix m = new Matrix(n, d);
        for (int i = 0; i < n; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + d);
            }
            System.arraycopy(rows[i], 0, m.data, i * d, d);
        }
        return new Embedding(m, null);
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** Re-exported so that callers need not import the models package for the common case. */
    public static final Method GMI = Method.GMI;
    public static final Method DGI = Method.DGI;
    public static final ReconstructionMode SAMPLED = ReconstructionMode.SAMPLED;
}
