package org.gmi.graph;

import java.util.List;
import java.util.Map;

/**
 * The parts of a pickled {@code scipy.sparse.csr_matrix}, taken from its {@code __dict__}
 * ({@code data}, {@code indices}, {@code indptr}, {@code _shape} or, in old scipy, {@code shape})
 * and checked: {@code indptr} has rows + 1 entries, starts at 0, never decreases and ends at the
 * entry count; every column index lies in [0, cols); every value is finite. Rows may still be
 * unsorted or hold repeated columns, as scipy allows; {@link CsrBuilder#canonical} fixes that.
 */
record ScipyCsr(int rows, int cols, int[] indptr, int[] indices, float[] data) {

    static ScipyCsr from(Object o) {
        if (!(o instanceof Pickle.PyObject p) || !p.type.isCsrMatrix()) {
            throw new FormatProblem("expected a scipy.sparse csr_matrix, found " + describe(o));
        }
        Map<Object, Object> d = p.dict;
        Object format = d.get("format");
        if (format != null && !"csr".equals(format)) {
            throw new FormatProblem("sparse matrix format " + (format instanceof String f ? FormatProblem.quote(f) : describe(format))
                    + ", expected csr");
        }
        Object shape = d.containsKey("_shape") ? d.get("_shape") : d.get("shape");
        if (!(shape instanceof List<?> s) || s.size() != 2 || !(s.get(0) instanceof Long r) || !(s.get(1) instanceof Long c)
                || r < 0 || c < 0 || r >= Integer.MAX_VALUE || c >= Integer.MAX_VALUE) {
            throw new FormatProblem("csr_matrix has no valid 2-d shape (found " + describe(shape) + ")");
        }
        return of((int) (long) r, (int) (long) c, array(d, "indptr"), array(d, "indices"), array(d, "data"));
    }

    /** CSR parts given as separate arrays (the gnn-benchmark .npz layout), checked as above. */
    static ScipyCsr of(int rows, int cols, NdArray indptrArray, NdArray indicesArray, NdArray dataArray) {
        int[] indptr = indptrArray.requireDims(1, "indptr").ints();
        int[] indices = indicesArray.requireDims(1, "indices").ints();
        float[] data = dataArray.requireDims(1, "data").floats();
        if (indptr.length != rows + 1) {
            throw new FormatProblem("csr_matrix " + rows + "x" + cols + ": indptr has " + indptr.length
                    + " entries, expected " + (rows + 1));
        }
        if (indices.length != data.length) {
            throw new FormatProblem("csr_matrix: " + indices.length + " column indices but " + data.length + " values");
        }
        if (indptr[0] != 0 || indptr[rows] != indices.length) {
            throw new FormatProblem("csr_matrix: indptr runs from " + indptr[0] + " to " + indptr[rows]
                    + ", expected 0 to " + indices.length);
        }
        for (int i = 0; i < rows; i++) {
            if (indptr[i + 1] < indptr[i]) {
                throw new FormatProblem("csr_matrix: indptr decreases at row " + i);
            }
            for (int k = indptr[i]; k < indptr[i + 1]; k++) {
                if (indices[k] < 0 || indices[k] >= cols) {
                    throw new FormatProblem("csr_matrix: row " + i + " has column index " + indices[k]
                            + " outside [0, " + cols + ")");
                }
                if (!Float.isFinite(data[k])) {
                    throw new FormatProblem("csr_matrix: non-finite value " + data[k] + " at row " + i
                            + ", column " + indices[k]);
                }
            }
        }
        return new ScipyCsr(rows, cols, indptr, indices, data);
    }

    /** The matrix with rows sorted and repeated columns summed. */
    org.gmi.engine.CsrMatrix canonical() {
        return CsrBuilder.canonical(rows, cols, indptr, indices, data);
    }

    private static NdArray array(Map<Object, Object> d, String key) {
        Object o = d.get(key);
        if (!(o instanceof NdArray a)) {
            throw new FormatProblem("csr_matrix has no numpy array '" + key + "'");
        }
        return a.requireDims(1, "csr_matrix " + key);
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof NdArray a) {
            return "a numpy " + a.dtype + " array " + a.shapeString();
        }
        if (o instanceof Pickle.PyObject p) {
            return "a " + p.type.qualified();
        }
        if (o instanceof Map<?, ?>) {
            return "a dict";
        }
        if (o instanceof List<?>) {
            return "a list or tuple";
        }
        return "a " + o.getClass().getSimpleName();
    }
}
