package org.gmi.engine;

import java.util.Arrays;

/**
 * A sparse matrix in compressed sparse row form.
 *
 * <ul>
 *   <li>{@code rowPtr} has {@code rows + 1} entries, starts at 0 and never decreases; row i owns the
 *       entries {@code rowPtr[i] .. rowPtr[i + 1] - 1}.
 *   <li>{@code colIdx[k]} is the column of entry k, in {@code [0, cols)}, strictly increasing within
 *       a row (sorted, no duplicates).
 *   <li>{@code values[k]} is the value of entry k.
 * </ul>
 *
 * Immutable by convention: kernels read the arrays and never write them.
 */
public final class CsrMatrix implements SparseRows {
    public final int rows;
    public final int cols;
    public final int[] rowPtr;
    public final int[] colIdx;
    public final float[] values;
    private volatile CsrMatrix transposed;

    public CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
        if (rowPtr.length != rows + 1) {
            throw new IllegalArgumentException("rowPtr must have rows + 1 = " + (rows + 1) + " entries, has " + rowPtr.length);
        }
        if (colIdx.length != values.length || colIdx.length != rowPtr[rows]) {
            throw new IllegalArgumentException("colIdx (" + colIdx.length + "), values (" + values.length
                    + ") and rowPtr[rows] (" + rowPtr[rows] + ") must agree");
        }
    }

    public int nnz() {
        return colIdx.length;
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
    public long entries() {
        return colIdx.length;
    }

    @Override
    public CsrMatrix toCsr() {
        return this;
    }

    @Override
    public long rowStart(int r) {
        return rowPtr[r];
    }

    @Override
    public int column(long k) {
        return colIdx[(int) k];
    }

    @Override
    public float value(long k) {
        return values[(int) k];
    }

    @Override
    public void columns(long from, int[] dst, int off, int len) {
        System.arraycopy(colIdx, (int) from, dst, off, len);
    }

    @Override
    public long find(int r, int c) {
        int k = Arrays.binarySearch(colIdx, rowPtr[r], rowPtr[r + 1], c);
        return k >= 0 ? k : -1;
    }

    @Override
    public CsrMatrix gather(int[] ids, int count) {
        int[] ptr = new int[count + 1];
        for (int i = 0; i < count; i++) {
            ptr[i + 1] = ptr[i] + (rowPtr[ids[i] + 1] - rowPtr[ids[i]]);
        }
        int[] col = new int[ptr[count]];
        float[] val = new float[col.length];
        for (int i = 0; i < count; i++) {
            int lo = rowPtr[ids[i]];
            int len = ptr[i + 1] - ptr[i];
            System.arraycopy(colIdx, lo, col, ptr[i], len);
            System.arraycopy(values, lo, val, ptr[i], len);
        }
        return new CsrMatrix(count, cols, ptr, col, val);
    }

    /** Rows [from, to) as a (to - from) x cols matrix, on copies of their entries. */
    @Override
    public CsrMatrix rowRange(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of a matrix of " + rows);
        }
        int lo = rowPtr[from];
        int[] ptr = new int[to - from + 1];
        for (int i = from; i <= to; i++) {
            ptr[i - from] = rowPtr[i] - lo;
        }
        return new CsrMatrix(to - from, cols, ptr, Arrays.copyOfRange(colIdx, lo, rowPtr[to]),
                Arrays.copyOfRange(values, lo, rowPtr[to]));
    }

    public String shape() {
        return rows + "x" + cols;
    }

    /** Checks every invariant listed in the class comment; throws naming the first one broken. */
    public void checkInvariants() {
        if (rowPtr[0] != 0) {
            throw new IllegalStateException("rowPtr[0] = " + rowPtr[0] + ", must be 0");
        }
        for (int i = 0; i < rows; i++) {
            if (rowPtr[i + 1] < rowPtr[i]) {
                throw new IllegalStateException("rowPtr decreases at row " + i);
            }
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                int c = colIdx[k];
                if (c < 0 || c >= cols) {
                    throw new IllegalStateException("row " + i + " has column " + c + " outside [0, " + cols + ")");
                }
                if (k > rowPtr[i] && colIdx[k - 1] >= c) {
                    throw new IllegalStateException("row " + i + " columns not strictly increasing at " + c);
                }
            }
        }
    }

    /** The transpose, built once (counting sort; rows stay sorted) and cached. */
    public CsrMatrix transpose() {
        CsrMatrix t = transposed;
        if (t == null) {
            t = buildTranspose();
            transposed = t;
        }
        return t;
    }

    private CsrMatrix buildTranspose() {
        int[] ptr = new int[cols + 1];
        for (int k = 0; k < colIdx.length; k++) {
            ptr[colIdx[k] + 1]++;
        }
        for (int j = 0; j < cols; j++) {
            ptr[j + 1] += ptr[j];
        }
        int[] next = java.util.Arrays.copyOf(ptr, cols);
        int[] idx = new int[colIdx.length];
        float[] val = new float[colIdx.length];
        for (int i = 0; i < rows; i++) {
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                int p = next[colIdx[k]]++;
                idx[p] = i;
                val[p] = values[k];
            }
        }
        CsrMatrix t = new CsrMatrix(cols, rows, ptr, idx, val);
        t.transposed = this;
        return t;
    }

    /** A dense copy; for tests and small matrices only. */
    public Matrix toDense() {
        Matrix m = new Matrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                m.data[i * cols + colIdx[k]] += values[k];
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "CsrMatrix(" + shape() + ", nnz=" + nnz() + ")";
    }
}
