package org.gmi.graph;

import org.gmi.engine.CsrMatrix;

/**
 * An attributed graph as loaded: immutable once built.
 *
 * <ul>
 *   <li>{@code adjacency}: A, N x N, symmetric and binary (values 1), duplicate edges merged,
 *       self loops kept where the data has them (DESIGN section 2).
 *   <li>{@code features}: the raw features, N x F, sparse; not yet row-normalised.
 *   <li>{@code labels}: one class id in [0, numClasses) per node, or -1 for an unlabelled node.
 *   <li>{@code split}: train / validation / test node ids.
 *   <li>{@code report}: what loading found and fixed (duplicates merged, self loops, isolated nodes).
 * </ul>
 */
public record Graph(String name, CsrMatrix adjacency, CsrMatrix features, int[] labels, int numClasses,
                    Split split, LoadReport report) {

    public Graph {
        if (adjacency.rows != adjacency.cols) {
            throw new IllegalArgumentException("adjacency must be square, got " + adjacency.shape());
        }
        if (features.rows != adjacency.rows) {
            throw new IllegalArgumentException("features have " + features.rows + " rows for " + adjacency.rows + " nodes");
        }
        if (labels.length != adjacency.rows) {
            throw new IllegalArgumentException(labels.length + " labels for " + adjacency.rows + " nodes");
        }
    }

    public int numNodes() {
        return adjacency.rows;
    }

    public int numFeatures() {
        return features.cols;
    }

    /** Undirected edges without self loops. */
    public long numUndirectedEdges() {
        long offDiagonal = 0;
        for (int i = 0; i < adjacency.rows; i++) {
            for (int e = adjacency.rowPtr[i]; e < adjacency.rowPtr[i + 1]; e++) {
                if (adjacency.colIdx[e] != i) {
                    offDiagonal++;
                }
            }
        }
        return offDiagonal / 2;
    }
}
