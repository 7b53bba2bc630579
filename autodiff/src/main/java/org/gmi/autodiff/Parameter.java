package org.gmi.autodiff;

import org.gmi.engine.Matrix;
import org.gmi.engine.Backend;

/**
 * A trainable tensor: a leaf that always takes a gradient and that the optimiser updates.
 *
 * <p>It starts on the host; {@link #toBackend} moves its value to a device backend for training
 * (the host matrix stays as the place {@link #toHost} brings it back to), so that an epoch on the
 * device reads and updates the parameters without crossing to the host.
 */
public final class Parameter extends Tensor {
    private final Matrix host;

    public Parameter(String name, Matrix value) {
        super(name, value, true);
        this.host = value;
    }

    public static Parameter zeros(String name, int rows, int cols) {
        return new Parameter(name, new Matrix(rows, cols));
    }

    public static Parameter filled(String name, int rows, int cols, float v) {
        Parameter p = zeros(name, rows, cols);
        p.value().fill(v);
        return p;
    }

    /** Whether the value lives on the host (not moved to a device, or brought back). */
    public boolean onHost() {
        return buffer() == host;
    }

    /** Uploads the value to {@code backend} and computes there from now on; a no-op for the CPU backend. */
    public void toBackend(Backend backend) {
        if (backend.isCpu()) {
            if (!onHost()) {
                toHost();
            }
            return;
        }
        if (!onHost()) {
            throw new IllegalStateException("parameter " + name() + " already lives on backend " + buffer().backend().name());
        }
        rebind(backend.upload(host));
    }

    /** Downloads the value into the host matrix, releases the device copy and its gradient, and computes on the host again. */
    public void toHost() {
        if (onHost()) {
            return;
        }
        Backend b = buffer().backend();
        b.read(buffer(), host);
        if (hasGrad()) {
            b.release(gradBuffer());
        }
        b.release(buffer());
        rebind(host);
    }

    /** A host copy of the current value, wherever it lives. */
    public float[] copyValues() {
        if (onHost()) {
            return host.data.clone();
        }
        return buffer().backend().download(buffer()).data;
    }
}
