package org.gmi.bench;

import java.util.concurrent.TimeUnit;
import org.gmi.engine.Elementwise;
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
 * The elementwise layers over an N x d buffer (Coauthor CS at d = 512 by default: 37.5 MB, beyond
 * L3): streaming kernels, so GB/s. Bytes per call: PReLU 2 buffers, its backward 3 when
 * overwriting dx and 4 when adding to it, bias 2, column sums 1, a scaled add 2 or 3.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBench {
    @Param({"18333"})
    int n;
    @Param({"512"})
    int d;
    @Param({"1", "2"})
    int threads;
    @Param({"true"})
    boolean simd;

    Matrix x;
    Matrix dy;
    Matrix out;
    float[] bias;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Simd.setEnabled(simd);
        x = KernelState.gaussian(n, d, 1, 11);
        dy = KernelState.gaussian(n, d, 1, 12);
        out = new Matrix(n, d);
        bias = new float[d];
    }

    @Benchmark
    public Matrix prelu() {
        Elementwise.prelu(x.data, 0.25f, out.data, x.data.length);
        return out;
    }

    @Benchmark
    public double preluBackwardOverwrite() {
        return Elementwise.preluBackward(x.data, 0.25f, dy.data, out.data, x.data.length, false);
    }

    @Benchmark
    public double preluBackwardAccumulate() {
        return Elementwise.preluBackward(x.data, 0.25f, dy.data, out.data, x.data.length, true);
    }

    @Benchmark
    public Matrix addBias() {
        Elementwise.addBias(x.data, bias, out.data, n, d);
        return out;
    }

    @Benchmark
    public float[] columnSums() {
        Elementwise.addColumnSums(dy.data, n, d, bias);
        return bias;
    }

    @Benchmark
    public Matrix addScaledOverwrite() {
        Elementwise.addScaled(0.5f, dy.data, out.data, out.data.length, false);
        return out;
    }
}
