package org.gmi.models;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the {@link Trainer} needs to continue a run exactly where it stood after
 * {@code epochsDone} epochs: a checkpoint. The random draws need no state: those of epoch e are a
 * pure function of the seed and e ({@link EpochSeeds}).
 *
 * @param epochsDone    epochs completed (forward, early-stopping bookkeeping and, unless stopping, the Adam step)
 * @param finished      training is over (early stop or the last epoch): resuming only restores the best epoch and embeds
 * @param names         parameter names, in {@link SelfSupervisedModel#parameters()} order
 * @param shapes        {rows, cols} of each parameter
 * @param values        the parameter values now (after the step of epoch {@code epochsDone})
 * @param firstMoments  Adam's m, per parameter
 * @param secondMoments Adam's v, per parameter
 * @param adamSteps     Adam's step count t (its bias corrections depend on it)
 * @param best          the parameter values of the best epoch so far (what training ends with)
 * @param bestLoss      the lowest loss so far
 * @param bestEpoch     its 1-based epoch (0 before the first)
 * @param sinceBest     epochs since the best one (early stopping after {@code patience})
 * @param loss          the loss of every epoch done
 * @param terms         per loss term, its value at every epoch done
 * @param epochSeconds  the wall time of every epoch done
 */
public record TrainState(int epochsDone, boolean finished, String[] names, int[][] shapes, float[][] values,
                         float[][] firstMoments, float[][] secondMoments, int adamSteps, float[][] best,
                         double bestLoss, int bestEpoch, int sinceBest, double[] loss,
                         Map<String, double[]> terms, double[] epochSeconds) {

    public TrainState {
        int p = names.length;
        if (shapes.length != p || values.length != p || firstMoments.length != p || secondMoments.length != p
                || best.length != p) {
            throw new IllegalArgumentException("train state: " + p + " parameter names but " + values.length
                    + " values, " + firstMoments.length + " first and " + secondMoments.length + " second moments, "
                    + best.length + " best snapshots");
        }
        for (int k = 0; k < p; k++) {
            long size = (long) shapes[k][0] * shapes[k][1];
            if (values[k].length != size || firstMoments[k].length != size || secondMoments[k].length != size
                    || best[k].length != size) {
                throw new IllegalArgumentException("train state: parameter " + names[k] + " is " + shapes[k][0] + "x"
                        + shapes[k][1] + " but its arrays do not all have " + size + " entries");
            }
        }
        if (epochsDone < 0 || loss.length != epochsDone || epochSeconds.length != epochsDone) {
            throw new IllegalArgumentException("train state: " + epochsDone + " epochs done but " + loss.length
                    + " losses and " + epochSeconds.length + " epoch times");
        }
        for (Map.Entry<String, double[]> t : terms.entrySet()) {
            if (t.getValue().length != epochsDone) {
                throw new IllegalArgumentException("train state: term " + t.getKey() + " has " + t.getValue().length
                        + " values for " + epochsDone + " epochs");
            }
        }
        if (bestEpoch < 0 || bestEpoch > epochsDone || sinceBest < 0 || adamSteps < 0) {
            throw new IllegalArgumentException("train state: best epoch " + bestEpoch + ", epochs since best " + sinceBest
                    + ", Adam steps " + adamSteps + " for " + epochsDone + " epochs done");
        }
        terms = new LinkedHashMap<>(terms);
    }

    /**
     * What makes this state impossible for a run to have reached, or null when it is consistent:
     * values, moments and snapshots that are not finite, a negative second moment, a loss history
     * that is not finite, a best epoch whose loss is not the best loss or that is missing after
     * some epochs, epochs since the best that do not count from it, a finished run of no epochs, an
     * Adam step count neither one per epoch (the stopping epoch taking none: full batch) nor the same
     * number above one per epoch (minibatch); {@link #stepsInconsistency} checks it against the run. A checksum proves
     * that the bytes are the ones written, not that what they say makes sense.
     */
    public String inconsistency() {
        String[] groups = {"value", "first moment", "second moment", "best-epoch value"};
        float[][][] arrays = {values, firstMoments, secondMoments, best};
        for (int g = 0; g < arrays.length; g++) {
            for (int k = 0; k < names.length; k++) {
                float[] a = arrays[g][k];
                for (int i = 0; i < a.length; i++) {
                    if (!Float.isFinite(a[i]) || (g == 2 && a[i] < 0)) {
                        return "parameter " + names[k] + "'s " + groups[g] + " " + a[i] + " at index " + i
                                + (g == 2 && Float.isFinite(a[i]) ? " is negative" : " is not finite");
                    }
                }
            }
        }
        for (int e = 0; e < epochsDone; e++) {
            if (!Double.isFinite(loss[e]) || !(epochSeconds[e] >= 0)) {
                return "epoch " + (e + 1) + " has loss " + loss[e] + " and time " + epochSeconds[e] + " s";
            }
        }
        for (Map.Entry<String, double[]> t : terms.entrySet()) {
            for (int e = 0; e < epochsDone; e++) {
                if (!Double.isFinite(t.getValue()[e])) {
                    return "loss term " + t.getKey() + " is " + t.getValue()[e] + " at epoch " + (e + 1);
                }
            }
        }
        if (finished && epochsDone == 0) {
            return "training finished after 0 epochs";
        }
        if (epochsDone > 0 && bestEpoch == 0) {
            return epochsDone + " epochs done but no best epoch";
        }
        if (bestEpoch > 0 && Double.compare(loss[bestEpoch - 1], bestLoss) != 0) {
            return "best loss " + bestLoss + " is not the loss " + loss[bestEpoch - 1] + " of the best epoch " + bestEpoch;
        }
        if (bestEpoch == 0 && bestLoss != Double.POSITIVE_INFINITY) {
            return "best loss " + bestLoss + " before any epoch";
        }
        if (sinceBest != epochsDone - bestEpoch) {
            return sinceBest + " epochs since the best epoch " + bestEpoch + " of " + epochsDone;
        }
        boolean fullBatch = fullBatchSteps();
        boolean minibatch = epochsDone > 0 && adamSteps > epochsDone && adamSteps % epochsDone == 0;
        if (!fullBatch && !minibatch) {
            return adamSteps + " Adam steps for " + epochsDone + " epochs" + (finished ? " (finished)" : "");
        }
        return null;
    }

    /** Whether the Adam step count is a full-batch run's: one an epoch, none at the epoch it stops. */
    private boolean fullBatchSteps() {
        return adamSteps == epochsDone || (finished && adamSteps == epochsDone - 1);
    }

    /**
     * What makes this state's Adam step count impossible for a run of {@code stepsPerEpoch} steps an
     * epoch, or null: a full-batch run ({@code stepsPerEpoch} 0) takes one step an epoch and none at
     * the epoch it stops; a minibatch run takes every batch's step, the stopping epoch's included.
     */
    public String stepsInconsistency(int stepsPerEpoch) {
        boolean ok = stepsPerEpoch == 0 ? fullBatchSteps() : adamSteps == (long) epochsDone * stepsPerEpoch;
        return ok ? null : adamSteps + " Adam steps for " + epochsDone + " epochs" + (stepsPerEpoch == 0 ? ""
                : " of " + stepsPerEpoch + " batches") + (finished ? " (finished)" : "");
    }

    /**
     * What makes this state impossible under a run of at most {@code epochs} epochs that stops
     * after {@code patience} epochs without a better loss, or null: epochs beyond the range, an
     * unfinished state at the last epoch or past the patience, a finished one before either.
     */
    public String inconsistencyWith(int epochs, int patience) {
        if (epochsDone > epochs) {
            return epochsDone + " epochs done, beyond the run's " + epochs;
        }
        if (!finished && (epochsDone == epochs || sinceBest >= patience)) {
            return "not finished after " + epochsDone + " of " + epochs + " epochs, " + sinceBest
                    + " of them without a better loss (patience " + patience + ")";
        }
        if (finished && epochsDone < epochs && sinceBest < patience) {
            return "finished after " + epochsDone + " of " + epochs + " epochs with only " + sinceBest
                    + " without a better loss (patience " + patience + ")";
        }
        return null;
    }

    /** Whether every parameter value, moment and snapshot is finite (a state worth keeping). */
    public boolean isFinite() {
        for (float[][] group : new float[][][] {values, firstMoments, secondMoments, best}) {
            for (float[] a : group) {
                for (float x : a) {
                    if (!Float.isFinite(x)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Value equality, array contents included (records compare arrays by identity). */
    public boolean sameAs(TrainState o) {
        if (o == null || epochsDone != o.epochsDone || finished != o.finished || adamSteps != o.adamSteps
                || Double.compare(bestLoss, o.bestLoss) != 0 || bestEpoch != o.bestEpoch || sinceBest != o.sinceBest
                || !Arrays.equals(names, o.names) || !Arrays.deepEquals(shapes, o.shapes)
                || !Arrays.deepEquals(values, o.values) || !Arrays.deepEquals(firstMoments, o.firstMoments)
                || !Arrays.deepEquals(secondMoments, o.secondMoments) || !Arrays.deepEquals(best, o.best)
                || !Arrays.equals(loss, o.loss) || !Arrays.equals(epochSeconds, o.epochSeconds)
                || !terms.keySet().equals(o.terms.keySet())) {
            return false;
        }
        for (Map.Entry<String, double[]> t : terms.entrySet()) {
            if (!Arrays.equals(t.getValue(), o.terms.get(t.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
