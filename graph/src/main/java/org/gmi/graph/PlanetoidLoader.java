package org.gmi.graph;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gmi.engine.CsrMatrix;

/**
 * Loads the raw Planetoid files {@code ind.NAME.{x,y,tx,ty,allx,ally,graph,test.index}} (Yang et
 * al. 2016) following the GCN / PyG convention:
 *
 * <ul>
 *   <li>x, tx, allx: scipy CSR feature matrices; y, ty, ally: one-hot label rows; graph: a dict
 *       node -> list of neighbours; test.index: one test node id per line.
 *   <li>Nodes: the rows of allx, then the whole range min(test.index)..max(test.index). Node
 *       {@code test.index[k]} gets row k of tx and ty; ids of that range missing from test.index
 *       (15 in Citeseer) get a zero feature row and label -1.
 *   <li>Labels: argmax of the one-hot row (first 1), -1 for an all-zero row.
 *   <li>A: the dict of lists, symmetrised, repeated records merged, self loops kept.
 *   <li>Split: the public one (train = rows of y, the next 500 for validation, test = test.index).
 * </ul>
 *
 * Pickles are read by the strict {@link Pickle} interpreter: only numpy, scipy CSR and
 * collections classes may appear in them.
 */
public final class PlanetoidLoader {

    /** The eight parts of a Planetoid dataset, in the order they are read. */
    public static final List<String> PARTS = List.of("x", "y", "tx", "ty", "allx", "ally", "graph", "test.index");

    private static final Pattern PART_FILE = Pattern.compile("ind\\.(.+)\\.(x|y|tx|ty|allx|ally|graph|test\\.index)");

    /** Where the parts come from: a folder, or the classpath for bundled data. */
    interface Source {
        /** The bytes of {@code fileName}, e.g. {@code ind.cora.x}. */
        byte[] read(String fileName);

        /** How a message names {@code fileName}. */
        String where(String fileName);

        /** Whether {@code fileName} is present. */
        boolean has(String fileName);

        /** How a message names the whole dataset source. */
        String describe();
    }

    private PlanetoidLoader() {}

    /** Loads the only dataset whose {@code ind.NAME.*} files are in {@code folder}. */
    public static Graph load(Path folder) {
        return load(folder, null);
    }

    /** Loads dataset {@code name} (null: the only one present) from the {@code ind.NAME.*} files in {@code folder}. */
    public static Graph load(Path folder, String name) {
        if (!Files.isDirectory(folder)) {
            throw new GraphFormatException(folder + ": no such folder");
        }
        if (name == null) {
            List<String> names = namesIn(folder);
            if (names.isEmpty()) {
                throw new GraphFormatException(folder + ": no Planetoid files (ind.NAME.x, ind.NAME.graph, ...) in this folder");
            }
            if (names.size() > 1) {
                throw new GraphFormatException(folder + ": holds several Planetoid datasets " + names
                        + "; name one, e.g. " + folder.resolve("ind." + names.get(0)));
            }
            name = names.get(0);
        }
        return load(name, folderSource(folder));
    }

    /** The dataset names NAME for which some {@code ind.NAME.*} part is in {@code folder}, sorted. */
    public static List<String> namesIn(Path folder) {
        TreeSet<String> names = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path p : files) {
                Matcher m = PART_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new GraphFormatException(folder + ": cannot list the folder (" + DataFiles.oneLine(e) + ")", e);
        }
        return new ArrayList<>(names);
    }

    static Source folderSource(Path folder) {
        return new Source() {
            @Override
            public byte[] read(String fileName) {
                return DataFiles.read(folder.resolve(fileName));
            }

            @Override
            public String where(String fileName) {
                return folder.resolve(fileName).toString();
            }

            @Override
            public boolean has(String fileName) {
                // anything there counts: read() then refuses a folder, FIFO or device by name
                Path p = folder.resolve(fileName);
                return Files.exists(p) || Files.isSymbolicLink(p);
            }

            @Override
            public String describe() {
                return folder.toString();
            }
        };
    }

    static Graph load(String name, Source src) {
        for (String part : PARTS) {
            String f = file(name, part);
            if (!src.has(f)) {
                throw new GraphFormatException(src.where(f) + ": no such file; Planetoid dataset '" + name + "' needs all of ind."
                        + name + ".{x,y,tx,ty,allx,ally,graph,test.index} in " + src.describe());
            }
        }
        ScipyCsr x = csr(src, name, "x");
        OneHot y = oneHot(src, name, "y");
        ScipyCsr tx = csr(src, name, "tx");
        OneHot ty = oneHot(src, name, "ty");
        ScipyCsr allx = csr(src, name, "allx");
        OneHot ally = oneHot(src, name, "ally");
        int[] test = testIndex(src, name);
        int numClasses = y.cols();

        // shapes must agree with each other
        requireRows(src, name, "y", y.rows(), "x", x.rows());
        requireRows(src, name, "ty", ty.rows(), "tx", tx.rows());
        requireRows(src, name, "ally", ally.rows(), "allx", allx.rows());
        requireRows(src, name, "tx", tx.rows(), "test.index", test.length);
        requireCols(src, name, "tx", tx.cols(), "x", x.cols());
        requireCols(src, name, "allx", allx.cols(), "x", x.cols());
        requireCols(src, name, "ty", ty.cols(), "y", numClasses);
        requireCols(src, name, "ally", ally.cols(), "y", numClasses);

        int numAll = allx.rows();
        int n = numAll;
        for (int k = 0; k < test.length; k++) {
            if (test[k] < numAll) {
                throw new GraphFormatException(src.where(file(name, "test.index")) + ": test id " + test[k] + " (entry "
                        + (k + 1) + ") lies among the " + numAll + " rows of allx; test ids must be >= " + numAll);
            }
            if (test[k] >= Integer.MAX_VALUE - 8 || test[k] - numAll > 16L * test.length + 1_000_000) {
                throw new GraphFormatException(src.where(file(name, "test.index")) + ": test id " + test[k] + " (entry "
                        + (k + 1) + ") is far beyond the " + numAll + " + " + test.length + " nodes");
            }
            n = Math.max(n, test[k] + 1);
        }
        if (n == 0) {
            throw new GraphFormatException(src.where(file(name, "allx")) + ": empty graph (0 nodes)");
        }
        boolean[] seen = new boolean[n];
        for (int k = 0; k < test.length; k++) {
            if (seen[test[k]]) {
                throw new GraphFormatException(src.where(file(name, "test.index")) + ": test id " + test[k]
                        + " appears twice (entry " + (k + 1) + ")");
            }
            seen[test[k]] = true;
        }

        // features: allx rows, then tx row k at node test[k]; other ids of the test range stay zero
        CsrMatrix fa = CsrBuilder.canonical(allx.rows(), allx.cols(), allx.indptr(), allx.indices(), allx.data());
        CsrMatrix ft = CsrBuilder.canonical(tx.rows(), tx.cols(), tx.indptr(), tx.indices(), tx.data());
        int[] rowOf = new int[n];
        Arrays.fill(rowOf, -1);
        for (int k = 0; k < test.length; k++) {
            rowOf[test[k]] = k;
        }
        int[] ptr = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int len = i < numAll ? fa.rowPtr[i + 1] - fa.rowPtr[i]
                    : rowOf[i] >= 0 ? ft.rowPtr[rowOf[i] + 1] - ft.rowPtr[rowOf[i]] : 0;
            ptr[i + 1] = ptr[i] + len;
        }
        int[] idx = new int[ptr[n]];
        float[] val = new float[ptr[n]];
        int[] labels = new int[n];
        Arrays.fill(labels, -1);
        for (int i = 0; i < n; i++) {
            CsrMatrix m = i < numAll ? fa : rowOf[i] >= 0 ? ft : null;
            if (m == null) {
                continue;
            }
            int r = i < numAll ? i : rowOf[i];
            int len = m.rowPtr[r + 1] - m.rowPtr[r];
            System.arraycopy(m.colIdx, m.rowPtr[r], idx, ptr[i], len);
            System.arraycopy(m.values, m.rowPtr[r], val, ptr[i], len);
            labels[i] = i < numAll ? ally.labels()[r] : ty.labels()[r];
        }
        CsrMatrix features = new CsrMatrix(n, x.cols(), ptr, idx, val);

        CsrBuilder.Result adj = adjacency(src, name, n);
        if (y.rows() + Splits.PLANETOID_VAL > numAll) {
            throw new GraphFormatException(src.where(file(name, "y")) + ": " + y.rows() + " training rows + "
                    + Splits.PLANETOID_VAL + " validation ids exceed the " + numAll + " rows of allx");
        }
        Split split = Splits.planetoidPublic(y.rows(), test); // test ids are >= numAll: no overlap

        List<String> notes = new ArrayList<>();
        numClasses = ClassIds.compact(labels, numClasses, src.where(file(name, "ally")), notes);
        int missing = n - numAll - test.length;
        if (missing > 0) {
            notes.add(missing + " ids in the test.index range have no feature or label row: zero features, label -1");
        }
        long loopRepeats = adj.selfLoopRecords() - adj.selfLoopNodes();
        long duplicates = (adj.repeatedOrderedPairs() - loopRepeats) / 2; // each record is listed by both endpoints
        notes.add(adj.records() / 2 + " edge records (each listed by both endpoints), "
                + adj.undirectedEdges() + " undirected edges after merging");
        LoadReport report = new LoadReport(src.describe(), duplicates, adj.selfLoopNodes(),
                GraphStats.isolatedNodes(adj.matrix()), List.copyOf(notes));
        return new Graph(name, adj.matrix(), features, labels, numClasses, split, report);
    }

    private static String file(String name, String part) {
        return "ind." + name + "." + part;
    }

    private static Object unpickle(Source src, String name, String part) {
        String f = file(name, part);
        byte[] bytes = src.read(f);
        try {
            return Pickle.load(bytes);
        } catch (FormatProblem p) {
            throw p.in(src.where(f));
        }
    }

    private static ScipyCsr csr(Source src, String name, String part) {
        Object o = unpickle(src, name, part);
        try {
            return ScipyCsr.from(o);
        } catch (FormatProblem p) {
            throw p.in(src.where(file(name, part)));
        }
    }

    /** One-hot label rows: their shape and, per row, the column of its first 1 (-1 for an all-zero row). */
    private record OneHot(int rows, int cols, int[] labels) {}

    private static OneHot oneHot(Source src, String name, String part) {
        Object o = unpickle(src, name, part);
        String where = src.where(file(name, part));
        try {
            if (!(o instanceof NdArray a)) {
                throw new FormatProblem("expected a numpy array of one-hot labels, found " + ScipyCsr.describe(o));
            }
            a.requireDims(2, "one-hot labels");
            int rows = a.dim(0), cols = a.dim(1);
            int[] v = a.ints();
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                int label = -1;
                for (int c = 0; c < cols; c++) {
                    int e = v[i * cols + c];
                    if (e != 0 && e != 1) {
                        throw new FormatProblem("row " + i + ", column " + c + " holds " + e + "; one-hot labels must be 0 or 1");
                    }
                    if (e == 1 && label < 0) {
                        label = c;
                    }
                }
                labels[i] = label;
            }
            return new OneHot(rows, cols, labels);
        } catch (FormatProblem p) {
            throw p.in(where);
        }
    }

    private static int[] testIndex(Source src, String name) {
        String f = file(name, "test.index");
        byte[] bytes = src.read(f);
        try {
            List<TextFile.Line> lines = TextFile.lines(bytes);
            int[] ids = new int[lines.size()];
            for (int k = 0; k < ids.length; k++) {
                TextFile.Line line = lines.get(k);
                long id = TextFile.parseInteger(line.text(), line, "test id");
                if (id < 0) {
                    throw new FormatProblem("line " + line.number() + ": negative test id " + id);
                }
                if (id > Integer.MAX_VALUE) {
                    throw new FormatProblem("line " + line.number() + ": test id " + id + " is too large");
                }
                ids[k] = (int) id;
            }
            return ids;
        } catch (FormatProblem p) {
            throw p.in(src.where(f));
        }
    }

    /**
     * Neighbour records per byte of the graph file, on top of {@link #RECORD_FLOOR}: a list written
     * out costs at least one byte a record, so only lists shared between nodes (one list memoised
     * and referenced under many keys) can exceed this, and expanding them could take gigabytes.
     */
    static final int RECORDS_PER_BYTE = 1;
    static final long RECORD_FLOOR = 1 << 20;

    private static CsrBuilder.Result adjacency(Source src, String name, int n) {
        String f = file(name, "graph");
        String where = src.where(f);
        byte[] bytes = src.read(f);
        Object o;
        try {
            o = Pickle.load(bytes);
        } catch (FormatProblem p) {
            throw p.in(where);
        }
        if (!(o instanceof Map<?, ?> dict)) {
            throw new GraphFormatException(where + ": expected a dict of adjacency lists, found " + ScipyCsr.describe(o));
        }
        long records = 0;
        for (Object v : dict.values()) {
            if (v instanceof Collection<?> c) {
                records += c.size();
            }
        }
        long limit = RECORD_FLOOR + (long) RECORDS_PER_BYTE * bytes.length;
        if (records > limit) {
            throw new GraphFormatException(where + ": its adjacency lists hold " + records + " neighbour records in all, "
                    + "more than a file of " + bytes.length + " bytes can list one by one (at most " + limit
                    + "; lists shared between nodes would be expanded); refused before building the graph");
        }
        CsrBuilder b = new CsrBuilder(n);
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            int i = nodeId(e.getKey(), n, where, "dict key:");
            if (!(e.getValue() instanceof Collection<?> neighbours)) {
                throw new GraphFormatException(where + ": the entry of node " + i + " is " + ScipyCsr.describe(e.getValue())
                        + ", expected a list of node ids");
            }
            for (Object j : neighbours) {
                b.add(i, nodeId(j, n, where, "neighbour of node " + i + ":"));
            }
        }
        return b.build(true);
    }

    private static int nodeId(Object o, int n, String where, String what) {
        if (!(o instanceof Long v)) {
            throw new GraphFormatException(where + ": " + what + " " + ScipyCsr.describe(o) + " is not an integer node id");
        }
        if (v < 0) {
            throw new GraphFormatException(where + ": " + what + " negative node id " + v);
        }
        if (v >= n) {
            throw new GraphFormatException(where + ": " + what + " node id " + v + " out of range: the dataset has "
                    + n + " nodes (0.." + (n - 1) + ")");
        }
        return (int) (long) v;
    }

    private static void requireRows(Source src, String name, String part, int rows, String other, int otherRows) {
        if (rows != otherRows) {
            throw new GraphFormatException(src.where(file(name, part)) + ": " + rows + " rows, but " + file(name, other)
                    + " has " + otherRows);
        }
    }

    private static void requireCols(Source src, String name, String part, int cols, String other, int otherCols) {
        if (cols != otherCols) {
            throw new GraphFormatException(src.where(file(name, part)) + ": " + cols + " columns, but " + file(name, other)
                    + " has " + otherCols);
        }
    }
}
