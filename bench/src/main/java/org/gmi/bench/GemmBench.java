package org.gmi.bench;

import java.util.concurrent.TimeUnit;
import org.gmi.engine.Gemm;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
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
 * The three GEMM variants at the shapes of a Cora epoch (N x d times d x d). GFLOP/s = 2 m k n / time.
 * {@code simd=false} measures the scalar twin.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {
    @Param({"2708"})
    int m;
    @Param({"512"})
    int d;
    @Param({"1"})
    int threads;
    @Param({"true"})
    boolean simd;

    Matrix a;
    Matrix w;
    Matrix c;
    Matrix cw;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Simd.setEnabled(simd);
        a = KernelState.gaussian(m, d, 1, 1);
        w = KernelState.gaussian(d, d, 1, 2);
        c = new Matrix(m, d);
        cw = new Matrix(d, d);
    }

    /** C = A W: the second GCN layer and D2's V = Hn B2^T. */
    @Benchmark
    public Matrix gemm() {
        Gemm.gemm(a, w, c, false);
        return c;
    }

    /** dW = A^T dY: every weight gradient. */
    @Benchmark
    public Matrix gemmTransA() {
        Gemm.gemmTransA(a, c, cw, false);
        return cw;
    }

    /** dA = dY W^T: every input gradient through a weight. */
    @Benchmark
    public Matrix gemmTransB() {
        Gemm.gemmTransB(c, w, a, false);
        return a;
    }
}
