package org.gmi.spark;

/**
 * Where a Spark training step's time goes, as the driver sees it: preparing the parameters' broadcast,
 * the job (tasks computing gradients, of which the slowest task's computing is also kept, and Spark's
 * scheduling, shipping and tree aggregation), and writing the sum
 * into the driver's gradients. Summed over the run, in seconds.
 */
public final class StepTimes {
    private long broadcastNanos;
    private long jobNanos;
    private long applyNanos;
    private long slowestTaskNanos;
    private long steps;

    synchronized void add(long broadcast, long job, long slowestTask, long apply) {
        broadcastNanos += broadcast;
        jobNanos += job;
        slowestTaskNanos += slowestTask;
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

    /** Of {@link #jobSeconds}, the time the slowest task of each step spent computing its gradient. */
    public synchronized double slowestTaskSeconds() {
        return slowestTaskNanos / 1e9;
    }

    public synchronized double applySeconds() {
        return applyNanos / 1e9;
    }
}
