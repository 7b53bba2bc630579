package org.gmi.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.SparseRows;

/**
 * The binary graph layout that {@code gmi convert} writes: a folder of little-endian arrays, one file
 * each, and {@code graph.json} describing them (docs/data-formats.md). The loader leaves the
 * adjacency and the features in their files, read through memory mapping ({@link FileCsr}), and
 * reads the labels and the split onto the heap, so that minibatch training walks the rows of A and
 * reads the feature rows its batches reach from matrices that may exceed the heap.
 *
 * <table>
 *   <caption>Files</caption>
 *   <tr><td>{@code adjacency.indptr.i64}</td><td>N + 1 row offsets of A (int64)</td></tr>
 *   <tr><td>{@code adjacency.indices.i32}</td><td>A's columns (int32), each row sorted; A is symmetric
 *       and binary, so no values are stored</td></tr>
 *   <tr><td>{@code features.indptr.i64}, {@code features.indices.i32}, {@code features.values.f32}</td>
 *       <td>the raw features X, N x F, in CSR form</td></tr>
 *   <tr><td>{@code labels.i32}</td><td>one class id per node, -1 for none (0 or -1 on a multi-label graph)</td></tr>
 *   <tr><td>{@code label_matrix.indptr.i64}, {@code label_matrix.indices.i32}</td><td>multi-label
 *       graphs only: each node's labels</td></tr>
 *   <tr><td>{@code split.train.i32}, {@code split.val.i32}, {@code split.test.i32}</td><td>a public
 *       split (Planetoid's) only; without them the loader draws a random split as for .npz</td></tr>
 * </table>
 *
 * <p>graph.json records the counts every file's size follows from, and each file's CRC-32. The loader
 * checks all of it before a training sees the graph, as every loader here does: the sizes, the
 * checksums, and then the content itself, so a file rewritten with a valid checksum is refused too:
 * offsets from 0 to the entry count and never decreasing, columns in range and strictly increasing
 * within a row, A symmetric with values 1, features finite, labels and split ids in range.
 */
public final class BinaryGraph {
    public static final String MANIFEST = "graph.json";
    public static final String FORMAT = "gmi-binary";
    public static final int VERSION = 1;

    static final String ADJ_PTR = "adjacency.indptr.i64";
    static final String ADJ_IDX = "adjacency.indices.i32";
    static final String X_PTR = "features.indptr.i64";
    static final String X_IDX = "features.indices.i32";
    static final String X_VAL = "features.values.f32";
    static final String LABELS = "labels.i32";
    static final String Y_PTR = "label_matrix.indptr.i64";
    static final String Y_IDX = "label_matrix.indices.i32";
    static final String[] SPLIT = {"split.train.i32", "split.val.i32", "split.test.i32"};
    /** Rows per block when features are streamed (written, or validated). */
    private static final int BLOCK_ROWS = 1 << 14;
    /** Entries per block when features are validated, unless one row holds more. */
    private static final long BLOCK_ENTRIES = 1 << 24;

    private BinaryGraph() {}

    /** Whether {@code folder} holds a graph in this layout (its graph.json). */
    public static boolean isBinaryGraph(Path folder) {
        return Files.exists(folder.resolve(MANIFEST), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** Every file name the layout uses, graph.json last. */
    public static List<String> allFiles() {
        List<String> f = new ArrayList<>(List.of(ADJ_PTR, ADJ_IDX, X_PTR, X_IDX, X_VAL, LABELS, Y_PTR, Y_IDX));
        f.addAll(List.of(SPLIT));
        f.add(MANIFEST);
        return f;
    }

    /** The files a write of {@code g} produces, graph.json last (it marks the folder complete). */
    public static List<String> files(Graph g) {
        List<String> f = new ArrayList<>(List.of(ADJ_PTR, ADJ_IDX, X_PTR, X_IDX, X_VAL, LABELS));
        if (g.isMultiLabel()) {
            f.addAll(List.of(Y_PTR, Y_IDX));
        }
        if (storesSplit(g.split())) {
            f.addAll(List.of(SPLIT));
        }
        f.add(MANIFEST);
        return f;
    }

    /** A public split is kept; a random one is drawn again at load, from the flags of that run. */
    private static boolean storesSplit(Split s) {
        return !s.kind().startsWith("random");
    }

    /**
     * Writes {@code g} in this layout, each file of {@link #files} to {@code pathOf.apply(name)} (the
     * caller's temporary names: it renames them into place, graph.json last). The features are
     * written a block of rows at a time, so a mapped graph is converted without being loaded.
     *
     * @return graph.json's content
     */
    public static Map<String, Object> write(Graph g, Function<String, Path> pathOf) throws IOException {
        CsrMatrix a = g.adjacency();
        for (int k = 0; k < a.nnz(); k++) {
            if (a.values[k] != 1f) {
                throw new IllegalArgumentException("the adjacency of " + g.name() + " holds the value " + a.values[k]
                        + "; the binary layout stores a binary adjacency");
            }
        }
        Map<String, Object> files = new LinkedHashMap<>();
        try (Out ptr = new Out(pathOf.apply(ADJ_PTR)); Out idx = new Out(pathOf.apply(ADJ_IDX))) {
            for (int p : a.rowPtr) {
                ptr.putLong(p);
            }
            idx.putInts(a.colIdx, 0, a.nnz());
            files.put(ADJ_PTR, ptr.crcHex());
            files.put(ADJ_IDX, idx.crcHex());
        }
        SparseRows x = g.featureRows();
        try (Out ptr = new Out(pathOf.apply(X_PTR)); Out idx = new Out(pathOf.apply(X_IDX)); Out val = new Out(pathOf.apply(X_VAL))) {
            long offset = 0;
            ptr.putLong(0);
            for (int r0 = 0; r0 < x.rows(); r0 += BLOCK_ROWS) {
                CsrMatrix block = x.rowRange(r0, Math.min(x.rows(), r0 + BLOCK_ROWS));
                for (int i = 1; i <= block.rows; i++) {
                    ptr.putLong(offset + block.rowPtr[i]);
                }
                offset += block.nnz();
                idx.putInts(block.colIdx, 0, block.nnz());
                val.putFloats(block.values, 0, block.nnz());
            }
            files.put(X_PTR, ptr.crcHex());
            files.put(X_IDX, idx.crcHex());
            files.put(X_VAL, val.crcHex());
        }
        try (Out labels = new Out(pathOf.apply(LABELS))) {
            labels.putInts(g.labels(), 0, g.labels().length);
            files.put(LABELS, labels.crcHex());
        }
        if (g.isMultiLabel()) {
            CsrMatrix y = g.labelMatrix();
            try (Out ptr = new Out(pathOf.apply(Y_PTR)); Out idx = new Out(pathOf.apply(Y_IDX))) {
                for (int p : y.rowPtr) {
                    ptr.putLong(p);
                }
                idx.putInts(y.colIdx, 0, y.nnz());
                files.put(Y_PTR, ptr.crcHex());
                files.put(Y_IDX, idx.crcHex());
            }
        }
        Split s = g.split();
        if (storesSplit(s)) {
            int[][] parts = {s.train(), s.val(), s.test()};
            for (int k = 0; k < 3; k++) {
                try (Out o = new Out(pathOf.apply(SPLIT[k]))) {
                    o.putInts(parts[k], 0, parts[k].length);
                    files.put(SPLIT[k], o.crcHex());
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("version", VERSION);
        m.put("byte_order", "little-endian");
        m.put("name", g.name());
        m.put("nodes", g.numNodes());
        m.put("features", g.numFeatures());
        m.put("classes", g.numClasses());
        m.put("multi_label", g.isMultiLabel());
        m.put("adjacency_entries", a.nnz());
        m.put("feature_entries", x.entries());
        if (g.isMultiLabel()) {
            m.put("label_entries", g.labelMatrix().nnz());
        }
        if (storesSplit(s)) {
            m.put("split", Map.of("kind", s.kind()));
            m.put("split_sizes", List.of(s.train().length, s.val().length, s.test().length));
        }
        m.put("source", g.report() == null ? g.name() : g.report().source());
        m.put("crc32", files);
        Files.writeString(pathOf.apply(MANIFEST), Json.write(m) + "\n");
        return m;
    }

    /**
     * Loads the graph in {@code folder}: the adjacency onto the heap, the features mapped. A graph
     * without a stored split gets the random split of {@code opts}, as a .npz does.
     *
     * @throws GraphFormatException naming the file, and the row or entry, at fault
     */
    public static Graph load(Path folder, SplitOptions opts) {
        Path manifestFile = folder.resolve(MANIFEST);
        Manifest m = Manifest.read(manifestFile);

        // every file's size follows from the counts: a file of another size is refused before it is read
        MappedArray aPtr = MappedArray.map(folder.resolve(ADJ_PTR), 8, m.nodes + 1L);
        MappedArray aIdx = MappedArray.map(folder.resolve(ADJ_IDX), 4, m.adjacencyEntries);
        MappedArray xPtr = MappedArray.map(folder.resolve(X_PTR), 8, m.nodes + 1L);
        MappedArray xIdx = MappedArray.map(folder.resolve(X_IDX), 4, m.featureEntries);
        MappedArray xVal = MappedArray.map(folder.resolve(X_VAL), 4, m.featureEntries);
        MappedArray labelFile = MappedArray.map(folder.resolve(LABELS), 4, m.nodes);
        MappedArray yPtr = m.multiLabel ? MappedArray.map(folder.resolve(Y_PTR), 8, m.nodes + 1L) : null;
        MappedArray yIdx = m.multiLabel ? MappedArray.map(folder.resolve(Y_IDX), 4, m.labelEntries) : null;
        MappedArray[] splitFiles = new MappedArray[3];
        if (m.splitKind != null) {
            for (int k = 0; k < 3; k++) {
                splitFiles[k] = MappedArray.map(folder.resolve(SPLIT[k]), 4, m.splitSizes[k]);
            }
        }
        List<MappedArray> all = new ArrayList<>(List.of(aPtr, aIdx, xPtr, xIdx, xVal, labelFile));
        for (MappedArray f : new MappedArray[] {yPtr, yIdx, splitFiles[0], splitFiles[1], splitFiles[2]}) {
            if (f != null) {
                all.add(f);
            }
        }
        for (MappedArray f : all) {
            String name = f.file().getFileName().toString();
            String expected = m.crc32.get(name);
            if (expected == null) {
                throw new GraphFormatException(manifestFile + ": no CRC-32 listed for " + name);
            }
            String actual = String.format(Locale.ROOT, "%08x", f.crc32());
            if (!actual.equals(expected)) {
                throw new GraphFormatException(f.file() + ": CRC-32 " + actual + " differs from " + expected + " in graph.json: "
                        + "the file is damaged or was changed after conversion; convert the dataset again");
            }
        }

        FileCsr adjacency = adjacency(aPtr, aIdx, m.nodes);
        validateRows(xPtr, xIdx, xVal, m.nodes, m.features, "feature");
        FileCsr features = new FileCsr("feature", m.nodes, m.features, xPtr, xIdx, xVal);

        int[] labels = new int[m.nodes];
        labelFile.getInts(0, labels, 0, m.nodes);
        int low = -1;
        int high = m.multiLabel ? 0 : m.classes - 1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < low || labels[i] > high) {
                throw new GraphFormatException(labelFile.file() + ": node " + i + " has the label " + labels[i] + ", outside ["
                        + low + ", " + high + "] for " + m.classes + (m.multiLabel ? " labels (multi-label: 0 or -1)" : " classes"));
            }
        }
        CsrMatrix labelMatrix = null;
        if (m.multiLabel) {
            validateRows(yPtr, yIdx, null, m.nodes, m.classes, "label");
            labelMatrix = new FileCsr("label", m.nodes, m.classes, yPtr, yIdx, null).rowRange(0, m.nodes);
        }
        Split split;
        if (m.splitKind != null) {
            int[][] parts = new int[3][];
            boolean[] taken = new boolean[m.nodes];
            for (int k = 0; k < 3; k++) {
                parts[k] = new int[m.splitSizes[k]];
                splitFiles[k].getInts(0, parts[k], 0, parts[k].length);
                for (int j = 0; j < parts[k].length; j++) {
                    int v = parts[k][j];
                    if (v < 0 || v >= m.nodes || (j > 0 && parts[k][j - 1] >= v) || taken[v]) {
                        throw new GraphFormatException(splitFiles[k].file() + ": entry " + j + " (node " + v + ") is "
                                + (v < 0 || v >= m.nodes ? "outside [0, " + m.nodes + ")" : taken[v] ? "in another part of the split too"
                                : "not above the entry before it; split ids are sorted and distinct"));
                    }
                    taken[v] = true;
                }
            }
            split = new Split(parts[0], parts[1], parts[2], m.splitKind);
        } else {
            split = Splits.random(labels, opts);
        }
        List<String> notes = List.of("binary layout: adjacency and features read through memory mapping (" + m.adjacencyEntries
                + " and " + m.featureEntries + " entries)");
        LoadReport report = new LoadReport(folder.toString(), 0, GraphStats.selfLoops(adjacency), GraphStats.isolatedNodes(adjacency), notes);
        return new Graph(m.name, adjacency, features, labels, m.classes, split, report, labelMatrix);
    }

    /** The adjacency and the raw features of a graph in this layout, read from its files where they are. */
    public record Rows(FileCsr adjacency, FileCsr features) {}

    /**
     * Where a process reads a graph in this layout: a local or shared folder ({@link #folder}, its
     * arrays memory-mapped), or a storage the caller reads by position (gmi-spark's executors read a
     * Hadoop file system's this way).
     */
    public interface Source {
        /** The folder or URI, for messages. */
        String location();

        /** graph.json's bytes (refused above {@value #MAX_MANIFEST_BYTES} bytes). */
        byte[] manifest() throws IOException;

        /**
         * The layout's file {@code name}, holding {@code length} elements of {@code width} bytes: refused,
         * naming it, when its size differs.
         */
        ArrayFile open(String name, int width, long length) throws IOException;

        /** The largest graph.json read: a real one is well under 2 KiB. */
        long MAX_MANIFEST_BYTES = 1 << 16;

        /** Refuses, naming it, a graph.json of {@code size} bytes above {@link #MAX_MANIFEST_BYTES}, before it is read. */
        static void requireManifestSize(Object file, long size) {
            if (size > MAX_MANIFEST_BYTES) {
                throw new GraphFormatException(file + ": " + size + " bytes; a graph.json is a few hundred");
            }
        }

        /** The files of {@code folder}, mapped. */
        static Source folder(Path folder) {
            return new Source() {
                @Override
                public String location() {
                    return folder.toString();
                }

                @Override
                public byte[] manifest() throws IOException {
                    Path file = folder.resolve(MANIFEST);
                    DataFiles.requireRegularFile(file);
                    Source.requireManifestSize(file, Files.size(file));
                    return Files.readAllBytes(file);
                }

                @Override
                public ArrayFile open(String name, int width, long length) {
                    return MappedArray.map(folder.resolve(name), width, length);
                }
            };
        }
    }

    /**
     * A and X of the graph at {@code source}, their content not read: for a process that works on files
     * another one checked with {@link #load} (a Spark executor, whose driver loaded the graph and passes
     * the {@link #manifestDigest} of the graph.json it read). The graph.json there must have that digest
     * (it lists every file's CRC-32: a graph converted again is refused), and each file the size it
     * gives; the process then reads only the parts its batches touch.
     *
     * @throws GraphFormatException naming the file that differs
     */
    public static Rows openChecked(Source source, String manifestDigest) throws IOException {
        byte[] bytes = source.manifest();
        String where = source.location() + "/" + MANIFEST;
        String digest = manifestDigest(bytes);
        if (!digest.equals(manifestDigest)) {
            throw new GraphFormatException(where + ": not the graph.json the run was started with (its SHA-256 is " + digest
                    + ", the driver read " + manifestDigest + "): the graph was converted again, or this machine sees another "
                    + "copy; train again on one graph");
        }
        Manifest m = Manifest.parse(where, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        ArrayFile aPtr = source.open(ADJ_PTR, 8, m.nodes + 1L);
        ArrayFile aIdx = source.open(ADJ_IDX, 4, m.adjacencyEntries);
        ArrayFile xPtr = source.open(X_PTR, 8, m.nodes + 1L);
        ArrayFile xIdx = source.open(X_IDX, 4, m.featureEntries);
        ArrayFile xVal = source.open(X_VAL, 4, m.featureEntries);
        return new Rows(new FileCsr("adjacency", m.nodes, m.nodes, aPtr, aIdx, null),
                new FileCsr("feature", m.nodes, m.features, xPtr, xIdx, xVal));
    }

    /** The SHA-256 of {@code folder}'s graph.json, in hex: what {@link #openChecked} compares. */
    public static String manifestDigest(Path folder) {
        try {
            return manifestDigest(Source.folder(folder).manifest());
        } catch (IOException e) {
            throw new GraphFormatException(folder.resolve(MANIFEST) + ": cannot read (" + DataFiles.oneLine(e) + ")", e);
        }
    }

    private static String manifestDigest(byte[] manifest) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(manifest));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A, mapped: its offsets and columns checked as every matrix of the layout is
     * ({@link #validateRows}, block by block), then its symmetry, reading the files a block of rows at
     * a time; the heap holds one int per node (how many of a row's entries were met as mirrors).
     */
    private static FileCsr adjacency(MappedArray ptrFile, MappedArray idxFile, int n) {
        validateRows(ptrFile, idxFile, null, n, n, "adjacency");
        // no values file: a binary matrix, its values 1
        FileCsr a = new FileCsr("adjacency", n, n, ptrFile, idxFile, null);
        // symmetric: visiting rows in order, entry (i, j) meets its mirror (j, i) as the next unvisited entry of row j
        int[] met = new int[n];
        long[] offsets = new long[BLOCK_ROWS + 1];
        int r0 = 0;
        while (r0 < n) {
            int r1 = Math.min(n, r0 + BLOCK_ROWS);
            ptrFile.getLongs(r0, offsets, 0, r1 - r0 + 1);
            // at most BLOCK_ENTRIES columns at once (one row may hold more)
            int end = 1;
            while (end < r1 - r0 && offsets[end + 1] - offsets[0] <= BLOCK_ENTRIES) {
                end++;
            }
            int[] col = new int[Math.toIntExact(offsets[end] - offsets[0])];
            idxFile.getInts(offsets[0], col, 0, col.length);
            for (int r = 0; r < end; r++) {
                int i = r0 + r;
                for (int k = (int) (offsets[r] - offsets[0]); k < offsets[r + 1] - offsets[0]; k++) {
                    int j = col[k];
                    long at = a.rowStart(j) + met[j];
                    int mirror = at < a.rowStart(j + 1) ? a.column(at) : Integer.MAX_VALUE;
                    if (mirror > i) {
                        throw asymmetric(idxFile, i, j);
                    }
                    if (mirror < i) {
                        throw asymmetric(idxFile, j, mirror);
                    }
                    met[j]++;
                }
            }
            r0 += end;
        }
        return a;
    }

    private static GraphFormatException asymmetric(MappedArray idxFile, int i, int j) {
        return new GraphFormatException(idxFile.file() + ": the edge " + i + " -> " + j + " has no reverse " + j + " -> " + i
                + "; the adjacency must be symmetric (gmi convert writes it so)");
    }

    /**
     * Checks a mapped CSR matrix block by block without loading it: offsets from 0 to the entry count,
     * never decreasing; columns in [0, cols), strictly increasing within a row; values (when there are
     * any) finite.
     */
    private static void validateRows(MappedArray ptrFile, MappedArray idxFile, MappedArray valFile, int rows, int cols, String what) {
        long entries = idxFile.length();
        long[] offsets = new long[BLOCK_ROWS + 1];
        ptrFile.getLongs(0, offsets, 0, 1);
        if (offsets[0] != 0) {
            throw new GraphFormatException(ptrFile.file() + ": offset 0 is " + offsets[0] + "; offsets start at 0");
        }
        int r0 = 0;
        while (r0 < rows) {
            int r1 = Math.min(rows, r0 + BLOCK_ROWS);
            ptrFile.getLongs(r0, offsets, 0, r1 - r0 + 1);
            for (int i = 1; i <= r1 - r0; i++) {
                long v = offsets[i];
                if (v < offsets[i - 1] || v > entries || v - offsets[i - 1] > cols) {
                    throw new GraphFormatException(ptrFile.file() + ": offset " + (r0 + i) + " is " + v + "; offsets never "
                            + "decrease, grow by at most the " + cols + " columns per row and end at the " + entries
                            + " " + what + " entries graph.json lists");
                }
            }
            // at most BLOCK_ENTRIES entries at once (one row may hold more)
            int end = 1;
            while (end < r1 - r0 && offsets[end + 1] - offsets[0] <= BLOCK_ENTRIES) {
                end++;
            }
            r1 = r0 + end;
            if (r1 == rows && offsets[end] != entries) {
                throw new GraphFormatException(ptrFile.file() + ": the last offset is " + offsets[end] + ", not the " + entries
                        + " entries graph.json lists");
            }
            long base = offsets[0];
            int n = Math.toIntExact(offsets[end] - base);
            int[] col = new int[n];
            idxFile.getInts(base, col, 0, n);
            float[] val = null;
            if (valFile != null) {
                val = new float[n];
                valFile.getFloats(base, val, 0, n);
            }
            for (int i = 0; i < end; i++) {
                int lo = (int) (offsets[i] - base);
                int hi = (int) (offsets[i + 1] - base);
                for (int k = lo; k < hi; k++) {
                    int c = col[k];
                    if (c < 0 || c >= cols || (k > lo && col[k - 1] >= c)) {
                        throw new GraphFormatException(idxFile.file() + ": row " + (r0 + i) + " has the column " + c
                                + (c < 0 || c >= cols ? ", outside [0, " + cols + ")" : " after " + col[k - 1]
                                + "; columns rise strictly within a row"));
                    }
                    if (val != null && !Float.isFinite(val[k])) {
                        throw new GraphFormatException(valFile.file() + ": row " + (r0 + i) + ", column " + c
                                + " holds the non-finite value " + val[k]);
                    }
                }
            }
            r0 = r1;
        }
    }

    /** graph.json, read and checked: counts in range before any of them sizes a read. */
    private record Manifest(String name, int nodes, int features, int classes, boolean multiLabel, long adjacencyEntries,
                            long featureEntries, long labelEntries, String splitKind, int[] splitSizes, Map<String, String> crc32) {
        static Manifest read(Path file) {
            byte[] bytes;
            try {
                bytes = Source.folder(file.getParent()).manifest();
            } catch (IOException e) {
                throw new GraphFormatException(file + ": cannot read (" + DataFiles.oneLine(e) + ")", e);
            }
            return parse(file, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }

        /** graph.json's {@code text}, checked; {@code file} names it in messages. */
        static Manifest parse(Object file, String text) {
            Map<String, Object> j;
            try {
                j = JsonReader.object(text);
            } catch (RuntimeException e) {
                if (e instanceof GraphFormatException g) {
                    throw g;
                }
                throw new GraphFormatException(file + ": not a JSON object (" + DataFiles.oneLine(e) + ")");
            }
            if (!FORMAT.equals(j.get("format"))) {
                throw new GraphFormatException(file + ": \"format\" is " + quoted(j.get("format")) + ", not \"" + FORMAT
                        + "\": not a graph written by gmi convert");
            }
            long version = count(file, j, "version", 1, Integer.MAX_VALUE);
            if (version != VERSION) {
                throw new GraphFormatException(file + ": layout version " + version + "; this gmi reads version " + VERSION
                        + "; convert the dataset again with this gmi");
            }
            if (!"little-endian".equals(j.get("byte_order"))) {
                throw new GraphFormatException(file + ": \"byte_order\" is " + quoted(j.get("byte_order")) + ", not \"little-endian\"");
            }
            Object name = j.get("name");
            if (!(name instanceof String s) || s.isBlank()) {
                throw new GraphFormatException(file + ": \"name\" must be a non-empty string");
            }
            int nodes = (int) count(file, j, "nodes", 0, Integer.MAX_VALUE - 8);
            if (nodes < 2) {
                throw new GraphFormatException(file + ": " + nodes + " node" + (nodes == 1 ? "" : "s")
                        + "; a graph needs at least 2 nodes (a node's negatives are other nodes)");
            }
            int features = (int) count(file, j, "features", 1, Integer.MAX_VALUE);
            int classes = (int) count(file, j, "classes", 0, DataFiles.MAX_LABEL + 1);
            Object multi = j.get("multi_label");
            if (!(multi instanceof Boolean)) {
                throw new GraphFormatException(file + ": \"multi_label\" must be true or false");
            }
            boolean multiLabel = (Boolean) multi;
            long adjacencyEntries = count(file, j, "adjacency_entries", 0, (long) nodes * nodes);
            long featureEntries = count(file, j, "feature_entries", 0, (long) nodes * features);
            long labelEntries = multiLabel ? count(file, j, "label_entries", 0, (long) nodes * classes) : 0;
            String splitKind = null;
            int[] sizes = null;
            if (j.get("split") != null) {
                if (!(j.get("split") instanceof Map<?, ?> sm) || !(sm.get("kind") instanceof String kind) || kind.startsWith("random")) {
                    throw new GraphFormatException(file + ": \"split\" must be an object with the \"kind\" of a public split");
                }
                splitKind = kind;
                if (!(j.get("split_sizes") instanceof List<?> l) || l.size() != 3) {
                    throw new GraphFormatException(file + ": \"split_sizes\" must list the train, val and test sizes");
                }
                sizes = new int[3];
                for (int k = 0; k < 3; k++) {
                    if (!(l.get(k) instanceof Double d) || d != Math.rint(d) || d < 0 || d > nodes) {
                        throw new GraphFormatException(file + ": \"split_sizes\" holds " + quoted(l.get(k)) + ", not a count in [0, "
                                + nodes + "]");
                    }
                    sizes[k] = d.intValue();
                }
            }
            Map<String, String> crc = new LinkedHashMap<>();
            if (!(j.get("crc32") instanceof Map<?, ?> c)) {
                throw new GraphFormatException(file + ": \"crc32\" must map each file to its CRC-32");
            } else {
                for (Map.Entry<?, ?> e : c.entrySet()) {
                    if (e.getValue() instanceof String v) {
                        crc.put(String.valueOf(e.getKey()), v);
                    }
                }
            }
            return new Manifest((String) name, nodes, features, classes, multiLabel, adjacencyEntries, featureEntries, labelEntries,
                    splitKind, sizes, crc);
        }

        private static long count(Object file, Map<String, Object> j, String key, long min, long max) {
            Object v = j.get(key);
            if (!(v instanceof Double d) || d != Math.rint(d) || d < min || d > max) {
                throw new GraphFormatException(file + ": \"" + key + "\" is " + quoted(v) + ", not a whole number in [" + min + ", "
                        + max + "]");
            }
            return d.longValue();
        }

        private static String quoted(Object v) {
            return v == null ? "missing" : FormatProblem.quote(String.valueOf(v));
        }
    }

    /** One output file of little-endian numbers, written through a buffer, its CRC-32 kept alongside. */
    private static final class Out implements AutoCloseable {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32 crc = new CRC32();

        Out(Path file) throws IOException {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }

        void putLong(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        void putInts(int[] a, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                room(4);
                buf.putInt(a[i]);
            }
        }

        void putFloats(float[] a, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                room(4);
                buf.putFloat(a[i]);
            }
        }

        private void room(int bytes) throws IOException {
            if (buf.remaining() < bytes) {
                flush();
            }
        }

        private void flush() throws IOException {
            buf.flip();
            crc.update(buf.duplicate());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }

        String crcHex() throws IOException {
            flush();
            return String.format(Locale.ROOT, "%08x", crc.getValue());
        }

        @Override
        public void close() throws IOException {
            flush();
            ch.force(true);
            ch.close();
        }
    }
}
