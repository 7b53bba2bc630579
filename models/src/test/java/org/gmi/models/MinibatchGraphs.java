package org.gmi.models;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.gmi.engine.CsrMatrix;
import org.gmi.graph.CsrBuilder;
import org.gmi.graph.Graph;
import org.gmi.graph.LoadReport;
import org.gmi.graph.Splits;

/** Small seeded graphs for the minibatch tests (BatchOperatorsTest, MinibatchTrainerTest). */
final class MinibatchGraphs {
    private MinibatchGraphs() {}

    /**
     * n nodes: Erdős–Rényi of mean degree about {@code meanDegree}, a self loop on a node with
     * probability 0.15, node 0 isolated, node 1 a hub joined to each other node but 0 with
     * probability 0.6; f non-negative features (each present with probability 0.3, value in [0, 1],
     * some rows empty); labels in 0..2.
     */
    static Graph random(SplittableRandom rng, int n, int f, double meanDegree) {
        IntStream.Builder src = IntStream.builder();
        IntStream.Builder dst = IntStream.builder();
        double p = meanDegree / n;
        for (int i = 1; i < n; i++) {
            if (rng.nextDouble() < 0.15) {
                src.add(i);
                dst.add(i);
            }
            for (int j = i + 1; j < n; j++) {
                if (rng.nextDouble() < (i == 1 ? 0.6 : p)) {
                    src.add(i);
                    dst.add(j);
                }
            }
        }
        float[] x = new float[n * f];
        for (int k = 0; k < x.length; k++) {
            if (rng.nextDouble() < 0.3) {
                x[k] = (float) rng.nextDouble();
            }
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(3);
        }
        return graph("random", n, src.build().toArray(), dst.build().toArray(), f, x, labels, 3);
    }

    /**
     * A planted partition: node i in class i % classes, an edge within a class with probability
     * pIn, across with pOut; class c owns feature columns [c perClass, (c + 1) perClass), each
     * present with probability 0.5 (value in [0.5, 1]), other columns with probability 0.05.
     */
    static Graph planted(SplittableRandom rng, int n, int classes, double pIn, double pOut, int perClass) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        IntStream.Builder src = IntStream.builder();
        IntStream.Builder dst = IntStream.builder();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (rng.nextDouble() < (labels[i] == labels[j] ? pIn : pOut)) {
                    src.add(i);
                    dst.add(j);
                }
            }
        }
        int f = classes * perClass;
        float[] x = new float[n * f];
        for (int i = 0; i < n; i++) {
            int own = labels[i] * perClass;
            x[i * f + own + rng.nextInt(perClass)] = (float) (0.5 + 0.5 * rng.nextDouble());
            for (int j = 0; j < f; j++) {
                boolean mine = j >= own && j < own + perClass;
                if (rng.nextDouble() < (mine ? 0.5 : 0.05)) {
                    x[i * f + j] = (float) (mine ? 0.5 + 0.5 * rng.nextDouble() : 0.5 * rng.nextDouble());
                }
            }
        }
        return graph("planted", n, src.build().toArray(), dst.build().toArray(), f, x, labels, classes);
    }

    private static Graph graph(String name, int n, int[] src, int[] dst, int f, float[] x, int[] labels, int classes) {
        CsrBuilder.Result a = CsrBuilder.fromEdges(n, src, dst, true);
        return new Graph(name, a.matrix(), CsrBuilder.fromDense(n, f, x), labels, classes, Splits.random(labels, 0.2, 0.2, 0),
                new LoadReport(name, 0, a.selfLoopNodes(), 0, List.of()));
    }

    /** The largest number of neighbours other than itself of any node. */
    static int maxDegree(CsrMatrix a) {
        int max = 0;
        for (int u = 0; u < a.rows; u++) {
            int d = 0;
            for (int e = a.rowPtr[u]; e < a.rowPtr[u + 1]; e++) {
                d += a.colIdx[e] != u ? 1 : 0;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    /** {@code count} distinct nodes of [0, n) in random order. */
    static int[] distinctNodes(SplittableRandom rng, int n, int count) {
        int[] all = IntStream.range(0, n).toArray();
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, count);
    }
}
