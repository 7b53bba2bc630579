package org.gmi.api;

import org.gmi.engine.Matrix;
import org.gmi.models.TrainResult;

/**
 * Node embeddings: an N x d matrix of floats, row-major, one row per node.
 *
 * @param matrix   the values ({@code matrix.data[i * d + j]} is dimension j of node i)
 * @param training the training run that made them (losses per epoch, best epoch), or null for
 *                 embeddings from elsewhere
 */
public record Embedding(Matrix matrix, TrainResult training) {
    public int nodes() {
        return matrix.rows;
    }

    public int dimensions() {
        return matrix.cols;
    }

    /** Dimension {@code j} of node {@code i}. */
    public float get(int i, int j) {
        return matrix.data[i * matrix.cols + j];
    }

    /** A copy as one float[] per node. */
    public float[][] toArray() {
        float[][] rows = new float[matrix.rows][];
        for (int i = 0; i < matrix.rows; i++) {
            rows[i] = java.util.Arrays.copyOfRange(matrix.data, i * matrix.cols, (i + 1) * matrix.cols);
        }
        return rows;
    }
}
