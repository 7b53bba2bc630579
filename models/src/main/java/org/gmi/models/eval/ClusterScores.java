package org.gmi.models.eval;

/**
 * Agreement between a clustering and the labels, over the labelled nodes (label >= 0): normalised
 * mutual information (arithmetic-mean normalisation, scikit-learn's default) and the adjusted Rand
 * index (Hubert and Arabie 1985).
 */
public final class ClusterScores {
    private ClusterScores() {}

    /** @param nmi in [0, 1] @param ari at most 1, 0 in expectation for a random clustering @param nodes labelled nodes scored */
    public record Scores(double nmi, double ari, int nodes) {}

    public static Scores of(int[] labels, int[] clusters) {
        int classes = 0;
        int k = 0;
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                classes = Math.max(classes, labels[i] + 1);
                k = Math.max(k, clusters[i] + 1);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("no labelled nodes to score the clustering against");
        }
        long[][] table = new long[classes][k];
        long[] a = new long[classes];
        long[] b = new long[k];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                table[labels[i]][clusters[i]]++;
                a[labels[i]]++;
                b[clusters[i]]++;
            }
        }
        // NMI = I(U; V) / ((H(U) + H(V)) / 2)
        double hu = entropy(a, n);
        double hv = entropy(b, n);
        double mi = 0;
        for (int u = 0; u < classes; u++) {
            for (int v = 0; v < k; v++) {
                long nuv = table[u][v];
                if (nuv > 0) {
                    mi += (double) nuv / n * Math.log((double) nuv * n / ((double) a[u] * b[v]));
                }
            }
        }
        double nmi = hu + hv == 0 ? 1 : Math.max(0, mi) / ((hu + hv) / 2);
        // ARI = (sum C(n_uv, 2) - E) / (max - E), E = sum C(a_u, 2) sum C(b_v, 2) / C(n, 2), max = (sum C(a_u, 2) + sum C(b_v, 2)) / 2
        double pairs = 0;
        for (long[] row : table) {
            for (long v : row) {
                pairs += choose2(v);
            }
        }
        double sa = 0;
        for (long v : a) {
            sa += choose2(v);
        }
        double sb = 0;
        for (long v : b) {
            sb += choose2(v);
        }
        double expected = n > 1 ? sa * sb / choose2(n) : 0;
        double max = (sa + sb) / 2;
        double ari = max == expected ? 1 : (pairs - expected) / (max - expected);
        return new Scores(nmi, ari, n);
    }

    private static double entropy(long[] counts, int n) {
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    private static double choose2(long v) {
        return v * (v - 1) / 2.0;
    }
}
