package org.gmi.tests;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.gmi.graph.CsrBuilder;
import org.gmi.graph.Graph;
import org.gmi.graph.LoadReport;
import org.gmi.graph.SplitOptions;
import org.gmi.graph.Splits;

/** Small random graphs built from a seeded {@link SplittableRandom}, for the cross-module tests. */
final class TestGraphs {
    private TestGraphs() {}

    /**
     * A planted-partition graph whose labels are learnable: node i is in class {@code i % classes};
     * an edge joins two nodes of one class with probability {@code pIn}, of two classes with
     * {@code pOut}. Each class owns a block of {@code perClass} feature columns: a node has each
     * feature of its own block with probability 0.5 (value in [0.5, 1], at least one) and each other
     * feature with probability 0.05 (value in [0, 0.5]). Random split 20 / 20 / 60 %, seed 0.
     */
    static Graph planted(SplittableRandom rng, String name, int n, int classes, double pIn, double pOut, int perClass) {
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
        return graph(name, n, src.build().toArray(), dst.build().toArray(), f, x, labels, new SplitOptions(0.2, 0.2, 0));
    }

    /**
     * An Erdős–Rényi graph with edge probability {@code density}, a self loop on a node with
     * probability 0.1 (kept in A, as the loaders keep them), non-negative features (each entry
     * present with probability 0.4, value in [0, 1]; rows may be empty) and labels in 0..2.
     */
    static Graph random(SplittableRandom rng, String name, int n, int f, double density) {
        IntStream.Builder src = IntStream.builder();
        IntStream.Builder dst = IntStream.builder();
        for (int i = 0; i < n; i++) {
            if (rng.nextInt(10) == 0) {
                src.add(i);
                dst.add(i);
            }
            for (int j = i + 1; j < n; j++) {
                if (rng.nextDouble() < density) {
                    src.add(i);
                    dst.add(j);
                }
            }
        }
        float[] x = new float[n * f];
        for (int k = 0; k < x.length; k++) {
            if (rng.nextDouble() < 0.4) {
                x[k] = (float) rng.nextDouble();
            }
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(3);
        }
        return graph(name, n, src.build().toArray(), dst.build().toArray(), f, x, labels, SplitOptions.DEFAULT);
    }

    private static Graph graph(String name, int n, int[] src, int[] dst, int f, float[] x, int[] labels, SplitOptions split) {
        CsrBuilder.Result a = CsrBuilder.fromEdges(n, src, dst, true);
        int classes = 0;
        for (int l : labels) {
            classes = Math.max(classes, l + 1);
        }
        return new Graph(name, a.matrix(), CsrBuilder.fromDense(n, f, x), labels, classes, Splits.random(labels, split),
                new LoadReport(name, 0, a.selfLoopNodes(), 0, List.of()));
    }
}
