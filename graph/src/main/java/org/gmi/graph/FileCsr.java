package org.gmi.graph;

import org.gmi.engine.CsrMatrix;
import org.gmi.engine.SparseRows;

/**
 * A sparse matrix that stays in the files of the binary layout ({@link BinaryGraph}): the row
 * offsets (int64), the columns (int32) and the values (float32), each an {@link ArrayFile} (memory
 * mapped, or read through another storage); a binary matrix (the adjacency, a label matrix) has no
 * values file, and its values are 1.
 * {@link #gather} and {@link #rowRange} copy the rows asked for onto the heap;
 * nothing else is held there, so the matrix may be larger than the heap. The loader validates the
 * files before it builds one (offsets from 0 to the entry count, never decreasing; columns in
 * range and strictly increasing within a row; values finite), so reads here trust them.
 */
public final class FileCsr implements SparseRows {
    private final int rows;
    private final int cols;
    private final ArrayFile rowPtr;
    private final ArrayFile colIdx;
    private final ArrayFile values;
    /** What the matrix holds, for messages: "feature", "adjacency". */
    private final String what;
    private volatile CsrMatrix onHeap;

    FileCsr(String what, int rows, int cols, ArrayFile rowPtr, ArrayFile colIdx, ArrayFile values) {
        this.what = what;
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.colIdx = colIdx;
        this.values = values;
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
        return colIdx.length();
    }

    @Override
    public long rowStart(int r) {
        return rowPtr.getLong(r);
    }

    @Override
    public int column(long k) {
        return colIdx.getInt(k);
    }

    @Override
    public float value(long k) {
        return values == null ? 1f : values.getFloat(k);
    }

    @Override
    public void columns(long from, int[] dst, int off, int len) {
        colIdx.getInts(from, dst, off, len);
    }

    /** Whether the matrix has no values file: every value is 1 (the adjacency of the binary layout). */
    public boolean isBinary() {
        return values == null;
    }

    @Override
    public CsrMatrix gather(int[] ids, int count) {
        long[] lo = new long[count];
        int[] ptr = new int[count + 1];
        for (int i = 0; i < count; i++) {
            int r = ids[i];
            if (r < 0 || r >= rows) {
                throw new IndexOutOfBoundsException("row " + r + " of a matrix of " + rows);
            }
            lo[i] = rowPtr.getLong(r);
            ptr[i + 1] = Math.addExact(ptr[i], Math.toIntExact(rowPtr.getLong(r + 1) - lo[i]));
        }
        int[] col = new int[ptr[count]];
        float[] val = new float[col.length];
        if (values == null) {
            java.util.Arrays.fill(val, 1f);
        }
        for (int i = 0; i < count; i++) {
            int len = ptr[i + 1] - ptr[i];
            colIdx.getInts(lo[i], col, ptr[i], len);
            if (values != null) {
                values.getFloats(lo[i], val, ptr[i], len);
            }
        }
        return new CsrMatrix(count, cols, ptr, col, val);
    }

    @Override
    public CsrMatrix rowRange(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of a matrix of " + rows);
        }
        long base = rowPtr.getLong(from);
        long[] offsets = new long[to - from + 1];
        rowPtr.getLongs(from, offsets, 0, offsets.length);
        int[] ptr = new int[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            ptr[i] = Math.toIntExact(offsets[i] - base);
        }
        int n = ptr[to - from];
        int[] col = new int[n];
        float[] val = new float[n];
        if (values == null) {
            java.util.Arrays.fill(val, 1f);
        }
        colIdx.getInts(base, col, 0, n);
        if (values != null) {
            values.getFloats(base, val, 0, n);
        }
        return new CsrMatrix(to - from, cols, ptr, col, val);
    }

    /**
     * The whole matrix on the heap, copied on the first call and kept: what full-batch training and
     * the other whole-graph paths read. Refused, naming the file and the way out, when the entries
     * exceed what one array may take here.
     */
    @Override
    public CsrMatrix toCsr() {
        CsrMatrix m = onHeap;
        if (m == null) {
            synchronized (this) {
                m = onHeap;
                if (m == null) {
                    long n = entries();
                    if (n > DataFiles.maxArrayBytes() / 4) {
                        throw new GraphFormatException(colIdx.name() + ": " + n + " " + what + " entries (" + DataFiles.size(8 * n)
                                + " as columns and values) do not fit the " + DataFiles.size(Runtime.getRuntime().maxMemory())
                                + " Java heap; train in minibatches (--batch-size), which read the rows from the file, or "
                                + "give Java more heap (GMI_XMX)");
                    }
                    m = rowRange(0, rows);
                    onHeap = m;
                }
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "FileCsr(" + rows + "x" + cols + ", entries=" + entries() + ", " + colIdx.name() + ")";
    }
}
