package org.gmi.bench;

import java.util.concurrent.TimeUnit;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.engine.RowOps;
import org.gmi.engine.Simd;
import org.gmi.engine.Spmm;
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

/** SpMM with a Cora-sized propagation matrix, and the discriminators' row dots: memory-bound kernels (GB/s). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SparseBench {
    @Param({"2708"})
    int n;
    @Param({"512"})
    int d;
    @Param({"1"})
    int threads;
    @Param({"true"})
    boolean simd;

    CsrMatrix adj;
    Matrix x;
    Matrix y;
    int[] idx;
    float[] scores;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Simd.setEnabled(simd);
        adj = KernelState.randomGraph(n, 4, 6);
        x = KernelState.gaussian(n, d, 1, 7);
        y = new Matrix(n, d);
        idx = new int[n];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            idx[i] = rng.nextInt(n);
        }
        scores = new float[n];
    }

    @Benchmark
    public Matrix spmm() {
        Spmm.spmm(adj, x, y, false);
        return y;
    }

    @Benchmark
    public Matrix spmmTransA() {
        Spmm.spmmTransA(adj, x, y, false);
        return y;
    }

    @Benchmark
    public float[] rowDots() {
        RowOps.rowDots(x, idx, x, scores, 0);
        return scores;
    }
}
