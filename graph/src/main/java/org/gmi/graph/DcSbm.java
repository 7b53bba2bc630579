package org.gmi.graph;

import it.unimi.dsi.fastutil.longs.LongArrays;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Parallel;

/**
 * A degree-corrected stochastic block model with power-law degrees and sparse class-correlated
 * bag-of-words features: synthetic attributed graphs of any size, the same bytes for a seed on any
 * thread count.
 *
 * <ul>
 *   <li>Classes: exactly round(N p_c) nodes of class c (largest remainders; equal proportions p_c
 *       by default), in a random order; the class is the node's label.
 *   <li>Degree propensities: θ_i Pareto with density ∝ x^-α ({@code powerLawExponent}, x >= 1),
 *       capped so that no node expects more than {@code maxDegree} edges, then scaled so that
 *       θ sums to the class size within each class (the usual DC-SBM normalisation). Node i
 *       expects about {@code avgDegree * θ_i} edges.
 *   <li>Edges: {@code nodes * avgDegree / 2} draws, each an endpoint i ∝ θ over all nodes, then
 *       with probability {@code homophily} j ∝ θ within i's class, else j ∝ θ among the other
 *       classes (alias tables, O(1) a draw). Self loops are dropped and duplicates merged by
 *       sorting the pairs; draws lost that way are drawn again (a few top-up rounds), so the graph
 *       has close to the requested number of undirected edges. The adjacency is symmetric, binary,
 *       without self loops.
 *   <li>Features: node i draws k_i tokens, k_i uniform in [m/2, 3m/2] (at least 1) with
 *       m = {@code featureDensity * features}; each token is, with probability
 *       {@code featureSignal}, a feature of its class's preferred block (the features are split
 *       into {@code classes} blocks of a random permutation), else any feature uniformly. A
 *       feature's value is how many tokens named it (mostly 1).
 * </ul>
 *
 * <p>Determinism: every random stream is a fixed block of draws (edges) or nodes (features) with
 * its own generator seeded from (seed, stream, block); blocks write disjoint slices, so the result
 * does not depend on how many threads ran them. Memory: 8 bytes per drawn edge while sorting, 4
 * bytes per stored entry of A (both directions) and 8 per feature token, plus O(nodes); never
 * anything N x N.
 */
public final class DcSbm {
    /** Draws (edges) or nodes (features) per random stream: fixed, so the output is independent of threads. */
    static final int BLOCK = 1 << 16;
    private static final int MAX_TOP_UP_ROUNDS = 32;
    /** Consecutive top-up rounds without a new edge after which the graph counts as saturated. */
    private static final int MAX_IDLE_ROUNDS = 4;
    private static final long NO_EDGE = Long.MAX_VALUE;

    /**
     * The model's parameters.
     *
     * @param nodes            N, at least 2
     * @param avgDegree        target average degree D (N * D / 2 undirected edges), in (0, N - 1)
     * @param features         F, at least 1
     * @param classes          C, in [2, N]
     * @param seed             the seed: equal seeds give equal graphs
     * @param powerLawExponent α of the Pareto degree propensities, > 1 (2.5 by default)
     * @param maxDegree        cap on a node's expected degree; 0 for the default sqrt(N * D), at most N - 1
     * @param homophily        probability that an edge's second endpoint is drawn from the first's class, in [0, 1]
     * @param featureDensity   expected tokens per node as a fraction of F, in (0, 1]
     * @param featureSignal    probability that a token comes from the class's preferred block, in [0, 1]
     * @param classProportions each class's share of the nodes (C positive weights, normalised here); null for equal shares
     */
    public record Params(int nodes, double avgDegree, int features, int classes, long seed, double powerLawExponent,
                         double maxDegree, double homophily, double featureDensity, double featureSignal,
                         double[] classProportions) {
        /** The most nodes or features: one array entry each, plus one. */
        public static final int MAX_SIZE = Integer.MAX_VALUE - 16;
        public static final double DEFAULT_POWER_LAW_EXPONENT = 2.5;
        public static final double DEFAULT_HOMOPHILY = 0.7;
        public static final double DEFAULT_FEATURE_DENSITY = 0.05;
        public static final double DEFAULT_FEATURE_SIGNAL = 0.25;

        /** The parameters with every default but the sizes and the seed. */
        public static Params of(int nodes, double avgDegree, int features, int classes, long seed) {
            return new Params(nodes, avgDegree, features, classes, seed, DEFAULT_POWER_LAW_EXPONENT, 0,
                    DEFAULT_HOMOPHILY, DEFAULT_FEATURE_DENSITY, DEFAULT_FEATURE_SIGNAL, null);
        }

        public Params withHomophily(double h) {
            return new Params(nodes, avgDegree, features, classes, seed, powerLawExponent, maxDegree, h, featureDensity, featureSignal,
                    classProportions);
        }

        public Params withFeatures(double density, double signal) {
            return new Params(nodes, avgDegree, features, classes, seed, powerLawExponent, maxDegree, homophily, density, signal,
                    classProportions);
        }

        public Params withClassProportions(double... proportions) {
            return new Params(nodes, avgDegree, features, classes, seed, powerLawExponent, maxDegree, homophily, featureDensity,
                    featureSignal, proportions);
        }

        /** The first problem with these parameters as "NAME: problem" (NAME as in {@link #names}), or null when valid. */
        public String problem() {
            if (nodes < 2 || nodes > MAX_SIZE) {
                return "nodes: must be >= 2 and <= " + MAX_SIZE + ", got " + nodes;
            }
            if (!(avgDegree > 0) || !(avgDegree < nodes - 1)) {
                return "avg-degree: must be > 0 and < nodes - 1 = " + (nodes - 1) + ", got " + avgDegree;
            }
            if (targetEdges() > Integer.MAX_VALUE / 2 - 1) {
                return "avg-degree: nodes * avg-degree = " + (long) Math.ceil(nodes * avgDegree)
                        + " exceeds the " + (Integer.MAX_VALUE - 3) + " adjacency entries a graph may hold";
            }
            if (features < 1 || features > MAX_SIZE) {
                return "features: must be >= 1 and <= " + MAX_SIZE + ", got " + features;
            }
            if (classes < 2 || classes > nodes) {
                return "classes: must be >= 2 and <= nodes = " + nodes + ", got " + classes;
            }
            if (classProportions != null) {
                if (classProportions.length != classes) {
                    return "class-proportions: " + classProportions.length + " values for " + classes + " classes";
                }
                for (double w : classProportions) {
                    if (!(w > 0) || Double.isInfinite(w)) {
                        return "class-proportions: each must be > 0 and finite, got " + w;
                    }
                }
            }
            if (!(powerLawExponent > 1) || Double.isInfinite(powerLawExponent)) {
                return "power-law-exponent: must be > 1 and finite, got " + powerLawExponent;
            }
            if (!(maxDegree == 0 || maxDegree >= 1 && Double.isFinite(maxDegree))) {
                return "max-degree: must be >= 1 (or 0 for the default), got " + maxDegree;
            }
            if (!(homophily >= 0 && homophily <= 1)) {
                return "homophily: must be in [0, 1], got " + homophily;
            }
            if (!(featureDensity > 0 && featureDensity <= 1)) {
                return "feature-density: must be in (0, 1], got " + featureDensity;
            }
            if (!(featureSignal >= 0 && featureSignal <= 1)) {
                return "feature-signal: must be in [0, 1], got " + featureSignal;
            }
            if ((long) nodes * maxTokens() > Integer.MAX_VALUE - 8) {
                return "feature-density: nodes * tokens per node = " + (long) nodes * maxTokens()
                        + " exceeds the " + (Integer.MAX_VALUE - 8) + " feature entries a graph may hold";
            }
            return null;
        }

        /**
         * The number of nodes of each class: N times the normalised proportions, rounded down, the
         * nodes left over going one each to the classes with the largest remainders (the lower class
         * on ties).
         */
        public int[] classSizes() {
            double[] w = new double[classes];
            double total = 0;
            for (int c = 0; c < classes; c++) {
                w[c] = classProportions == null ? 1 : classProportions[c];
                total += w[c];
            }
            int[] size = new int[classes];
            double[] rest = new double[classes];
            long given = 0;
            for (int c = 0; c < classes; c++) {
                double exact = nodes * (w[c] / total);
                size[c] = (int) Math.min(nodes, Math.floor(exact));
                rest[c] = exact - size[c];
                given += size[c];
            }
            while (given < nodes) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (rest[c] > rest[best]) {
                        best = c;
                    }
                }
                size[best]++;
                rest[best] = -1;
                given++;
            }
            return size;
        }

        /** Undirected edges asked for: round(N * D / 2). */
        public long targetEdges() {
            return Math.round(nodes * avgDegree / 2);
        }

        /** The cap on a node's expected degree actually used. */
        public double effectiveMaxDegree() {
            double cap = maxDegree > 0 ? maxDegree : Math.sqrt((double) nodes * avgDegree);
            return Math.max(avgDegree, Math.min(cap, nodes - 1));
        }

        double meanTokens() {
            return featureDensity * features;
        }

        int minTokens() {
            return Math.max(1, (int) Math.ceil(meanTokens() / 2));
        }

        int maxTokens() {
            return Math.max(minTokens(), (int) Math.floor(meanTokens() * 1.5));
        }
    }

    /**
     * A generated graph.
     *
     * @param params       what it was drawn with
     * @param adjRowPtr    A's row pointers (N + 1)
     * @param adjColIdx    A's columns, sorted within each row; A is symmetric, binary, loop-free
     * @param features     N x F token counts, sorted rows
     * @param labels       each node's class
     * @param topUpRounds  rounds of extra draws made for self loops and duplicates
     */
    public record Result(Params params, int[] adjRowPtr, int[] adjColIdx, CsrMatrix features, int[] labels, int topUpRounds) {
        public int nodes() {
            return labels.length;
        }

        public long undirectedEdges() {
            return adjColIdx.length / 2;
        }

        public int maxDegree() {
            int m = 0;
            for (int i = 0; i < nodes(); i++) {
                m = Math.max(m, adjRowPtr[i + 1] - adjRowPtr[i]);
            }
            return m;
        }

        /** Fraction of undirected edges whose endpoints share a class. */
        public double intraClassFraction() {
            long same = 0;
            for (int i = 0; i < nodes(); i++) {
                for (int k = adjRowPtr[i]; k < adjRowPtr[i + 1]; k++) {
                    if (labels[adjColIdx[k]] == labels[i]) {
                        same++;
                    }
                }
            }
            return adjColIdx.length == 0 ? 0 : (double) same / adjColIdx.length;
        }

        /** The adjacency as a matrix of ones (allocates the values). */
        public CsrMatrix adjacency() {
            float[] ones = new float[adjColIdx.length];
            Arrays.fill(ones, 1f);
            return new CsrMatrix(nodes(), nodes(), adjRowPtr, adjColIdx, ones);
        }

        /** As a {@link Graph} named {@code name}, with a random split from {@code opts}. */
        public Graph toGraph(String name, SplitOptions opts) {
            Split split = Splits.random(labels, opts);
            LoadReport report = new LoadReport(name, 0, 0, GraphStats.isolatedNodes(adjacency()), java.util.List.of());
            return new Graph(name, adjacency(), features, labels.clone(), params.classes(), split, report);
        }
    }

    private DcSbm() {}

    public static Result generate(Params p) {
        return generate(p, s -> {});
    }

    /** Draws the graph; {@code progress} hears one line per stage. */
    public static Result generate(Params p, Consumer<String> progress) {
        String problem = p.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        int n = p.nodes();
        int[] labels = new int[n];
        double[] theta = new double[n];
        int[] sizes = p.classSizes();
        for (int c = 0, i = 0; c < sizes.length; c++) {
            Arrays.fill(labels, i, i + sizes[c], c);
            i += sizes[c];
        }
        SplittableRandom r = stream(p.seed(), 0, 0);
        for (int i = n - 1; i > 0; i--) {
            int t = r.nextInt(i + 1);
            int x = labels[i];
            labels[i] = labels[t];
            labels[t] = x;
        }
        propensities(p, labels, theta);
        progress.accept("classes and degree propensities drawn");

        Sampler sampler = new Sampler(labels, theta, p.classes());
        theta = null;
        Edges edges = edges(p, sampler, labels, progress);
        sampler = null;
        int[][] adj = symmetricCsr(n, edges.keys);
        edges.keys = null;
        progress.accept("adjacency built: " + adj[1].length / 2 + " undirected edges");

        CsrMatrix features = features(p, labels);
        progress.accept("features drawn: " + features.nnz() + " non-zeros");
        return new Result(p, adj[0], adj[1], features, labels, edges.rounds);
    }

    /** The sorted distinct edge keys and the top-up rounds they took; the keys are let go once A is built. */
    private static final class Edges {
        long[] keys;
        final int rounds;

        Edges(long[] keys, int rounds) {
            this.keys = keys;
            this.rounds = rounds;
        }
    }

    /** θ: Pareto(α) capped at the expected-degree cap, scaled to sum to the class size in each class. */
    static void propensities(Params p, int[] labels, double[] theta) {
        int n = labels.length;
        double exp = -1 / (p.powerLawExponent() - 1);
        SplittableRandom r = stream(p.seed(), 1, 0);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            theta[i] = Math.pow(1 - r.nextDouble(), exp); // in [1, inf)
            sum += theta[i];
        }
        // a node with propensity x expects about avgDegree * x / mean(x) edges
        double cap = p.effectiveMaxDegree() / p.avgDegree() * (sum / n);
        double[] classSum = new double[p.classes()];
        int[] classSize = new int[p.classes()];
        for (int i = 0; i < n; i++) {
            theta[i] = Math.min(theta[i], cap);
            classSum[labels[i]] += theta[i];
            classSize[labels[i]]++;
        }
        for (int i = 0; i < n; i++) {
            theta[i] *= classSize[labels[i]] / classSum[labels[i]];
        }
    }

    /**
     * The undirected edges as sorted distinct keys (min << 32 | max): the target count of draws,
     * then top-up rounds for what self loops and duplicates took, until the target is met,
     * {@link #MAX_IDLE_ROUNDS} rounds in a row add nothing, or {@link #MAX_TOP_UP_ROUNDS} rounds were made.
     */
    private static Edges edges(Params p, Sampler s, int[] labels, Consumer<String> progress) {
        int target = (int) p.targetEdges();
        long[] keys = new long[target];
        draw(p, s, labels, 0, keys, 0, target);
        progress.accept("edges drawn: " + target + " draws");
        sort(keys, target);
        int have = distinct(keys, target);
        progress.accept("edges sorted: " + have + " distinct");
        int round = 0;
        int idle = 0;
        while (have < target && round < MAX_TOP_UP_ROUNDS && idle < MAX_IDLE_ROUNDS) {
            round++;
            int want = target - have;
            long[] extra = new long[want];
            draw(p, s, labels, round, extra, 0, want);
            sort(extra, want);
            int m = distinct(extra, want);
            int k = 0;
            for (int e = 0; e < m; e++) {
                if (Arrays.binarySearch(keys, 0, have, extra[e]) < 0) {
                    extra[k++] = extra[e];
                }
            }
            if (k == 0) {
                idle++;
                continue;
            }
            idle = 0;
            // merge the two sorted runs from the back: keys has room for target >= have + k
            int a = have - 1, b = k - 1, w = have + k - 1;
            while (b >= 0) {
                keys[w--] = a >= 0 && keys[a] > extra[b] ? keys[a--] : extra[b--];
            }
            have += k;
        }
        if (round > 0) {
            progress.accept("top-up: " + round + " round" + (round == 1 ? "" : "s") + ", " + have + " distinct edges");
        }
        return new Edges(have == keys.length ? keys : Arrays.copyOf(keys, have), round);
    }

    /** Fills out[from, from + count) with the keys of {@code count} draws of round {@code round}; self loops give NO_EDGE. */
    private static void draw(Params p, Sampler s, int[] labels, int round, long[] out, int from, int count) {
        int blocks = (count + BLOCK - 1) / BLOCK;
        double h = p.homophily();
        Parallel.forRange(blocks, 1, (lo, hi) -> {
            for (int b = lo; b < hi; b++) {
                SplittableRandom r = stream(p.seed(), 2 + round, b);
                int end = Math.min(count, (b + 1) * BLOCK);
                for (int e = b * BLOCK; e < end; e++) {
                    int i = s.any(r);
                    int j;
                    if (r.nextDouble() < h || !s.hasOtherClasses(labels[i])) {
                        j = s.inClass(labels[i], r);
                    } else {
                        do {
                            j = s.any(r);
                        } while (labels[j] == labels[i]);
                    }
                    out[from + e] = i == j ? NO_EDGE : i < j ? (long) i << 32 | j : (long) j << 32 | i;
                }
            }
        });
    }

    private static void sort(long[] a, int n) {
        if (n > 1 << 20 && Parallel.threads() > 1) {
            LongArrays.parallelRadixSort(a, 0, n);
        } else {
            LongArrays.radixSort(a, 0, n);
        }
    }

    /** Compacts the sorted a[0, n) to its distinct keys other than NO_EDGE; returns how many. */
    private static int distinct(long[] a, int n) {
        int m = 0;
        for (int k = 0; k < n; k++) {
            if (a[k] != NO_EDGE && (m == 0 || a[m - 1] != a[k])) {
                a[m++] = a[k];
            }
        }
        return m;
    }

    /**
     * A's row pointers and columns from the sorted distinct keys (i < j). Filling in key order puts
     * each row's smaller neighbours first (all keys (j, i) with j < i precede the keys (i, .)), each
     * run ascending: the rows come out sorted.
     */
    static int[][] symmetricCsr(int n, long[] keys) {
        int[] rowPtr = new int[n + 1];
        for (long k : keys) {
            rowPtr[(int) (k >>> 32) + 1]++;
            rowPtr[(int) k + 1]++;
        }
        for (int i = 0; i < n; i++) {
            rowPtr[i + 1] += rowPtr[i];
        }
        int[] next = Arrays.copyOf(rowPtr, n);
        int[] col = new int[2 * keys.length];
        for (long k : keys) {
            int i = (int) (k >>> 32);
            int j = (int) k;
            col[next[i]++] = j;
            col[next[j]++] = i;
        }
        return new int[][] {rowPtr, col};
    }

    /** The token counts: a block of nodes per random stream, rows merged in place, then compacted. */
    static CsrMatrix features(Params p, int[] labels) {
        int n = labels.length;
        int f = p.features();
        int c = p.classes();
        // the preferred block of class k: perm[blockLo[k] .. blockHi[k])
        int[] perm = new int[f];
        for (int j = 0; j < f; j++) {
            perm[j] = j;
        }
        SplittableRandom pr = stream(p.seed(), 3, 0);
        for (int j = f - 1; j > 0; j--) {
            int t = pr.nextInt(j + 1);
            int x = perm[j];
            perm[j] = perm[t];
            perm[t] = x;
        }
        int[] blockLo = new int[c];
        int[] blockHi = new int[c];
        for (int k = 0; k < c; k++) {
            blockLo[k] = (int) ((long) k * f / c);
            blockHi[k] = Math.max(blockLo[k] + 1, (int) ((long) (k + 1) * f / c));
        }
        int minT = p.minTokens();
        int spread = p.maxTokens() - minT + 1;
        // token counts first (one stream), so every node's slot is known before the parallel fill
        int[] slot = new int[n + 1];
        SplittableRandom kr = stream(p.seed(), 4, 0);
        for (int i = 0; i < n; i++) {
            slot[i + 1] = slot[i] + minT + kr.nextInt(spread);
        }
        int[] col = new int[slot[n]];
        float[] val = new float[slot[n]];
        int[] rowNnz = new int[n];
        double q = p.featureSignal();
        int blocks = (n + BLOCK - 1) / BLOCK;
        Parallel.forRange(blocks, 1, (lo, hi) -> {
            for (int b = lo; b < hi; b++) {
                SplittableRandom r = stream(p.seed(), 5, b);
                int end = Math.min(n, (b + 1) * BLOCK);
                for (int i = b * BLOCK; i < end; i++) {
                    int s0 = slot[i], s1 = slot[i + 1];
                    int k = labels[i];
                    for (int t = s0; t < s1; t++) {
                        col[t] = r.nextDouble() < q ? perm[blockLo[k] + r.nextInt(blockHi[k] - blockLo[k])] : r.nextInt(f);
                    }
                    Arrays.sort(col, s0, s1);
                    int m = s0;
                    for (int t = s0; t < s1; t++) {
                        if (m > s0 && col[m - 1] == col[t]) {
                            val[m - 1]++;
                        } else {
                            col[m] = col[t];
                            val[m++] = 1;
                        }
                    }
                    rowNnz[i] = m - s0;
                }
            }
        });
        int[] rowPtr = new int[n + 1];
        for (int i = 0, w = 0; i < n; i++) {
            System.arraycopy(col, slot[i], col, w, rowNnz[i]);
            System.arraycopy(val, slot[i], val, w, rowNnz[i]);
            w += rowNnz[i];
            rowPtr[i + 1] = w;
        }
        int nnz = rowPtr[n];
        return new CsrMatrix(n, f, rowPtr, nnz == col.length ? col : Arrays.copyOf(col, nnz),
                nnz == val.length ? val : Arrays.copyOf(val, nnz));
    }

    /** The generator of stream {@code (seed, stream, block)}: a well-mixed seed per stream and block. */
    static SplittableRandom stream(long seed, int stream, int block) {
        long z = mix(seed ^ 0x9E3779B97F4A7C15L * (stream + 1));
        return new SplittableRandom(mix(z + 0xBF58476D1CE4E5B9L * (block + 1L)));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Alias tables (Walker / Vose) for i ∝ θ over all nodes and within each class: O(1) a draw.
     * Each slot packs what a draw reads into adjacent words (the acceptance probability as float
     * bits, the slot's node, the alias's node), so that a draw touches one cache line, not three:
     * on graphs of millions of nodes the draws are bound by those misses. 8 bytes a node for the
     * global table, 12 for the class tables.
     */
    static final class Sampler {
        private final long[] all; // prob bits << 32 | alias node; the slot's node is its index
        private final int[] inClass; // per slot: prob bits, node, alias node; slots ordered by class
        private final int[] classStart;

        Sampler(int[] labels, double[] theta, int classes) {
            int n = labels.length;
            int[] nodes = new int[n];
            for (int i = 0; i < n; i++) {
                nodes[i] = i;
            }
            double[] prob = new double[n];
            int[] alias = new int[n];
            build(theta, nodes, 0, n, prob, alias);
            all = new long[n];
            for (int k = 0; k < n; k++) {
                all[k] = (long) Float.floatToRawIntBits((float) prob[k]) << 32 | alias[k];
            }
            classStart = new int[classes + 1];
            for (int l : labels) {
                classStart[l + 1]++;
            }
            for (int k = 0; k < classes; k++) {
                classStart[k + 1] += classStart[k];
            }
            int[] next = Arrays.copyOf(classStart, classes);
            for (int i = 0; i < n; i++) {
                nodes[next[labels[i]]++] = i;
            }
            for (int k = 0; k < classes; k++) {
                build(theta, nodes, classStart[k], classStart[k + 1], prob, alias);
            }
            inClass = new int[3 * n];
            for (int k = 0; k < n; k++) {
                inClass[3 * k] = Float.floatToRawIntBits((float) prob[k]);
                inClass[3 * k + 1] = nodes[k];
                inClass[3 * k + 2] = nodes[alias[k]];
            }
        }

        /** Whether some node lies outside class c. */
        boolean hasOtherClasses(int c) {
            return classStart[c + 1] - classStart[c] < all.length;
        }

        int any(SplittableRandom r) {
            int k = r.nextInt(all.length);
            long e = all[k];
            return r.nextFloat() < Float.intBitsToFloat((int) (e >>> 32)) ? k : (int) e;
        }

        int inClass(int c, SplittableRandom r) {
            int lo = classStart[c];
            int k = 3 * (lo + r.nextInt(classStart[c + 1] - lo));
            return r.nextFloat() < Float.intBitsToFloat(inClass[k]) ? inClass[k + 1] : inClass[k + 2];
        }

        /** Vose's alias table over positions [lo, hi) of {@code nodes}, weights θ[nodes[pos]]; aliases are positions. */
        private static void build(double[] theta, int[] nodes, int lo, int hi, double[] prob, int[] alias) {
            int m = hi - lo;
            if (m == 0) {
                return;
            }
            double sum = 0;
            for (int k = lo; k < hi; k++) {
                sum += theta[nodes[k]];
            }
            int[] small = new int[m];
            int[] large = new int[m];
            int ns = 0, nl = 0;
            for (int k = lo; k < hi; k++) {
                prob[k] = theta[nodes[k]] * m / sum;
                if (prob[k] < 1) {
                    small[ns++] = k;
                } else {
                    large[nl++] = k;
                }
            }
            while (ns > 0 && nl > 0) {
                int s = small[--ns];
                int l = large[nl - 1];
                alias[s] = l;
                prob[l] -= 1 - prob[s];
                if (prob[l] < 1) {
                    nl--;
                    small[ns++] = l;
                }
            }
            while (nl > 0) {
                int l = large[--nl];
                prob[l] = 1;
                alias[l] = l;
            }
            while (ns > 0) { // rounding leftovers: weight 1
                int s = small[--ns];
                prob[s] = 1;
                alias[s] = s;
            }
        }
    }
}
