package org.gmi.models;

/**
 * Where the time of an epoch goes, split into a few phases: the model marks its forward parts, the
 * {@link Trainer} the backward pass and the optimiser. A stopwatch switched at block boundaries only
 * ({@link #start} reads {@link System#nanoTime()} once), never inside a kernel loop, so it costs a
 * few tens of nanoseconds per switch and allocates nothing.
 *
 * <p>Not thread-safe: the training loop's thread switches it (kernels run their own threads inside a phase).
 */
public final class PhaseTimes {
    /** The phases, in the order bench.json reports them. */
    public enum Phase {
        /** GCN encoder forward: X W1, the propagations, layer 2, PReLU and biases (DGI: both passes). */
        ENCODER,
        /**
         * Discriminator forward: negative sampling, X B1, M Z1, Hn B2^T, the row dots and the JSD
         * estimator (DGI: summary, scores and the cross-entropy).
         */
        DISCRIMINATORS,
        /** Reconstruction forward fused with its gradient (exact or sampled), and the drawing of non-edges. */
        RECONSTRUCTION,
        /** Tape backward of every op. */
        BACKWARD,
        /** Adam's step, zeroing the gradients and the best-epoch snapshot of the parameters. */
        OPTIMISER,
        /** Minibatch training only: sampling a batch's neighbourhood and building its subgraph's operators. */
        SAMPLING;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Phase[] PHASES = Phase.values();

    private final long[] nanos = new long[PHASES.length];
    private Phase current;
    private long since;

    /** Ends the running phase (if any) and starts {@code phase}. */
    public void start(Phase phase) {
        long now = System.nanoTime();
        if (current != null) {
            nanos[current.ordinal()] += now - since;
        }
        current = phase;
        since = now;
    }

    /** Ends the running phase, if any. */
    public void stop() {
        if (current != null) {
            nanos[current.ordinal()] += System.nanoTime() - since;
            current = null;
        }
    }

    /** Forgets every total (and stops the running phase). */
    public void reset() {
        current = null;
        java.util.Arrays.fill(nanos, 0L);
    }

    public double seconds(Phase phase) {
        return nanos[phase.ordinal()] / 1e9;
    }

    /** The totals in seconds, indexed by {@link Phase#ordinal()}; a new array. */
    public double[] secondsByPhase() {
        double[] s = new double[PHASES.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = nanos[k] / 1e9;
        }
        return s;
    }
}
