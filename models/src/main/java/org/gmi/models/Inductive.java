package org.gmi.models;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.gmi.graph.Graph;
import org.gmi.graph.Split;

/**
 * Inductive training ({@code gmi train --inductive FRACTION}): the encoder is trained on the subgraph
 * induced by a seeded fraction of the nodes (the seen nodes), then embeds the whole graph, where the
 * other nodes appear for the first time with all their edges. The probe learns from the seen nodes'
 * train and validation labels and is tested on the unseen nodes' test labels only.
 */
public final class Inductive {
    /** Stream of the draw of the seen nodes ("INDUCTIV" in ASCII), from the split seed. */
    static final long STREAM = 0x494E445543544956L;

    private Inductive() {}

    /**
     * An inductive run's graphs.
     *
     * @param training   the subgraph of the seen nodes, trained on
     * @param evaluation the whole graph with the probe's split ({@link #forEvaluation})
     * @param summary    what metrics.json records: the fraction, the seed, the counts of seen and unseen
     *                   nodes, and the probe's train, validation and (unseen) test nodes
     */
    public record Run(Graph training, Graph evaluation, Map<String, Object> summary) {}

    /** The run that trains on {@code fraction} of {@code graph}'s nodes, drawn from {@code seed}. */
    public static Run of(Graph graph, double fraction, long seed) {
        int[] seen = seenNodes(graph.numNodes(), fraction, seed);
        Graph training = graph.induced(seen);
        Graph evaluation = forEvaluation(graph, seen);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fraction", fraction);
        m.put("split_seed", seed);
        m.put("seen_nodes", training.numNodes());
        m.put("seen_edges", training.numUndirectedEdges());
        m.put("unseen_nodes", graph.numNodes() - training.numNodes());
        m.put("probe_train", evaluation.split().train().length);
        m.put("probe_val", evaluation.split().val().length);
        m.put("probe_test_unseen", evaluation.split().test().length);
        return new Run(training, evaluation, m);
    }

    /** round(fraction N) distinct nodes of 0..n-1, uniformly drawn from {@code seed}, ascending. */
    public static int[] seenNodes(int n, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("--inductive must be a fraction strictly between 0 and 1, got " + fraction);
        }
        int k = (int) Math.round(fraction * n);
        if (k < 2 || k > n - 1) {
            throw new IllegalArgumentException("--inductive " + fraction + " of " + n + " nodes leaves " + k
                    + " seen and " + (n - k) + " unseen; both need nodes (seen at least 2)");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(EpochSeeds.of(seed, STREAM, 0));
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] seen = Arrays.copyOf(order, k);
        Arrays.sort(seen);
        return seen;
    }

    /**
     * The whole graph with the probe's split of an inductive run: its train and validation nodes among
     * the seen ones, its test nodes among the unseen ones.
     */
    public static Graph forEvaluation(Graph graph, int[] seen) {
        boolean[] isSeen = new boolean[graph.numNodes()];
        for (int s : seen) {
            isSeen[s] = true;
        }
        Split s = graph.split();
        Split inductive = new Split(
                Arrays.stream(s.train()).filter(i -> isSeen[i]).toArray(),
                Arrays.stream(s.val()).filter(i -> isSeen[i]).toArray(),
                Arrays.stream(s.test()).filter(i -> !isSeen[i]).toArray(),
                s.kind() + ", inductive: train and val among the seen nodes, test among the unseen");
        return graph.withSplit(inductive);
    }
}
