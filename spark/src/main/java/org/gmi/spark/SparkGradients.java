package org.gmi.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.gmi.autodiff.Parameter;
import org.gmi.cli.EngineFailureException;
import org.gmi.models.MinibatchTrainer;
import org.gmi.models.MinibatchTrainer.StepLoss;
import org.gmi.models.PhaseTimes;

/**
 * One training step as one Spark job: the driver broadcasts the parameters, each of the
 * {@code parts} partitions computes the gradient of its slice of the batch ({@link StepTask}), and
 * {@code treeAggregate} sums them ({@link GradientSum}: exactly, whatever order the tasks finish in)
 * into the driver model's gradients, on which the {@link MinibatchTrainer} takes its Adam step.
 */
final class SparkGradients implements MinibatchTrainer.BatchGradients {
    private final JavaSparkContext sc;
    private final StepTask.Run run;
    private final List<Parameter> params;
    private final JavaRDD<Integer> parts;
    private final StepTimes times;
    private final PhaseTimes phases;

    SparkGradients(JavaSparkContext sc, StepTask.Run run, MinibatchTrainer.Context context, StepTimes times) {
        this.sc = sc;
        this.run = run;
        int partitions = run.parts();
        this.params = context.model().parameters();
        this.parts = sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions);
        this.times = times;
        this.phases = context.phases();
    }

    @Override
    public StepLoss compute(int epoch, int batch, int[] seeds) {
        // the driver's phases are its Adam steps; the jobs' time is reported by StepTimes
        phases.stop();
        long t0 = System.nanoTime();
        float[][] values = new float[params.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = params.get(i).value().data.clone();
        }
        Broadcast<float[][]> shared = sc.broadcast(values);
        StepTask.Run r = run;
        int partitions = r.parts();
        long t1 = System.nanoTime();
        GradientSum sum;
        try {
            sum = parts.treeAggregate(GradientSum.empty(partitions),
                    (acc, part) -> GradientSum.merge(acc, StepTask.run(r, shared.value(), epoch, batch, seeds, part)),
                    GradientSum::merge);
        } catch (Exception e) {
            // Spark throws its checked SparkException undeclared: a job that failed for good
            if (e instanceof org.apache.spark.SparkException) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                throw new EngineFailureException("spark: the job of epoch " + epoch + ", batch " + batch + " failed: " + why, e);
            }
            throw e;
        } finally {
            shared.destroy();
        }
        long t2 = System.nanoTime();
        if (sum.contributions() != partitions) {
            throw new IllegalStateException("step " + batch + " of epoch " + epoch + " summed " + sum.contributions()
                    + " partitions' gradients, not " + partitions);
        }
        float[][] grads = sum.gradients();
        for (int i = 0; i < grads.length; i++) {
            Parameter p = params.get(i);
            p.zeroGrad();
            System.arraycopy(grads[i], 0, p.grad().data, 0, grads[i].length);
        }
        // the batch's loss: its partitions' losses weighted by their seed counts, summed in partition order
        double loss = 0;
        Map<String, Double> terms = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            int size = StepTask.sliceStart(seeds.length, p + 1, partitions) - StepTask.sliceStart(seeds.length, p, partitions);
            double w = (double) size / seeds.length;
            loss += w * sum.loss[p];
            for (int t = 0; t < sum.termNames.size(); t++) {
                terms.merge(sum.termNames.get(t), w * sum.terms[p][t], Double::sum);
            }
        }
        times.add(t1 - t0, t2 - t1, sum.slowestTaskNanos, System.nanoTime() - t2);
        return new StepLoss(loss, terms);
    }

}
