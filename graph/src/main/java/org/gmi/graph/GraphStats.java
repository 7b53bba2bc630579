package org.gmi.graph;

import java.util.Locale;
import org.gmi.engine.SparseRows;

/**
 * The figures {@code gmi datasets} prints for a graph.
 *
 * @param nodes            N
 * @param undirectedEdges  distinct pairs {i, j}, i != j, in A
 * @param features         F (columns of the feature matrix)
 * @param featureNnz       stored entries of the feature matrix
 * @param classes          number of classes
 * @param labelled         nodes with a label (label >= 0)
 * @param labelCounts      nodes per class
 * @param isolatedNodes    nodes with no neighbour other than themselves
 * @param selfLoops        nodes with an edge to themselves
 */
public record GraphStats(String name, int nodes, long undirectedEdges, int features, long featureNnz, int classes,
                         int labelled, int[] labelCounts, long isolatedNodes, long selfLoops) {

    public static GraphStats of(Graph g) {
        int[] counts = new int[g.numClasses()];
        int labelled = 0;
        for (int l : g.labels()) {
            if (l >= 0) {
                labelled++;
                if (l < counts.length) {
                    counts[l]++;
                }
            }
        }
        return new GraphStats(g.name(), g.numNodes(), g.numUndirectedEdges(), g.numFeatures(), g.featureRows().entries(),
                g.numClasses(), labelled, counts, isolatedNodes(g.adjacencyRows()), selfLoops(g.adjacencyRows()));
    }

    /** Nodes whose row of {@code a} holds no column other than the node itself. */
    public static long isolatedNodes(SparseRows a) {
        long isolated = 0;
        for (int i = 0; i < a.rows(); i++) {
            boolean neighbour = false;
            for (long k = a.rowStart(i); k < a.rowStart(i + 1) && !neighbour; k++) {
                neighbour = a.column(k) != i;
            }
            if (!neighbour) {
                isolated++;
            }
        }
        return isolated;
    }

    /** Nodes with a diagonal entry in {@code a}. */
    public static long selfLoops(SparseRows a) {
        long loops = 0;
        for (int i = 0; i < a.rows(); i++) {
            if (a.find(i, i) >= 0) {
                loops++;
            }
        }
        return loops;
    }

    /** One line: {@code cora: 2708 nodes, 5278 edges, 1433 features (nnz 49216), 7 classes, ...}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "%s: %d nodes, %d undirected edges, %d features (nnz %d), %d classes, %d labelled, %d isolated, %d self loops",
                name, nodes, undirectedEdges, features, featureNnz, classes, labelled, isolatedNodes, selfLoops);
    }
}
