package org.gmi.engine;

/**
 * The seam between the autodiff ops and the hardware that runs their kernels (DESIGN section 4).
 *
 * <p>Operands are {@link DeviceMatrix} handles of this backend; results stay where the backend keeps
 * them, so an epoch runs without a host round trip per op. Only what the training loop needs on the
 * host comes back: the loss terms ({@link #jsd}, {@link ReconstructionKernel#lossAndGradient}) and
 * whatever a caller {@link #read}s on purpose (checkpoints, the final parameters).
 *
 * <p>Constant inputs cross once: sparse matrices ({@link CsrMatrix}, immutable by convention) are
 * taken by reference and a device backend keeps its copy per instance (and its transpose); the index
 * lists of the negatives cross once per epoch through {@link #indices}. Every {@code accumulate} flag
 * means {@code C += ...}, otherwise {@code C = ...}.
 *
 * <p>Its operations are grouped by concern: {@link DeviceMemory}, {@link LinearAlgebra},
 * {@link LayerKernels}, {@link NeighbourWeightKernels}, {@link ScoreKernels}, {@link LossKernels} and {@link OptimizerKernels}.
 *
 * <p>Implementations: {@link CpuBackend} (the engine's Vector API kernels, zero copy) and the OpenCL
 * backend of module gmi-opencl. A backend is used by one thread at a time.
 */
public interface Backend
        extends DeviceMemory, LinearAlgebra, LayerKernels, NeighbourWeightKernels, ScoreKernels, LossKernels, OptimizerKernels,
        AutoCloseable {
    /** A short name for logs and metrics, e.g. {@code cpu} or {@code opencl:0:0 (NVIDIA H100)}. */
    @Override
    String name();

    /** Whether this is the host CPU backend (handles are plain {@link Matrix} objects). */
    default boolean isCpu() {
        return false;
    }

    /** The most bytes this backend held at once in buffers it allocated (0 for the CPU: see the heap). */
    long peakBytes();

    /**
     * Prepares the kernels before a long run where that pays (the CPU backend runs its kernels once
     * on small shapes so that the JIT has compiled them before the first epoch); a no-op by default.
     */
    default void warmUp() {}

    /** Waits until all work sent so far has finished (for timing); a no-op on the CPU. */
    default void finish() {}

    /** Releases everything this backend holds; the CPU backend holds nothing. */
    @Override
    void close();

    /** Throws unless {@code m} belongs to this backend, naming the op. */
    default void requireOwn(String op, DeviceMatrix m) {
        if (m != null && m.backend() != this) {
            throw new IllegalArgumentException(op + ": operand (" + m.shape() + ") belongs to backend "
                    + m.backend().name() + ", not " + name());
        }
    }
}
