package org.gmi.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's FMA peak as the Vector API reaches it: 12 independent accumulators (enough to
 * hide the FMA latency on two FMA ports), no memory traffic. One call is
 * {@value #STEPS} x 12 FMAs of {@code LANES} floats, {@code 2 x 12 x LANES x STEPS} FLOP
 * (1,572,864 with 16 lanes); GFLOP/s = that x ops/s / 1e9. Run with {@code -t 2} for both cores
 * (JMH sums the threads' throughput).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int STEPS = 4096;

    float b = 0.999999f;
    float c = 1e-6f;

    @Benchmark
    public float fmaPeak() {
        FloatVector vb = FloatVector.broadcast(S, b);
        FloatVector vc = FloatVector.broadcast(S, c);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = FloatVector.broadcast(S, 2f), a2 = FloatVector.broadcast(S, 3f);
        FloatVector a3 = FloatVector.broadcast(S, 4f), a4 = FloatVector.broadcast(S, 5f), a5 = FloatVector.broadcast(S, 6f);
        FloatVector a6 = FloatVector.broadcast(S, 7f), a7 = FloatVector.broadcast(S, 8f), a8 = FloatVector.broadcast(S, 9f);
        FloatVector a9 = FloatVector.broadcast(S, 10f), a10 = FloatVector.broadcast(S, 11f), a11 = FloatVector.broadcast(S, 12f);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(vb, vc);
            a1 = a1.fma(vb, vc);
            a2 = a2.fma(vb, vc);
            a3 = a3.fma(vb, vc);
            a4 = a4.fma(vb, vc);
            a5 = a5.fma(vb, vc);
            a6 = a6.fma(vb, vc);
            a7 = a7.fma(vb, vc);
            a8 = a8.fma(vb, vc);
            a9 = a9.fma(vb, vc);
            a10 = a10.fma(vb, vc);
            a11 = a11.fma(vb, vc);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).lane(0);
    }

    /** FLOP of one {@link #fmaPeak} call. */
    public static long flopPerCall() {
        return 2L * 12 * S.length() * STEPS;
    }
}
