package org.gmi.spark;

/**
 * Where a Spark training step's time goes, as the driver sees it: preparing the parameters' broadcast,
 * the job (tasks computing gradients, of which the slowest task's computing is also kept, and Spark's
 * scheduling, shipping and tree aggregation), and writing the sum
 * into the driver's gradients. Summed over the run, in seconds; and the embedding's jobs after training.
 */
public final class StepTimes {
    private long broadcastNanos;
    private long jobNanos;
    private long applyNanos;
    private long slowestTaskNanos;
    private long steps;
    private long embeddingNanos;
    private int embeddingJobs;
    private int embeddingTasks;

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

    synchronized void embedded(long nanos, int jobs, int tasks) {
        embeddingNanos += nanos;
        embeddingJobs += jobs;
        embeddingTasks = tasks;
    }

    /** The embedding's jobs ({@link SparkEmbedding}), from the file's creation to the last task's rows. */
    public synchronized double embeddingSeconds() {
        return embeddingNanos / 1e9;
    }

    public synchronized int embeddingJobs() {
        return embeddingJobs;
    }

    /** Tasks per embedding job. */
    public synchronized int embeddingTasks() {
        return embeddingTasks;
    }
}
