package org.gmi.opencl;

import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;
import org.jocl.cl_mem;

/** A rows x cols row-major float matrix in one OpenCL device buffer of its {@link OpenClBackend}. */
final class ClMatrix implements DeviceMatrix {
    final OpenClBackend owner;
    final cl_mem mem;
    final int rows;
    final int cols;
    boolean released;

    ClMatrix(OpenClBackend owner, cl_mem mem, int rows, int cols) {
        this.owner = owner;
        this.mem = mem;
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public Backend backend() {
        return owner;
    }

    @Override
    public String toString() {
        return "ClMatrix(" + shape() + ")";
    }
}
