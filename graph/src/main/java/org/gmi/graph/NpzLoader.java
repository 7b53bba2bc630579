package org.gmi.graph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.gmi.engine.CsrMatrix;

/**
 * Loads a graph from a numpy {@code .npz} archive (a zip of {@code .npy} arrays) in one of two
 * layouts:
 *
 * <ul>
 *   <li>GraphGallery (EdisonLeeeee/GraphData): {@code adj_matrix.npy} and {@code node_attr.npy}
 *       are 0-d object arrays holding a pickled scipy {@code csr_matrix} (or plain dense arrays);
 *       {@code node_label.npy} an int array (1-d, or 2-d one-hot). {@code metadata.npy} is ignored.
 *   <li>gnn-benchmark (shchur): {@code adj_data, adj_indices, adj_indptr, adj_shape}, optional
 *       {@code attr_data, attr_indices, attr_indptr, attr_shape} or dense {@code attr_matrix}, and
 *       {@code labels}.
 * </ul>
 *
 * The adjacency is symmetrised and made binary (explicit zeros dropped); missing features give
 * the identity, missing labels give -1 everywhere. There is no public split: the split is random,
 * from {@link SplitOptions}. The graph's name is the file stem.
 */
public final class NpzLoader {
    /** The entries either layout reads; others (metadata.npy, ...) are not even inflated. */
    private static final java.util.Set<String> USED = java.util.Set.of(
            "adj_matrix.npy", "node_attr.npy", "node_label.npy",
            "adj_data.npy", "adj_indices.npy", "adj_indptr.npy", "adj_shape.npy",
            "attr_data.npy", "attr_indices.npy", "attr_indptr.npy", "attr_shape.npy", "attr_matrix.npy", "labels.npy");

    private NpzLoader() {}

    public static Graph load(Path npz) {
        return load(npz, SplitOptions.DEFAULT);
    }

    public static Graph load(Path npz, SplitOptions opts) {
        Map<String, byte[]> entries = readZip(npz);
        String where = npz.toString();
        List<String> notes = new ArrayList<>();
        ScipyCsr adj;
        CsrMatrix features;
        NdArray labelArray;
        String labelEntry;
        if (entries.containsKey("adj_matrix.npy")) {
            adj = sparseOrDense(npy(entries, where, "adj_matrix.npy"), where + "[adj_matrix.npy]");
            NdArray attr = entries.containsKey("node_attr.npy") ? npy(entries, where, "node_attr.npy") : null;
            features = attr == null || (attr.dtype.isObject() && attr.item() == null) ? null
                    : sparseOrDense(attr, where + "[node_attr.npy]").canonical();
            labelEntry = "node_label.npy";
        } else if (entries.containsKey("adj_data.npy")) {
            adj = parts(entries, where, "adj");
            if (entries.containsKey("attr_data.npy")) {
                features = parts(entries, where, "attr").canonical();
            } else if (entries.containsKey("attr_matrix.npy")) {
                features = sparseOrDense(npy(entries, where, "attr_matrix.npy"), where + "[attr_matrix.npy]").canonical();
            } else {
                features = null;
            }
            labelEntry = "labels.npy";
        } else {
            throw new GraphFormatException(where + ": neither adj_matrix.npy (GraphGallery layout) nor adj_data.npy "
                    + "(gnn-benchmark layout) in the archive; entries: " + entries.keySet());
        }
        labelArray = entries.containsKey(labelEntry) ? npy(entries, where, labelEntry) : null;

        if (adj.rows() != adj.cols()) {
            throw new GraphFormatException(where + ": adjacency is " + adj.rows() + "x" + adj.cols() + ", must be square");
        }
        int n = adj.rows();
        if (n == 0) {
            throw new GraphFormatException(where + ": empty graph (0 nodes)");
        }
        if (features == null) {
            features = CsrBuilder.identity(n);
            notes.add("no node attributes: identity features");
        } else if (features.rows != n) {
            throw new GraphFormatException(where + ": node attributes have " + features.rows + " rows for " + n + " nodes");
        }
        int[] labels = labels(labelArray, n, where + "[" + labelEntry + "]");
        if (labelArray == null) {
            notes.add("no labels: every node unlabelled");
        }
        // 0/1 label rows where some node holds two or more labels: multi-label data, kept whole
        CsrMatrix labelMatrix = labelArray != null && labelArray.ndim() == 2 ? multiLabels(labelArray) : null;
        int numClasses;
        if (labelMatrix != null) {
            java.util.Arrays.fill(labels, 0);
            numClasses = labelMatrix.cols;
            notes.add("labels: " + numClasses + " per node (multi-label), " + labelMatrix.nnz() + " held in all");
        } else {
            numClasses = ClassIds.compact(labels, 0, where + "[" + labelEntry + "]", notes);
        }

        // adjacency: stored entries with a non-zero value, symmetrised
        CsrBuilder b = new CsrBuilder(n);
        long zeros = 0;
        for (int i = 0; i < n; i++) {
            for (int k = adj.indptr()[i]; k < adj.indptr()[i + 1]; k++) {
                if (adj.data()[k] == 0) {
                    zeros++;
                } else {
                    b.add(i, adj.indices()[k]);
                }
            }
        }
        CsrBuilder.Result a = b.build(true);
        long orderedOffDiagonal = a.records() - a.repeatedOrderedPairs() - a.selfLoopNodes();
        long oneWay = 2 * a.undirectedEdges() - orderedOffDiagonal;
        if (oneWay > 0) {
            notes.add("adjacency symmetrised: " + oneWay + " of " + a.undirectedEdges() + " edges were stored in one direction only");
        }
        if (zeros > 0) {
            notes.add(zeros + " explicit zero entries of the adjacency dropped");
        }
        Split split = Splits.random(labels, opts);
        LoadReport report = new LoadReport(where, a.repeatedOrderedPairs(), a.selfLoopNodes(),
                GraphStats.isolatedNodes(a.matrix()), List.copyOf(notes));
        return new Graph(DataFiles.stem(npz), a.matrix(), features, labels, numClasses, split, report, labelMatrix);
    }

    /**
     * The entries either layout reads, inflated. Each entry's size as the archive records it is
     * checked against {@link DataFiles#maxArrayBytes} (and all of them together against four times
     * that) before anything is inflated, and an entry that inflates beyond its recorded size is
     * refused: a small archive cannot make this loader allocate gigabytes.
     */
    private static Map<String, byte[]> readZip(Path npz) {
        DataFiles.requireRegularFile(npz);
        Map<String, byte[]> out = new LinkedHashMap<>();
        long limit = DataFiles.maxArrayBytes();
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            List<ZipEntry> used = new ArrayList<>();
            long total = 0;
            Enumeration<? extends ZipEntry> es = zip.entries();
            while (es.hasMoreElements()) {
                ZipEntry e = es.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                if (!USED.contains(e.getName())) {
                    out.put(e.getName(), null); // listed in messages, never read
                    continue;
                }
                long size = e.getSize();
                String where = npz + "[" + e.getName() + "]";
                if (size > limit) {
                    throw new GraphFormatException(where + ": inflates to " + DataFiles.size(size) + " from "
                            + DataFiles.size(Math.max(e.getCompressedSize(), 0)) + " in the archive, more than the "
                            + DataFiles.size(limit) + " one array may take here (an eighth of the "
                            + DataFiles.size(Runtime.getRuntime().maxMemory()) + " Java heap); refused before inflating it");
                }
                total += Math.max(size, 0);
                used.add(e);
            }
            if (total > 4 * limit) {
                throw new GraphFormatException(npz + ": its arrays inflate to " + DataFiles.size(total) + " together, more than the "
                        + DataFiles.size(4 * limit) + " a graph may take here (half the Java heap); refused before inflating them");
            }
            for (ZipEntry e : used) {
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(e.getName(), inflate(in, e, npz, limit));
                }
            }
        } catch (ZipException e) {
            throw new GraphFormatException(npz + ": not a valid .npz (zip) archive (" + DataFiles.oneLine(e) + ")");
        } catch (IOException e) {
            throw new GraphFormatException(npz + ": cannot read (" + DataFiles.oneLine(e) + ")", e);
        }
        if (out.isEmpty()) {
            throw new GraphFormatException(npz + ": the archive holds no arrays");
        }
        return out;
    }

    /** An entry's bytes: exactly its recorded size when the archive records one, else at most {@code limit}. */
    private static byte[] inflate(InputStream in, ZipEntry e, Path npz, long limit) throws IOException {
        String where = npz + "[" + e.getName() + "]";
        long recorded = e.getSize();
        byte[] b = in.readNBytes((int) (recorded >= 0 ? recorded : limit));
        if (recorded >= 0 && b.length < recorded) {
            throw new GraphFormatException(where + ": inflates to " + b.length + " bytes, but the archive records "
                    + recorded + " (truncated)");
        }
        if (in.read() >= 0) {
            throw new GraphFormatException(where + ": inflates beyond the " + (recorded >= 0 ? recorded + " bytes the archive records"
                    : DataFiles.size(limit) + " one array may take here") + "; refused");
        }
        return b;
    }

    private static NdArray npy(Map<String, byte[]> entries, String where, String entry) {
        byte[] bytes = entries.get(entry);
        if (bytes == null) {
            throw new GraphFormatException(where + ": the archive has no " + entry);
        }
        try {
            return Npy.read(bytes);
        } catch (FormatProblem p) {
            throw p.in(where + "[" + entry + "]");
        }
    }

    /** A pickled csr_matrix in a 0-d object array, or a dense 2-d numeric array. */
    private static ScipyCsr sparseOrDense(NdArray a, String where) {
        try {
            if (a.dtype.isObject()) {
                return ScipyCsr.from(a.item());
            }
            a.requireDims(2, "a dense matrix");
            float[] v = a.floats();
            for (int k = 0; k < v.length; k++) {
                if (!Float.isFinite(v[k])) {
                    throw new FormatProblem("non-finite value " + v[k] + " at row " + k / a.dim(1) + ", column " + k % a.dim(1));
                }
            }
            CsrMatrix m = CsrBuilder.fromDense(a.dim(0), a.dim(1), v);
            return new ScipyCsr(m.rows, m.cols, m.rowPtr, m.colIdx, m.values);
        } catch (FormatProblem p) {
            throw p.in(where);
        }
    }

    private static ScipyCsr parts(Map<String, byte[]> entries, String where, String prefix) {
        NdArray shape = npy(entries, where, prefix + "_shape.npy");
        NdArray indptr = npy(entries, where, prefix + "_indptr.npy");
        NdArray indices = npy(entries, where, prefix + "_indices.npy");
        NdArray data = npy(entries, where, prefix + "_data.npy");
        try {
            int[] s = shape.requireDims(1, prefix + "_shape").ints();
            if (s.length != 2 || s[0] < 0 || s[1] < 0) {
                throw new FormatProblem("shape must hold 2 non-negative sizes");
            }
            return ScipyCsr.of(s[0], s[1], indptr, indices, data);
        } catch (FormatProblem p) {
            throw p.in(where + "[" + prefix + "_*.npy]");
        }
    }

    /** The label matrix of 0/1 rows (already checked by {@link #labels}) when some row holds two or more 1s, else null. */
    private static CsrMatrix multiLabels(NdArray a) {
        int[] v = a.ints();
        int rows = a.dim(0);
        int cols = a.dim(1);
        int[] ptr = new int[rows + 1];
        boolean multi = false;
        for (int i = 0; i < rows; i++) {
            int held = 0;
            for (int c = 0; c < cols; c++) {
                held += v[i * cols + c];
            }
            multi |= held > 1;
            ptr[i + 1] = ptr[i] + held;
        }
        if (!multi) {
            return null;
        }
        int[] col = new int[ptr[rows]];
        int p = 0;
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < cols; c++) {
                if (v[i * cols + c] == 1) {
                    col[p++] = c;
                }
            }
        }
        float[] ones = new float[col.length];
        java.util.Arrays.fill(ones, 1f);
        return new CsrMatrix(rows, cols, ptr, col, ones);
    }

    private static int[] labels(NdArray a, int n, String where) {
        int[] labels = new int[n];
        if (a == null) {
            java.util.Arrays.fill(labels, -1);
            return labels;
        }
        try {
            int[] v = a.ints();
            if (a.ndim() == 2) { // one-hot rows
                int cols = a.dim(1);
                if (a.dim(0) != n) {
                    throw new FormatProblem(a.dim(0) + " label rows for " + n + " nodes");
                }
                for (int i = 0; i < n; i++) {
                    labels[i] = -1;
                    for (int c = 0; c < cols; c++) {
                        if (v[i * cols + c] != 0 && v[i * cols + c] != 1) {
                            throw new FormatProblem("row " + i + " holds " + v[i * cols + c] + "; one-hot labels must be 0 or 1");
                        }
                        if (v[i * cols + c] == 1 && labels[i] < 0) {
                            labels[i] = c;
                        }
                    }
                }
                return labels;
            }
            a.requireDims(1, "labels");
            if (v.length != n) {
                throw new FormatProblem(v.length + " labels for " + n + " nodes");
            }
            for (int i = 0; i < n; i++) {
                if (v[i] < -1 || v[i] > DataFiles.MAX_LABEL) {
                    throw new FormatProblem("label " + v[i] + " of node " + i + " out of range: labels must be in [0, "
                            + DataFiles.MAX_LABEL + "], or -1 for unlabelled");
                }
            }
            return v;
        } catch (FormatProblem p) {
            throw p.in(where);
        }
    }
}
