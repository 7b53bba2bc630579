package org.gmi.graph;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.longs.LongArrays;
import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Stream;
import org.gmi.engine.CsrMatrix;

/**
 * Builds the binary adjacency matrix A (N x N, values 1) of a graph from edge records
 * (src, dst): rows sorted, repeated records merged, optionally symmetrised (each record
 * (i, j) then gives both A[i, j] and A[j, i]). Self loops are kept.
 *
 * <p>It also counts what it merged, for the {@link LoadReport}; which count is "the duplicates"
 * depends on how a format lists its edges, so all of them are returned:
 * <ul>
 *   <li>{@code repeatedOrderedPairs}: records (i, j) equal to an earlier record (i, j);
 *   <li>{@code repeatedUnorderedPairs}: records whose pair {i, j} appeared earlier in either
 *       direction (a plain edge list that lists an edge both ways has one such repeat);
 *   <li>{@code selfLoopRecords} (records with i == j) and {@code selfLoopNodes} (distinct
 *       nodes with a loop in the result).
 * </ul>
 *
 * <p>Work: O(E) to collect, one radix sort of E longs per count, O(N + nnz) to fill; the rows
 * come out sorted without a per-row sort because entries are emitted in (row, column) key order.
 */
public final class CsrBuilder {

    /**
     * The built matrix and what was merged.
     *
     * @param matrix                  A, sorted rows, no duplicate entries, values 1
     * @param records                 edge records given
     * @param repeatedOrderedPairs    records equal to an earlier (src, dst) record
     * @param repeatedUnorderedPairs  records whose unordered pair {src, dst} was seen earlier
     * @param selfLoopRecords         records with src == dst
     * @param selfLoopNodes           distinct nodes with an edge to themselves in A
     */
    public record Result(CsrMatrix matrix, long records, long repeatedOrderedPairs, long repeatedUnorderedPairs,
                         long selfLoopRecords, long selfLoopNodes) {

        /** Distinct unordered pairs {i, j} with i != j; the undirected edge count of a symmetric A. */
        public long undirectedEdges() {
            long offDiagonal = matrix.nnz() - selfLoopNodes;
            return offDiagonal / 2;
        }
    }

    private final int numNodes;
    private final IntArrayList src = new IntArrayList();
    private final IntArrayList dst = new IntArrayList();

    /** A builder for an {@code numNodes x numNodes} adjacency matrix. */
    public CsrBuilder(int numNodes) {
        if (numNodes < 0) {
            throw new IllegalArgumentException("numNodes must be >= 0, got " + numNodes);
        }
        this.numNodes = numNodes;
    }

    public int numNodes() {
        return numNodes;
    }

    /** Number of records added so far. */
    public int size() {
        return src.size();
    }

    /** Adds the record (src, dst); both must lie in [0, numNodes). */
    public CsrBuilder add(int s, int d) {
        if (s < 0 || s >= numNodes || d < 0 || d >= numNodes) {
            throw new IllegalArgumentException("edge (" + s + ", " + d + ") outside [0, " + numNodes + ")");
        }
        src.add(s);
        dst.add(d);
        return this;
    }

    /** Builds A from the records added so far; {@code symmetric} adds the reverse of every record. */
    public Result build(boolean symmetric) {
        return build(numNodes, src.elements(), dst.elements(), src.size(), symmetric);
    }

    /** A from parallel arrays of endpoints: record k is (src[k], dst[k]). */
    public static Result fromEdges(int numNodes, int[] src, int[] dst, boolean symmetric) {
        if (src.length != dst.length) {
            throw new IllegalArgumentException("src has " + src.length + " entries, dst " + dst.length);
        }
        CsrBuilder b = new CsrBuilder(numNodes);
        for (int k = 0; k < src.length; k++) {
            b.add(src[k], dst[k]);
        }
        return b.build(symmetric);
    }

    /** A from a stream of {src, dst} pairs. */
    public static Result fromPairs(int numNodes, Stream<int[]> pairs, boolean symmetric) {
        CsrBuilder b = new CsrBuilder(numNodes);
        Iterator<int[]> it = pairs.iterator();
        while (it.hasNext()) {
            int[] p = it.next();
            if (p.length != 2) {
                throw new IllegalArgumentException("an edge pair must have 2 entries, got " + p.length);
            }
            b.add(p[0], p[1]);
        }
        return b.build(symmetric);
    }

    private static Result build(int n, int[] src, int[] dst, int e, boolean symmetric) {
        // ordered keys (src << 32 | dst): sorted, they are the row-major order of the entries
        long[] ordered = new long[e];
        long loopRecords = 0;
        for (int k = 0; k < e; k++) {
            ordered[k] = key(src[k], dst[k]);
            if (src[k] == dst[k]) {
                loopRecords++;
            }
        }
        LongArrays.radixSort(ordered);
        int uniqueOrdered = unique(ordered);
        long repeatedOrdered = e - uniqueOrdered;

        long[] unordered = new long[e];
        for (int k = 0; k < e; k++) {
            unordered[k] = key(Math.min(src[k], dst[k]), Math.max(src[k], dst[k]));
        }
        LongArrays.radixSort(unordered);
        int uniqueUnordered = unique(unordered);
        long repeatedUnordered = e - uniqueUnordered;

        CsrMatrix a = symmetric
                ? symmetricFromPairs(n, unordered, uniqueUnordered)
                : fromSortedKeys(n, ordered, uniqueOrdered);
        long loopNodes = 0;
        for (int i = 0; i < n; i++) {
            int lo = a.rowPtr[i], hi = a.rowPtr[i + 1];
            if (Arrays.binarySearch(a.colIdx, lo, hi, i) >= 0) {
                loopNodes++;
            }
        }
        return new Result(a, e, repeatedOrdered, repeatedUnordered, loopRecords, loopNodes);
    }

    private static long key(int row, int col) {
        return (long) row << 32 | (col & 0xffffffffL);
    }

    /** Moves the distinct keys of a sorted array to its front; returns how many there are. */
    private static int unique(long[] sorted) {
        int m = 0;
        for (int k = 0; k < sorted.length; k++) {
            if (m == 0 || sorted[k] != sorted[m - 1]) {
                sorted[m++] = sorted[k];
            }
        }
        return m;
    }

    private static CsrMatrix fromSortedKeys(int n, long[] keys, int m) {
        int[] rowPtr = new int[n + 1];
        int[] colIdx = new int[m];
        for (int k = 0; k < m; k++) {
            rowPtr[(int) (keys[k] >>> 32) + 1]++;
            colIdx[k] = (int) keys[k];
        }
        for (int i = 0; i < n; i++) {
            rowPtr[i + 1] += rowPtr[i];
        }
        float[] values = new float[m];
        Arrays.fill(values, 1f);
        return new CsrMatrix(n, n, rowPtr, colIdx, values);
    }

    /**
     * Both directions of the distinct pairs (a, b), a <= b, sorted by (a, b). Row r receives, in
     * key order, first the columns a < r of pairs (a, r), then r itself (a loop), then the columns
     * b > r of pairs (r, b): already increasing, so no row needs sorting.
     */
    private static CsrMatrix symmetricFromPairs(int n, long[] pairs, int m) {
        int[] rowPtr = new int[n + 1];
        for (int k = 0; k < m; k++) {
            int a = (int) (pairs[k] >>> 32), b = (int) pairs[k];
            rowPtr[a + 1]++;
            if (a != b) {
                rowPtr[b + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            rowPtr[i + 1] += rowPtr[i];
        }
        int[] next = Arrays.copyOf(rowPtr, n);
        int[] colIdx = new int[rowPtr[n]];
        for (int k = 0; k < m; k++) {
            int a = (int) (pairs[k] >>> 32), b = (int) pairs[k];
            colIdx[next[a]++] = b;
            if (a != b) {
                colIdx[next[b]++] = a;
            }
        }
        float[] values = new float[colIdx.length];
        Arrays.fill(values, 1f);
        return new CsrMatrix(n, n, rowPtr, colIdx, values);
    }

    /** The non-zero entries of a dense row-major {@code rows x cols} array as a CSR matrix. */
    public static CsrMatrix fromDense(int rows, int cols, float[] rowMajor) {
        if ((long) rows * cols != rowMajor.length) {
            throw new IllegalArgumentException(rowMajor.length + " values for a " + rows + "x" + cols + " matrix");
        }
        int[] ptr = new int[rows + 1];
        int nnz = 0;
        for (float v : rowMajor) {
            if (v != 0) {
                nnz++;
            }
        }
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int p = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = rowMajor[i * cols + j];
                if (v != 0) {
                    idx[p] = j;
                    val[p++] = v;
                }
            }
            ptr[i + 1] = p;
        }
        return new CsrMatrix(rows, cols, ptr, idx, val);
    }

    /** The {@code n x n} identity as a CSR matrix (the features of a graph that has none). */
    public static CsrMatrix identity(int n) {
        int[] ptr = new int[n + 1];
        int[] idx = new int[n];
        float[] val = new float[n];
        for (int i = 0; i < n; i++) {
            ptr[i + 1] = i + 1;
            idx[i] = i;
            val[i] = 1f;
        }
        return new CsrMatrix(n, n, ptr, idx, val);
    }

    /**
     * A valid {@link CsrMatrix} from CSR parts whose rows may be unsorted or repeat a column (as
     * scipy allows): each row sorted by column, repeated columns summed (scipy's
     * {@code sum_duplicates}). The input arrays are not modified; when they are already valid
     * they are used as they are.
     */
    public static CsrMatrix canonical(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
        boolean sorted = true;
        for (int i = 0; i < rows && sorted; i++) {
            for (int k = rowPtr[i] + 1; k < rowPtr[i + 1]; k++) {
                if (colIdx[k - 1] >= colIdx[k]) {
                    sorted = false;
                    break;
                }
            }
        }
        if (sorted) {
            return new CsrMatrix(rows, cols, rowPtr, colIdx, values);
        }
        int[] ptr = new int[rows + 1];
        IntArrayList idx = new IntArrayList(colIdx.length);
        float[] val = new float[colIdx.length];
        int[] perm = new int[colIdx.length];
        for (int k = 0; k < perm.length; k++) {
            perm[k] = k;
        }
        for (int i = 0; i < rows; i++) {
            int lo = rowPtr[i], hi = rowPtr[i + 1];
            IntArrays.quickSort(perm, lo, hi, (x, y) -> x == y ? 0
                    : colIdx[x] != colIdx[y] ? Integer.compare(colIdx[x], colIdx[y]) : Integer.compare(x, y));
            for (int k = lo; k < hi; k++) {
                int c = colIdx[perm[k]];
                if (idx.size() > ptr[i] && idx.getInt(idx.size() - 1) == c) {
                    val[idx.size() - 1] += values[perm[k]];
                } else {
                    val[idx.size()] = values[perm[k]];
                    idx.add(c);
                }
            }
            ptr[i + 1] = idx.size();
        }
        return new CsrMatrix(rows, cols, ptr, idx.toIntArray(), Arrays.copyOf(val, idx.size()));
    }
}
