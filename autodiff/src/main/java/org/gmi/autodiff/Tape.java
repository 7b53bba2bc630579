package org.gmi.autodiff;

import java.util.ArrayList;
import java.util.List;
import org.gmi.engine.Elementwise;
import org.gmi.engine.Matrix;
import org.gmi.engine.Backend;
import org.gmi.engine.CpuBackend;
import org.gmi.engine.DeviceMatrix;

/**
 * Records ops in the order their forwards ran; {@link #backward(Tensor)} replays them in reverse,
 * which is a reverse topological order because an op can only consume values made before it.
 *
 * <p>A tape computes on one {@link Backend} (the CPU unless given another): the ops take their
 * output and gradient buffers from it through {@link #allocateBuffer}; loss scalars come from
 * {@link #allocate}, on the host.
 */
public final class Tape {
    private final List<Op> ops = new ArrayList<>();
    private final Backend backend;
    /**
     * Buffers handed out by {@link #allocate}, kept across {@link #clear()}: an epoch allocates the
     * same shapes in the same order as the one before, so after the first epoch every request is
     * served from here and training makes no garbage. On the CPU backend the backend's buffers come
     * from here too.
     */
    private final List<Matrix> slots = new ArrayList<>();
    private int nextSlot;
    /** The same for a device backend's buffers. */
    private final List<DeviceMatrix> deviceSlots = new ArrayList<>();
    private int nextDeviceSlot;
    /** Per-op timing, when a bench asks for it; null otherwise (the usual case costs one test per op). */
    private OpProfile profile;
    private long lastStamp;

    /** A tape on the CPU backend. */
    public Tape() {
        this(CpuBackend.INSTANCE);
    }

    public Tape(Backend backend) {
        this.backend = java.util.Objects.requireNonNull(backend, "backend");
    }

    public Backend backend() {
        return backend;
    }

    /**
     * This tape when it computes on the host, otherwise a fresh host tape: where a result wanted on the
     * host (the final embedding) is computed once a device run's buffers are no longer needed.
     */
    public Tape onHost() {
        return backend.isCpu() ? this : new Tape();
    }

    /** Ops call this from their {@code apply}; returns the op for chaining. */
    public <T extends Op> T record(T op) {
        if (profile != null) {
            backend.finish(); // a device op is timed to its completion, not to its enqueueing
            long now = System.nanoTime();
            profile.forward(ops.size(), op, now - lastStamp);
            lastStamp = now;
        }
        ops.add(op);
        return op;
    }

    /** Times every op of the passes that follow into {@code profile} (null: stop timing). */
    public void setProfile(OpProfile profile) {
        this.profile = profile;
        backend.finish();
        this.lastStamp = System.nanoTime();
    }

    public int size() {
        return ops.size();
    }

    /** Seeds d loss / d loss = 1 and runs every recorded backward in reverse order. */
    public void backward(Tensor loss) {
        DeviceMatrix v = loss.buffer();
        if (v.rows() != 1 || v.cols() != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got " + loss);
        }
        if (!loss.requiresGrad()) {
            throw new IllegalArgumentException("loss " + loss.name() + " does not depend on any parameter");
        }
        loss.grad().data[0] += 1f;
        for (int k = ops.size() - 1; k >= 0; k--) {
            Op op = ops.get(k);
            try {
                if (profile == null) {
                    op.backward();
                } else {
                    long t0 = System.nanoTime();
                    op.backward();
                    backend.finish();
                    profile.backward(k, System.nanoTime() - t0);
                }
            } catch (RuntimeException e) {
                throw new IllegalStateException("backward of " + op.name() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * A rows x cols host buffer (a loss scalar, or anything on the CPU backend), valid until the next
     * {@link #clear()}; zeroed when {@code zero}, otherwise holding stale values the caller must overwrite.
     */
    public Matrix allocate(int rows, int cols, boolean zero) {
        Matrix m;
        if (nextSlot < slots.size()) {
            m = slots.get(nextSlot);
            if (m.rows != rows || m.cols != cols) {
                m = new Matrix(rows, cols);
                slots.set(nextSlot, m);
            } else if (zero) {
                Elementwise.fill(m.data, m.data.length, 0f);
            }
        } else {
            m = new Matrix(rows, cols);
            slots.add(m);
        }
        nextSlot++;
        return m;
    }

    /** As {@link #allocate}, on this tape's backend (the same host buffers on the CPU). */
    public DeviceMatrix allocateBuffer(int rows, int cols, boolean zero) {
        if (backend.isCpu()) {
            return allocate(rows, cols, zero);
        }
        DeviceMatrix m;
        if (nextDeviceSlot < deviceSlots.size()) {
            m = deviceSlots.get(nextDeviceSlot);
            if (m.rows() != rows || m.cols() != cols) {
                backend.release(m);
                m = backend.allocate(rows, cols);
                deviceSlots.set(nextDeviceSlot, m);
            } else if (zero) {
                backend.fill(m, 0f);
            }
        } else {
            m = backend.allocate(rows, cols);
            deviceSlots.add(m);
        }
        nextDeviceSlot++;
        return m;
    }

    /** A buffer of {@code like}'s shape where {@code like} lives: on the host for host values, else on the backend. */
    DeviceMatrix allocateLike(DeviceMatrix like, boolean zero) {
        if (like instanceof Matrix) {
            return allocate(like.rows(), like.cols(), zero);
        }
        return allocateBuffer(like.rows(), like.cols(), zero);
    }

    /**
     * Fills every reusable buffer with NaN. For gradient checks: the ops must write all of every
     * buffer the tape hands them (values, and gradients through {@link Tensor#gradTarget()}), so a
     * pass after this one computes what a pass on fresh buffers does, or shows NaN.
     */
    void poisonBuffers() {
        for (Matrix m : slots) {
            m.fill(Float.NaN);
        }
        for (DeviceMatrix m : deviceSlots) {
            backend.fill(m, Float.NaN);
        }
    }

    /** Forgets the recorded ops; the buffers they used are handed out again, in the same order. */
    public void clear() {
        ops.clear();
        nextSlot = 0;
        nextDeviceSlot = 0;
        lastStamp = System.nanoTime();
    }

    /** Gives the device buffers back to the backend (a no-op on the CPU); the tape is empty afterwards. */
    public void release() {
        clear();
        for (DeviceMatrix m : deviceSlots) {
            backend.release(m);
        }
        deviceSlots.clear();
    }

    /** Floats held in reusable buffers (for memory reports). */
    public long bufferedFloats() {
        long n = 0;
        for (Matrix m : slots) {
            n += m.size();
        }
        for (DeviceMatrix m : deviceSlots) {
            n += m.elements();
        }
        return n;
    }
}
