package org.gmi.graph;

import java.util.Arrays;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.SparseRows;

/**
 * An attributed graph as loaded: immutable once built.
 *
 * <ul>
 *   <li>{@code adjacencyRows}: A, N x N, symmetric and binary (values 1), duplicate edges merged,
 *       self loops kept where the data has them (DESIGN section 2). On the heap, or for a graph in the
 *       binary layout read through memory mapping ({@link FileCsr}): minibatch training walks the
 *       rows its batches touch there, and {@link #adjacency()} copies A onto the heap for what needs
 *       the whole matrix (full-batch training, the statistics).
 *   <li>{@code featureRows}: the raw features, N x F, sparse; not yet row-normalised. On the heap
 *       (a {@link CsrMatrix}), or for a graph in the binary layout read through memory mapping
 *       ({@link FileCsr}): minibatch training reads the rows of its batches from there, and
 *       {@link #features()} copies them onto the heap for what needs the whole matrix.
 *   <li>{@code labels}: one class id in [0, numClasses) per node, or -1 for an unlabelled node. On a
 *       multi-label graph, 0 for a labelled node (its labels are in {@code labelMatrix}) and -1 for an
 *       unlabelled one.
 *   <li>{@code labelMatrix}: null, or for multi-label data (a node holds any subset of the labels, as
 *       PPI's proteins do) the N x numClasses binary matrix of each node's labels.
 *   <li>{@code split}: train / validation / test node ids.
 *   <li>{@code report}: what loading found and fixed (duplicates merged, self loops, isolated nodes).
 * </ul>
 */
public record Graph(String name, SparseRows adjacencyRows, SparseRows featureRows, int[] labels, int numClasses,
                    Split split, LoadReport report, CsrMatrix labelMatrix) {

    /** A graph with one class per node (or none). */
    public Graph(String name, CsrMatrix adjacency, CsrMatrix features, int[] labels, int numClasses, Split split,
                 LoadReport report) {
        this(name, adjacency, features, labels, numClasses, split, report, null);
    }

    /** A graph whose adjacency is on the heap. */
    public Graph(String name, CsrMatrix adjacency, SparseRows featureRows, int[] labels, int numClasses, Split split,
                 LoadReport report, CsrMatrix labelMatrix) {
        this(name, (SparseRows) adjacency, featureRows, labels, numClasses, split, report, labelMatrix);
    }

    public Graph {
        int n = adjacencyRows.rows();
        if (n != adjacencyRows.cols()) {
            throw new IllegalArgumentException("adjacency must be square, got " + n + "x" + adjacencyRows.cols());
        }
        if (featureRows.rows() != n) {
            throw new IllegalArgumentException("features have " + featureRows.rows() + " rows for " + n + " nodes");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " nodes");
        }
        if (labelMatrix != null && (labelMatrix.rows != n || labelMatrix.cols != numClasses)) {
            throw new IllegalArgumentException("the label matrix is " + labelMatrix.shape() + " for " + n
                    + " nodes and " + numClasses + " labels");
        }
    }

    /**
     * A as one matrix on the heap: the matrix itself when it is there, else a copy of the mapped
     * files, made once and kept (see {@link FileCsr#toCsr}).
     */
    public CsrMatrix adjacency() {
        return adjacencyRows.toCsr();
    }

    /**
     * The features as one matrix on the heap: the matrix itself when it is there, else a copy of the
     * mapped file, made once and kept (see {@link FileCsr#toCsr}).
     */
    public CsrMatrix features() {
        return featureRows.toCsr();
    }

    /** Whether a node may hold several labels ({@link #labelMatrix}); the probe then scores micro-F1. */
    public boolean isMultiLabel() {
        return labelMatrix != null;
    }

    /** The same graph with another split. */
    public Graph withSplit(Split other) {
        return new Graph(name, adjacencyRows, featureRows, labels, numClasses, other, report, labelMatrix);
    }

    public int numNodes() {
        return adjacencyRows.rows();
    }

    public int numFeatures() {
        return featureRows.cols();
    }

    /** Undirected edges without self loops. */
    public long numUndirectedEdges() {
        SparseRows a = adjacencyRows;
        long offDiagonal = 0;
        for (int i = 0; i < a.rows(); i++) {
            for (long e = a.rowStart(i); e < a.rowStart(i + 1); e++) {
                if (a.column(e) != i) {
                    offDiagonal++;
                }
            }
        }
        return offDiagonal / 2;
    }

    /**
     * The subgraph induced by {@code nodes} (distinct ids, in the order given): their feature rows and
     * labels, the edges among them; the split keeps the listed nodes of each part, renumbered. For
     * inductive training, on the nodes seen in training.
     */
    public Graph induced(int[] nodes) {
        CsrMatrix adjacency = adjacency();
        int n = numNodes();
        int[] local = new int[n];
        Arrays.fill(local, -1);
        for (int k = 0; k < nodes.length; k++) {
            if (nodes[k] < 0 || nodes[k] >= n || local[nodes[k]] != -1) {
                throw new IllegalArgumentException("node " + nodes[k] + " is out of range or listed twice");
            }
            local[nodes[k]] = k;
        }
        int m = nodes.length;
        int[] ptr = new int[m + 1];
        for (int k = 0; k < m; k++) {
            int u = nodes[k];
            int kept = 0;
            for (int e = adjacency.rowPtr[u]; e < adjacency.rowPtr[u + 1]; e++) {
                kept += local[adjacency.colIdx[e]] >= 0 ? 1 : 0;
            }
            ptr[k + 1] = ptr[k] + kept;
        }
        int[] cols = new int[ptr[m]];
        float[] vals = new float[ptr[m]];
        for (int k = 0; k < m; k++) {
            int u = nodes[k];
            int p = ptr[k];
            for (int e = adjacency.rowPtr[u]; e < adjacency.rowPtr[u + 1]; e++) {
                int c = local[adjacency.colIdx[e]];
                if (c >= 0) {
                    cols[p] = c;
                    vals[p++] = adjacency.values[e];
                }
            }
            sortRow(cols, vals, ptr[k], ptr[k + 1]);
        }
        CsrMatrix a = new CsrMatrix(m, m, ptr, cols, vals);
        int[] sub = new int[m];
        for (int k = 0; k < m; k++) {
            sub[k] = labels[nodes[k]];
        }
        Split s = new Split(keep(split.train(), local), keep(split.val(), local), keep(split.test(), local), split.kind());
        return new Graph(name, a, featureRows.gather(nodes, m), sub, numClasses, s, report,
                labelMatrix == null ? null : labelMatrix.gather(nodes, m));
    }

    /** The ids of {@code ids} that have a local number, renumbered. */
    private static int[] keep(int[] ids, int[] local) {
        return Arrays.stream(ids).map(i -> local[i]).filter(i -> i >= 0).toArray();
    }

    /** Sorts row [from, to) by column, its values alongside (insertion sort: rows are short, and sorted when the nodes are). */
    private static void sortRow(int[] c, float[] v, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int ci = c[i];
            float vi = v[i];
            int j = i - 1;
            while (j >= from && c[j] > ci) {
                c[j + 1] = c[j];
                v[j + 1] = v[j];
                j--;
            }
            c[j + 1] = ci;
            v[j + 1] = vi;
        }
    }
}