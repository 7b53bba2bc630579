package org.gmi.engine;

import java.util.Arrays;

/**
 * A dense row-major float matrix: element (i, j) lives at {@code data[i * cols + j]}.
 *
 * <p>Plain storage on purpose: kernels take {@code data} with explicit offsets, so a matrix is
 * never more than its array and its shape. It is also the {@link CpuBackend}'s {@link DeviceMatrix}
 * handle, so the CPU path of the backend seam copies nothing.
 */
public final class Matrix implements DeviceMatrix {
    public final int rows;
    public final int cols;
    public final float[] data;

    public Matrix(int rows, int cols) {
        this(rows, cols, new float[checkedSize(rows, cols)]);
    }

    public Matrix(int rows, int cols, float[] data) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        if (data.length != checkedSize(rows, cols)) {
            throw new IllegalArgumentException(
                    "data of length " + data.length + " does not hold a " + rows + "x" + cols + " matrix");
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    private static int checkedSize(int rows, int cols) {
        long n = (long) rows * cols;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(
                    "a " + rows + "x" + cols + " matrix does not fit one Java array (" + n + " entries)");
        }
        return (int) n;
    }

    public static Matrix zeros(int rows, int cols) {
        return new Matrix(rows, cols);
    }

    public static Matrix sameShape(Matrix m) {
        return new Matrix(m.rows, m.cols);
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
        return CpuBackend.INSTANCE;
    }

    public float get(int i, int j) {
        return data[i * cols + j];
    }

    public void set(int i, int j, float v) {
        data[i * cols + j] = v;
    }

    public int size() {
        return data.length;
    }

    public void fill(float v) {
        Arrays.fill(data, v);
    }

    public Matrix copy() {
        return new Matrix(rows, cols, data.clone());
    }

    public void copyFrom(Matrix other) {
        requireSameShape("copyFrom", this, other);
        System.arraycopy(other.data, 0, data, 0, data.length);
    }

    @Override
    public String shape() {
        return rows + "x" + cols;
    }

    public static void requireSameShape(String op, Matrix a, Matrix b) {
        if (a.rows != b.rows || a.cols != b.cols) {
            throw new IllegalArgumentException(op + ": shapes differ (" + a.shape() + ") vs (" + b.shape() + ")");
        }
    }

    @Override
    public String toString() {
        return "Matrix(" + shape() + ")";
    }
}
