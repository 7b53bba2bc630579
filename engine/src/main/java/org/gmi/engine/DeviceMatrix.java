package org.gmi.engine;

/**
 * A dense row-major float matrix held by a {@link Backend}: an opaque handle whose storage lives
 * where the backend computes (host memory for the CPU backend, a device buffer for OpenCL).
 *
 * <p>The CPU backend's handle is {@link org.gmi.engine.Matrix} itself, so the CPU path copies nothing.
 * Other backends' handles are read and written only through their backend ({@link Backend#read},
 * {@link Backend#write}).
 */
public interface DeviceMatrix {
    int rows();

    int cols();

    /** The backend that owns this storage; every op takes operands of one backend only. */
    Backend backend();

    /** rows x cols. */
    default long elements() {
        return (long) rows() * cols();
    }

    default String shape() {
        return rows() + "x" + cols();
    }
}
