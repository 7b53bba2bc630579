package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.Indices;

/**
 * The bilinear discriminator scores with the bilinear weight already applied to one side
 * (DESIGN section 3: x_j^T B h_i = (X B)_j . h_i):
 * <pre>  Y[k, i] = left[idx_k(i), :] . right[i, :] + c  </pre>
 * with idx_k the k-th index list (null: the identity, the positive pairs).
 * Backward: dright[i] += dY[k,i] left[idx_k(i)], dleft[idx_k(i)] += dY[k,i] right[i], dc += sum dY.
 * Shapes: left (p x d), right (N x d), K index lists of length N, c (1 x 1) -> Y (K x N).
 *
 * <p>The index lists cross to the backend once, in the forward; the backward reuses them (their
 * arrays must not change in between).
 */
public final class BilinearScores implements Op {
    private final Backend backend;
    private final Tensor left;
    private final Tensor right;
    private final Indices idx;
    private final Tensor bias;
    private final Tensor y;

    private BilinearScores(Backend backend, Tensor left, Tensor right, Indices idx, Tensor bias, Tensor y) {
        this.backend = backend;
        this.left = left;
        this.right = right;
        this.idx = idx;
        this.bias = bias;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor left, Tensor right, int[][] idx, Tensor bias) {
        if (bias.rows() != 1 || bias.cols() != 1) {
            throw new IllegalStateException(bias.name() + " is " + bias.buffer().shape() + ", not a scalar");
        }
        Backend backend = tape.backend();
        int n = right.rows();
        Indices lists = backend.indices(idx, left.rows());
        DeviceMatrix out = tape.allocateBuffer(idx.length, n, false);
        backend.rowDots(left.buffer(), lists, right.buffer(), bias.buffer(), out);
        boolean grad = left.requiresGrad() || right.requiresGrad() || bias.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new BilinearScores(backend, left, right, lists, bias, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "BilinearScores(" + left.buffer().shape() + ", " + right.buffer().shape() + ", " + idx.lists() + " lists)";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        DeviceMatrix dc = bias.requiresGrad() ? bias.gradBuffer() : null;
        if (left == right) {
            // one buffer takes both sides: they add to it
            DeviceMatrix d = left.requiresGrad() ? left.gradBuffer() : null;
            backend.rowDotsBackward(left.buffer(), idx, right.buffer(), y.gradBuffer(), d, d, dc);
            return;
        }
        Tensor.GradTarget dLeft = left.requiresGrad() ? left.gradTarget() : null;
        Tensor.GradTarget dRight = right.requiresGrad() ? right.gradTarget() : null;
        backend.rowDotsBackward(left.buffer(), idx, right.buffer(), y.gradBuffer(),
                dLeft == null ? null : dLeft.buffer(), dLeft == null || dLeft.accumulate(),
                dRight == null ? null : dRight.buffer(), dRight == null || dRight.accumulate(), dc);
    }
}
