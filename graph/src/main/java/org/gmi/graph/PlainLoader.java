package org.gmi.graph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gmi.engine.CsrMatrix;

/**
 * Loads a graph from a folder of plain text files:
 *
 * <ul>
 *   <li>{@code edges.csv} (required): one edge per line, two integer node ids separated by a
 *       comma or whitespace; an optional header line; {@code #} starts a comment. Edges are
 *       undirected: A is symmetrised, repeated pairs (in either direction) merged, loops kept.
 *   <li>{@code features.csv} (optional): one row of numbers per node, comma or whitespace
 *       separated, all rows as long; NaN and infinity refused. Absent: identity features.
 *   <li>{@code labels.csv} (optional): one integer per node, -1 for unlabelled. Absent: all -1.
 * </ul>
 *
 * N is max id + 1, or the row count of features.csv / labels.csv when those exist (they must
 * agree with each other, and every edge id must be below it). The split is random, from
 * {@link SplitOptions}; the graph is named after the folder.
 */
public final class PlainLoader {
    public static final String EDGES = "edges.csv";
    public static final String FEATURES = "features.csv";
    public static final String LABELS = "labels.csv";

    /** Largest node count accepted when only edges.csv fixes N (guards against a stray huge id). */
    public static final int MAX_NODES = 100_000_000;

    /**
     * When only edges.csv fixes N: the most nodes that no edge names (isolated, identity features)
     * an id may imply. E edge lines name at most 2E nodes; an id far beyond that would make a graph
     * of mostly empty rows from a tiny file.
     */
    public static final int MAX_UNNAMED_NODES = 10_000;

    private PlainLoader() {}

    public static Graph load(Path folder) {
        return load(folder, SplitOptions.DEFAULT);
    }

    public static Graph load(Path folder, SplitOptions opts) {
        if (!Files.isDirectory(folder)) {
            throw new GraphFormatException(folder + ": no such folder");
        }
        Path edgesFile = folder.resolve(EDGES);
        if (!Files.exists(edgesFile)) {
            throw new GraphFormatException(edgesFile + ": no such file (a plain graph folder needs edges.csv)");
        }
        Path featuresFile = folder.resolve(FEATURES);
        Path labelsFile = folder.resolve(LABELS);
        // a broken link counts as present: reading it then names the problem instead of ignoring the file
        boolean hasFeatures = Files.exists(featuresFile) || Files.isSymbolicLink(featuresFile);
        boolean hasLabels = Files.exists(labelsFile) || Files.isSymbolicLink(labelsFile);

        int[][] edges = readEdges(edgesFile);
        int[] src = edges[0], dst = edges[1];
        long maxId = -1;
        int maxAt = -1;
        for (int k = 0; k < src.length; k++) {
            int m = Math.max(src[k], dst[k]);
            if (m > maxId) {
                maxId = m;
                maxAt = k;
            }
        }
        float[][] featureRows = hasFeatures ? readFeatures(featuresFile) : null;
        LabelRows labelFile = hasLabels ? readLabels(labelsFile) : null;
        int[] labelRows = labelFile == null ? null : labelFile.classes();
        if (featureRows != null && labelRows != null && featureRows.length != labelRows.length) {
            throw new GraphFormatException(labelsFile + ": " + labelRows.length + " labels, but " + FEATURES + " has "
                    + featureRows.length + " rows; they must agree (one per node)");
        }
        int n;
        if (featureRows != null || labelRows != null) {
            n = featureRows != null ? featureRows.length : labelRows.length;
            if (maxId >= n) {
                throw new GraphFormatException(edgesFile + ": line " + edges[2][maxAt] + ": node id " + maxId
                        + " out of range: " + (featureRows != null ? FEATURES : LABELS) + " has " + n
                        + " rows, so ids must be 0.." + (n - 1));
            }
        } else {
            if (maxId >= MAX_NODES) {
                throw new GraphFormatException(edgesFile + ": line " + edges[2][maxAt] + ": node id " + maxId
                        + " is above the supported maximum " + (MAX_NODES - 1));
            }
            long named = 2L * src.length;
            if (maxId + 1 - named > MAX_UNNAMED_NODES) {
                throw new GraphFormatException(edgesFile + ": line " + edges[2][maxAt] + ": node id " + maxId + " implies "
                        + (maxId + 1) + " nodes, but the " + src.length + (src.length == 1 ? " edge line names" : " edge lines name")
                        + " at most " + named + "; more than " + MAX_UNNAMED_NODES + " nodes without an edge is refused "
                        + "as implausible: number the nodes from 0 without gaps, or give " + FEATURES + " or " + LABELS
                        + " to fix the node count");
            }
            n = (int) maxId + 1;
        }
        if (n == 0) {
            throw new GraphFormatException(edgesFile + ": empty graph (0 nodes)");
        }

        CsrBuilder.Result a = CsrBuilder.fromEdges(n, src, dst, true);
        List<String> notes = new ArrayList<>();
        CsrMatrix features;
        if (featureRows != null) {
            features = rowsToCsr(featureRows);
        } else {
            features = CsrBuilder.identity(n);
            notes.add("no " + FEATURES + ": identity features");
        }
        int[] labels;
        if (labelRows != null) {
            labels = labelRows;
        } else {
            labels = new int[n];
            Arrays.fill(labels, -1);
            notes.add("no " + LABELS + ": every node unlabelled");
        }
        CsrMatrix labelMatrix = labelFile == null ? null : labelFile.matrix();
        int numClasses = labelMatrix != null ? labelMatrix.cols : ClassIds.compact(labels, 0, labelsFile.toString(), notes);
        if (labelMatrix != null) {
            notes.add(LABELS + ": " + labelMatrix.cols + " labels per node (multi-label), " + labelMatrix.nnz() + " held in all");
        }
        Split split = Splits.random(labels, opts);
        LoadReport report = new LoadReport(folder.toString(), a.repeatedUnorderedPairs(), a.selfLoopNodes(),
                GraphStats.isolatedNodes(a.matrix()), List.copyOf(notes));
        String name = folder.toAbsolutePath().normalize().getFileName() == null ? "graph"
                : folder.toAbsolutePath().normalize().getFileName().toString();
        return new Graph(name, a.matrix(), features, labels, numClasses, split, report, labelMatrix);
    }

    /**
     * labels.csv as read: one class per node, or with two or more 0/1 fields per row the multi-label
     * matrix (every node labelled, {@code classes} all 0).
     */
    private record LabelRows(int[] classes, CsrMatrix matrix) {}

    private static CsrMatrix rowsToCsr(float[][] rows) {
        int n = rows.length, f = rows[0].length;
        int[] ptr = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int nz = 0;
            for (float v : rows[i]) {
                nz += v != 0 ? 1 : 0;
            }
            ptr[i + 1] = ptr[i] + nz;
        }
        int[] idx = new int[ptr[n]];
        float[] val = new float[ptr[n]];
        for (int i = 0; i < n; i++) {
            int p = ptr[i];
            for (int j = 0; j < f; j++) {
                if (rows[i][j] != 0) {
                    idx[p] = j;
                    val[p++] = rows[i][j];
                }
            }
        }
        return new CsrMatrix(n, f, ptr, idx, val);
    }

    /** {src[], dst[], line number[]} of every edge line. */
    private static int[][] readEdges(Path file) {
        List<TextFile.Line> lines = lines(file);
        try {
            int first = !lines.isEmpty() && TextFile.isHeader(lines.get(0)) ? 1 : 0;
            int e = lines.size() - first;
            if (e <= 0) {
                throw new FormatProblem("no edges (the file is empty or holds only a header and comments)");
            }
            int[] src = new int[e], dst = new int[e], lineNo = new int[e];
            for (int k = 0; k < e; k++) {
                TextFile.Line line = lines.get(first + k);
                String[] f = TextFile.fields(line);
                if (f.length != 2) {
                    throw new FormatProblem("line " + line.number() + ": expected two node ids, found " + f.length
                            + " fields in " + FormatProblem.quote(line.text()));
                }
                src[k] = nodeId(f[0], line);
                dst[k] = nodeId(f[1], line);
                lineNo[k] = line.number();
            }
            return new int[][] {src, dst, lineNo};
        } catch (FormatProblem p) {
            throw p.in(file.toString());
        }
    }

    private static int nodeId(String field, TextFile.Line line) {
        long v = TextFile.parseInteger(field, line, "node id");
        if (v < 0) {
            throw new FormatProblem("line " + line.number() + ": negative node id " + v);
        }
        if (v >= MAX_NODES) {
            throw new FormatProblem("line " + line.number() + ": node id " + v + " is above the supported maximum "
                    + (MAX_NODES - 1));
        }
        return (int) v;
    }

    private static float[][] readFeatures(Path file) {
        List<TextFile.Line> lines = lines(file);
        try {
            int first = !lines.isEmpty() && TextFile.isHeader(lines.get(0)) ? 1 : 0;
            int rows = lines.size() - first;
            if (rows <= 0) {
                throw new FormatProblem("no feature rows");
            }
            float[][] out = new float[rows][];
            int width = -1;
            for (int i = 0; i < rows; i++) {
                TextFile.Line line = lines.get(first + i);
                String[] f = TextFile.fields(line);
                if (width < 0) {
                    width = f.length;
                } else if (f.length != width) {
                    throw new FormatProblem("line " + line.number() + ": " + f.length + " values, but the first row has " + width);
                }
                float[] row = new float[width];
                for (int j = 0; j < width; j++) {
                    row[j] = TextFile.parseFinite(f[j], line, j);
                }
                out[i] = row;
            }
            return out;
        } catch (FormatProblem p) {
            throw p.in(file.toString());
        }
    }

    private static LabelRows readLabels(Path file) {
        List<TextFile.Line> lines = lines(file);
        try {
            int first = !lines.isEmpty() && TextFile.isHeader(lines.get(0)) ? 1 : 0;
            int rows = lines.size() - first;
            if (rows <= 0) {
                throw new FormatProblem("no labels");
            }
            int width = TextFile.fields(lines.get(first)).length;
            if (width >= 2) {
                return new LabelRows(new int[rows], readLabelMatrix(lines, first, width));
            }
            int[] out = new int[rows];
            for (int i = 0; i < rows; i++) {
                TextFile.Line line = lines.get(first + i);
                String[] f = TextFile.fields(line);
                if (f.length != 1) {
                    throw new FormatProblem("line " + line.number() + ": expected one label, found " + f.length + " fields");
                }
                long v = TextFile.parseInteger(f[0], line, "label");
                if (v < -1 || v > DataFiles.MAX_LABEL) {
                    throw new FormatProblem("line " + line.number() + ": label " + v + " out of range: labels must be in [0, "
                            + DataFiles.MAX_LABEL + "], or -1 for unlabelled");
                }
                out[i] = (int) v;
            }
            return new LabelRows(out, null);
        } catch (FormatProblem p) {
            throw p.in(file.toString());
        }
    }

    /** Rows of {@code width} 0/1 fields, one per node: the binary label matrix. */
    private static CsrMatrix readLabelMatrix(List<TextFile.Line> lines, int first, int width) {
        if (width > DataFiles.MAX_LABEL + 1) {
            throw new FormatProblem("line " + lines.get(first).number() + ": " + width + " label columns, more than the "
                    + (DataFiles.MAX_LABEL + 1) + " supported");
        }
        int rows = lines.size() - first;
        int[] ptr = new int[rows + 1];
        it.unimi.dsi.fastutil.ints.IntArrayList cols = new it.unimi.dsi.fastutil.ints.IntArrayList();
        for (int i = 0; i < rows; i++) {
            TextFile.Line line = lines.get(first + i);
            String[] f = TextFile.fields(line);
            if (f.length != width) {
                throw new FormatProblem("line " + line.number() + ": " + f.length + " label fields, but the first row has " + width
                        + " (multi-label rows hold one 0 or 1 per label)");
            }
            for (int j = 0; j < width; j++) {
                long v = TextFile.parseInteger(f[j], line, "label");
                if (v != 0 && v != 1) {
                    throw new FormatProblem("line " + line.number() + ": field " + (j + 1) + " is " + v
                            + "; multi-label rows hold 0 or 1 per label");
                }
                if (v == 1) {
                    cols.add(j);
                }
            }
            ptr[i + 1] = cols.size();
        }
        float[] ones = new float[cols.size()];
        Arrays.fill(ones, 1f);
        return new CsrMatrix(rows, width, ptr, cols.toIntArray(), ones);
    }

    private static List<TextFile.Line> lines(Path file) {
        byte[] bytes = DataFiles.read(file);
        try {
            return TextFile.lines(bytes);
        } catch (FormatProblem p) {
            throw p.in(file.toString());
        }
    }
}
