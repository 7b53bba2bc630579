package org.gmi.graph;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.SparseRows;

/**
 * GraphSAGE-style neighbourhood sampling for minibatch training. From B seed nodes, hop h (1-based,
 * one per encoder layer) takes for every node first reached at hop h - 1 up to {@code fanouts[h-1]} of
 * its neighbours (itself excluded), uniformly without replacement, all of them when it has no more.
 *
 * <p>The batch numbers its nodes locally: the seeds first (in the order given), then the nodes first
 * reached at hop 1 in the order they were reached, then hop 2; {@link Batch#sizes} holds the count
 * after each hop, so the nodes within h hops of the seeds are the prefix [0, sizes[h]). Every node of
 * [0, sizes[L-1]) was expanded once, and its sampled neighbours ({@link Batch#sampled}, one row per
 * such node, local columns, sorted) lie in the next prefix: a layer computed for the prefix of h hops
 * reads only the prefix of h + 1. {@link Batch#seedPairs} is the graph's adjacency among the seeds.
 * The draws come from the {@link SplittableRandom} given, in that order, so a batch depends on the
 * seeds and the generator's seed alone. One sampler serves a run: it keeps an N-long index from graph
 * node to batch node, reset after each batch; memory otherwise scales with the batch.
 */
public final class NeighbourSampler {
    private final SparseRows adjacency;
    /** Graph node to its index in the batch being built, or -1. */
    private final int[] local;
    private int[] scratch = new int[64];

    /**
     * One batch.
     *
     * @param nodes     the graph node of every batch node, seeds first
     * @param sizes     sizes[h]: the nodes within h hops of the seeds (sizes[0] = B, sizes[L] = nodes.length)
     * @param sampled   sizes[L-1] x nodes.length, 1 at (r, c) when c is a sampled neighbour of r
     * @param seedPairs B x B, 1 at (r, c) when the graph has the edge between seeds r and c (self loops included)
     */
    public record Batch(int[] nodes, int[] sizes, CsrMatrix sampled, CsrMatrix seedPairs) {
        public int seeds() {
            return sizes[0];
        }
    }

    /** A sampler over {@code adjacency}, on the heap or mapped (it reads the rows its batches reach). */
    public NeighbourSampler(SparseRows adjacency) {
        this.adjacency = adjacency;
        this.local = new int[adjacency.rows()];
        Arrays.fill(local, -1);
    }

    /** The batch of {@code seeds} (distinct node ids) with {@code fanouts.length} hops of sampled neighbours. */
    public Batch sample(int[] seeds, int[] fanouts, SplittableRandom rng) {
        IntArrayList nodes = new IntArrayList(seeds.length * 4);
        IntArrayList rowPtr = new IntArrayList();
        IntArrayList cols = new IntArrayList();
        rowPtr.add(0);
        int[] sizes = new int[fanouts.length + 1];
        try {
            for (int s : seeds) {
                if (local[s] != -1) {
                    throw new IllegalArgumentException("seed node " + s + " appears twice in the batch");
                }
                local[s] = nodes.size();
                nodes.add(s);
            }
            sizes[0] = nodes.size();
            int from = 0;
            for (int h = 0; h < fanouts.length; h++) {
                int fanout = fanouts[h];
                if (fanout < 1) {
                    throw new IllegalArgumentException("a fan-out must be >= 1, got " + fanout);
                }
                int to = nodes.size();
                for (int k = from; k < to; k++) {
                    int n = neighbours(nodes.getInt(k));
                    int take = Math.min(n, fanout);
                    int rowStart = cols.size();
                    for (int t = 0; t < take; t++) {
                        if (take < n) {
                            // a partial Fisher-Yates shuffle of the row's neighbours
                            int r = t + rng.nextInt(n - t);
                            int swap = scratch[t];
                            scratch[t] = scratch[r];
                            scratch[r] = swap;
                        }
                        int v = scratch[t];
                        if (local[v] == -1) {
                            local[v] = nodes.size();
                            nodes.add(v);
                        }
                        cols.add(local[v]);
                    }
                    Arrays.sort(cols.elements(), rowStart, cols.size());
                    rowPtr.add(cols.size());
                }
                from = to;
                sizes[h + 1] = nodes.size();
            }
            int total = nodes.size();
            int expanded = rowPtr.size() - 1;
            int[] col = cols.toIntArray();
            float[] ones = new float[col.length];
            Arrays.fill(ones, 1f);
            CsrMatrix sampled = new CsrMatrix(expanded, total, rowPtr.toIntArray(), col, ones);
            return new Batch(nodes.toIntArray(), sizes, sampled, seedPairs(seeds));
        } finally {
            for (int i = 0; i < nodes.size(); i++) {
                local[nodes.getInt(i)] = -1;
            }
        }
    }

    /** The adjacency among the seeds, in batch numbering (their local index is their position). */
    private CsrMatrix seedPairs(int[] seeds) {
        int b = seeds.length;
        int[] ptr = new int[b + 1];
        IntArrayList col = new IntArrayList();
        for (int r = 0; r < b; r++) {
            int u = seeds[r];
            int start = col.size();
            int len = readRow(u);
            for (int e = 0; e < len; e++) {
                int c = local[scratch[e]];
                if (c >= 0 && c < b) {
                    col.add(c);
                }
            }
            Arrays.sort(col.elements(), start, col.size());
            ptr[r + 1] = col.size();
        }
        float[] ones = new float[col.size()];
        Arrays.fill(ones, 1f);
        return new CsrMatrix(b, b, ptr, col.toIntArray(), ones);
    }

    /** Copies node u's row of A into {@link #scratch}; returns its length. */
    private int readRow(int u) {
        long lo = adjacency.rowStart(u);
        int len = Math.toIntExact(adjacency.rowStart(u + 1) - lo);
        if (scratch.length < len) {
            scratch = new int[Math.max(len, 2 * scratch.length)];
        }
        adjacency.columns(lo, scratch, 0, len);
        return len;
    }

    /** Copies node u's neighbours other than itself into {@link #scratch}; returns their count. */
    private int neighbours(int u) {
        int len = readRow(u);
        int n = 0;
        for (int e = 0; e < len; e++) {
            int v = scratch[e];
            if (v != u) {
                scratch[n++] = v;
            }
        }
        return n;
    }
}
