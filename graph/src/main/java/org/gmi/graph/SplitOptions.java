package org.gmi.graph;

/**
 * How to split a graph that has no public split: a seeded random split of the labelled nodes,
 * {@code trainFrac} for training, {@code valFrac} for validation, the rest for testing.
 */
public record SplitOptions(double trainFrac, double valFrac, long seed) {

    /** 10 % train, 10 % validation, 80 % test, seed 0. */
    public static final SplitOptions DEFAULT = new SplitOptions(0.1, 0.1, 0);

    public SplitOptions {
        if (!(trainFrac > 0 && trainFrac < 1)) {
            throw new IllegalArgumentException("trainFrac must be in (0, 1), got " + trainFrac);
        }
        if (!(valFrac >= 0 && valFrac < 1)) {
            throw new IllegalArgumentException("valFrac must be in [0, 1), got " + valFrac);
        }
        if (trainFrac + valFrac >= 1) {
            throw new IllegalArgumentException("trainFrac + valFrac must be < 1 to leave test nodes, got "
                    + trainFrac + " + " + valFrac);
        }
    }

    public static SplitOptions defaults() {
        return DEFAULT;
    }

    public SplitOptions withSeed(long newSeed) {
        return new SplitOptions(trainFrac, valFrac, newSeed);
    }
}
