package org.gmi.autodiff.ops;

import org.gmi.autodiff.Op;
import org.gmi.autodiff.Tape;
import org.gmi.autodiff.Tensor;
import org.gmi.engine.Matrix;
import org.gmi.engine.RowOps;

/**
 * The bilinear discriminator scores with the bilinear weight already applied to one side
 * (DESIGN section 3: x_j^T B h_i = (X B)_j . h_i):
 * <pre>  Y[k, i] = left[idx_k(i), :] . right[i, :] + c  </pre>
 * with idx_k the k-th index list (null: the identity, the positive pairs).
 * Backward: dright[i] += dY[k,i] left[idx_k(i)], dleft[idx_k(i)] += dY[k,i] right[i], dc += sum dY.
 * Shapes: left (p x d), right (N x d), K index lists of length N, c (1 x 1) -> Y (K x N).
 */
public final class BilinearScores implements Op {
    private final Tensor left;
    private final Tensor right;
    private final int[][] idx;
    private final Tensor bias;
    private final Tensor y;

    private BilinearScores(Tensor left, Tensor right, int[][] idx, Tensor bias, Tensor y) {
        this.left = left;
        this.right = right;
        this.idx = idx;
        this.bias = bias;
        this.y = y;
    }

    public static Tensor apply(Tape tape, String name, Tensor left, Tensor right, int[][] idx, Tensor bias) {
        int n = right.rows();
        Matrix out = tape.allocate(idx.length, n, false);
        for (int k = 0; k < idx.length; k++) {
            RowOps.rowDots(left.value(), idx[k], right.value(), out.data, k * n);
        }
        float c = bias.scalar();
        if (c != 0f) {
            for (int i = 0; i < out.data.length; i++) {
                out.data[i] += c;
            }
        }
        boolean grad = left.requiresGrad() || right.requiresGrad() || bias.requiresGrad();
        Tensor y = new Tensor(name, out, grad, tape);
        if (grad) {
            tape.record(new BilinearScores(left, right, idx, bias, y));
        }
        return y;
    }

    @Override
    public String name() {
        return "BilinearScores(" + left.value().shape() + ", " + right.value().shape() + ", " + idx.length + " lists)";
    }

    @Override
    public void backward() {
        if (!y.hasGrad()) {
            return;
        }
        float[] dy = y.grad().data;
        int n = right.rows();
        Matrix dLeft = left.requiresGrad() ? left.grad() : null;
        Matrix dRight = right.requiresGrad() ? right.grad() : null;
        for (int k = 0; k < idx.length; k++) {
            RowOps.rowDotsBackward(left.value(), idx[k], right.value(), dy, k * n, dLeft, dRight);
        }
        if (bias.requiresGrad()) {
            double s = 0;
            for (float v : dy) {
                s += v;
            }
            bias.grad().data[0] += (float) s;
        }
    }
}
