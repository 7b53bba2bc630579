package org.gmi.bench;

import java.util.concurrent.TimeUnit;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.engine.Reconstruction;
import org.gmi.engine.SampledReconstruction;
import org.gmi.engine.Simd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused reconstruction, loss and gradient, at Cora's size: about 3 N^2 d FLOP per call
 * (N^2 d / 2 FMA for the symmetric S tiles, N^2 d for dH), and the sampled estimate beside it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ReconstructionBench {
    @Param({"2708"})
    int n;
    @Param({"512"})
    int d;
    @Param({"1"})
    int threads;
    @Param({"true"})
    boolean simd;

    Matrix h;
    Matrix grad;
    CsrMatrix target;
    Reconstruction exact;
    SampledReconstruction sampled;
    int[] samples;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Simd.setEnabled(simd);
        h = KernelState.gaussian(n, d, 0.05, 3);
        grad = new Matrix(n, d);
        target = KernelState.randomGraph(n, 4, 4);
        exact = new Reconstruction(n, d);
        int k = 5;
        sampled = new SampledReconstruction(n, d, k, target.nnz());
        samples = new int[n * k];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = rng.nextInt(n);
        }
    }

    @Benchmark
    public double exactLossAndGradient() {
        return exact.lossAndGradient(h, target, 100f, 1.01f, 1e-10f, 1f, grad);
    }

    @Benchmark
    public double sampledLossAndGradient() {
        return sampled.lossAndGradient(h, target, samples, 100f, 1.01f, 1e-10f, 1f, grad);
    }
}
