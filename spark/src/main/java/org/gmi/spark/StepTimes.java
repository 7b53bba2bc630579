package org.gmi.spark;

/**
 * Where a Spark training step's time goes, as the driver sees it: preparing the parameters' broadcast,
 * the job (tasks computing gradients and the tree aggregation of their sums), and writing the sum
 * into the driver's gradients. Summed over the run, in seconds.
 */
public final class StepTimes {
    private long broadcastNanos;
    private long jobNanos;
    private long applyNanos;
    private long steps;

    synchronized void add(long broadcast, long job, long apply) {
        broadcastNanos += broadcast;
        jobNanos += job;
        applyNanos += apply;
        steps++;
    }

    public synchronized long steps() {
        return steps;
    }

    public synchronized double broadcastSeconds() {
        return broadcastNanos / 1e9;
    }

    public synchronized double jobSeconds() {
        return jobNanos / 1e9;
    }

    public synchronized double applySeconds() {
        return applyNanos / 1e9;
    }
}
