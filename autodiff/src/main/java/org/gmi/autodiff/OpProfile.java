package org.gmi.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wall time per recorded op, summed over the passes of a {@link Tape} that carries this profile
 * ({@link Tape#setProfile}): where an epoch's time goes, one level below the phases of a bench.
 *
 * <p>An op's forward time is the time from the previous op's record (or the tape's last
 * {@link Tape#clear()}) to its own, so work that records nothing (a product whose inputs take no
 * gradient, drawing negatives) is charged to the next op recorded. Its backward time is its
 * {@link Op#backward()} alone. Ops are matched across passes by their position on the tape: every
 * pass of one model records the same ops in the same order, and the name is taken from the first
 * pass only, so that later passes allocate nothing.
 */
public final class OpProfile {
    private final List<String> names = new ArrayList<>();
    private long[] forwardNanos = new long[32];
    private long[] backwardNanos = new long[32];
    private int passes;

    void forward(int position, Op op, long nanos) {
        if (position == names.size()) {
            names.add(op.name());
            if (position == forwardNanos.length) {
                forwardNanos = Arrays.copyOf(forwardNanos, 2 * position);
                backwardNanos = Arrays.copyOf(backwardNanos, 2 * position);
            }
        }
        if (position == 0) {
            passes++;
        }
        forwardNanos[position] += nanos;
    }

    void backward(int position, long nanos) {
        backwardNanos[position] += nanos;
    }

    /** Forgets the times (the names stay): for leaving warm-up passes out. */
    public void reset() {
        Arrays.fill(forwardNanos, 0L);
        Arrays.fill(backwardNanos, 0L);
        passes = 0;
    }

    /** Forward passes timed since the last reset. */
    public int passes() {
        return passes;
    }

    /** One op's mean seconds per pass. */
    public record Entry(int position, String name, double forwardSeconds, double backwardSeconds) {
        public double totalSeconds() {
            return forwardSeconds + backwardSeconds;
        }
    }

    /** The ops in tape order, with their mean seconds per pass (zero when nothing was timed). */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(names.size());
        double per = passes == 0 ? 0 : 1e-9 / passes;
        for (int k = 0; k < names.size(); k++) {
            out.add(new Entry(k, names.get(k), forwardNanos[k] * per, backwardNanos[k] * per));
        }
        return out;
    }
}
