package org.gmi.graph;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Train / validation / test splits; every array sorted ascending, the three disjoint. */
public final class Splits {
    private Splits() {}

    /** Validation nodes in the Planetoid public split (GCN's {@code range(len(y), len(y) + 500)}). */
    public static final int PLANETOID_VAL = 500;

    /**
     * The Planetoid public split (Yang et al. 2016, as used by GCN, DGI and GMI):
     * train = range(numTrain) (the rows of {@code y}), val = range(numTrain, numTrain + 500),
     * test = the ids of {@code test.index}, sorted.
     *
     * @throws IllegalArgumentException if the test ids overlap train or validation
     */
    public static Split planetoidPublic(int numTrain, int[] testIndex) {
        int[] train = range(0, numTrain);
        int[] val = range(numTrain, numTrain + PLANETOID_VAL);
        int[] test = testIndex.clone();
        Arrays.sort(test);
        for (int k = 0; k < test.length; k++) {
            if (test[k] < numTrain + PLANETOID_VAL) {
                throw new IllegalArgumentException("test id " + test[k] + " overlaps the training or validation ids 0.."
                        + (numTrain + PLANETOID_VAL - 1));
            }
            if (k > 0 && test[k] == test[k - 1]) {
                throw new IllegalArgumentException("test id " + test[k] + " appears twice");
            }
        }
        return new Split(train, val, test, "planetoid-public");
    }

    /** {@link #random(int[], double, double, long)} with the fractions and seed of {@code opts}. */
    public static Split random(int[] labels, SplitOptions opts) {
        return random(labels, opts.trainFrac(), opts.valFrac(), opts.seed());
    }

    /** The default random split: 10 % / 10 % / 80 % of the labelled nodes. */
    public static Split random(int[] labels, long seed) {
        return random(labels, SplitOptions.DEFAULT.trainFrac(), SplitOptions.DEFAULT.valFrac(), seed);
    }

    /**
     * A seeded random split of the labelled nodes (label >= 0): they are shuffled with
     * {@code SplittableRandom(seed)}, the first round(trainFrac * L) go to train, the next
     * round(valFrac * L) to validation, the rest to test. Unlabelled nodes are in no set.
     */
    public static Split random(int[] labels, double trainFrac, double valFrac, long seed) {
        new SplitOptions(trainFrac, valFrac, seed); // validates the fractions
        int[] labelled = IntStream.range(0, labels.length).filter(i -> labels[i] >= 0).toArray();
        int l = labelled.length;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = l - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = labelled[i];
            labelled[i] = labelled[j];
            labelled[j] = t;
        }
        int nTrain = (int) Math.round(trainFrac * l);
        int nVal = (int) Math.min(Math.round(valFrac * l), l - nTrain);
        int[] train = Arrays.copyOfRange(labelled, 0, nTrain);
        int[] val = Arrays.copyOfRange(labelled, nTrain, nTrain + nVal);
        int[] test = Arrays.copyOfRange(labelled, nTrain + nVal, l);
        Arrays.sort(train);
        Arrays.sort(val);
        Arrays.sort(test);
        String kind = String.format(Locale.ROOT, "random(seed=%d, %s/%s/%s)", seed, fmt(trainFrac), fmt(valFrac),
                fmt(1 - trainFrac - valFrac));
        return new Split(train, val, test, kind);
    }

    private static String fmt(double f) {
        return String.format(Locale.ROOT, "%.2f", f).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
