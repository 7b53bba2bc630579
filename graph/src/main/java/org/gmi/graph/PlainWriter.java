package org.gmi.graph;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gmi.engine.CsrMatrix;

/**
 * Writes a {@link Graph} in the format {@link PlainLoader} reads: {@code edges.csv} (a
 * {@code src,dst} header, each undirected edge once with src <= dst, loops once),
 * {@code features.csv} (dense rows; skipped when the features are the N x N identity, which the
 * loader recreates) and {@code labels.csv} (one label per node, -1 unlabelled; on multi-label data one
 * 0 or 1 per label). Floats are written
 * with {@link Float#toString} so they read back exactly. The split is not written.
 */
public final class PlainWriter {
    private PlainWriter() {}

    /** Writes into {@code folder} (created if needed), replacing files of the same names. */
    public static void write(Graph g, Path folder) {
        try {
            Files.createDirectories(folder);
            writeEdges(g.adjacency(), folder.resolve(PlainLoader.EDGES));
            Path features = folder.resolve(PlainLoader.FEATURES);
            if (isIdentity(g.features())) {
                Files.deleteIfExists(features);
            } else {
                writeFeatures(g.features(), features);
            }
            try (BufferedWriter w = Files.newBufferedWriter(folder.resolve(PlainLoader.LABELS), StandardCharsets.UTF_8)) {
                if (g.isMultiLabel()) {
                    // one 0 or 1 per label, a row per node
                    CsrMatrix m = g.labelMatrix();
                    char[] row = new char[2 * m.cols];
                    for (int i = 0; i < m.rows; i++) {
                        for (int j = 0; j < m.cols; j++) {
                            row[2 * j] = '0';
                            row[2 * j + 1] = j == m.cols - 1 ? '\n' : ',';
                        }
                        for (int e = m.rowPtr[i]; e < m.rowPtr[i + 1]; e++) {
                            row[2 * m.colIdx[e]] = '1';
                        }
                        w.write(row);
                    }
                } else {
                    for (int l : g.labels()) {
                        w.write(Integer.toString(l));
                        w.write('\n');
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write graph to " + folder + ": " + DataFiles.oneLine(e), e);
        }
    }

    private static void writeEdges(CsrMatrix a, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("src,dst\n");
            for (int i = 0; i < a.rows; i++) {
                for (int k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
                    int j = a.colIdx[k];
                    if (j >= i) {
                        w.write(i + "," + j + "\n");
                    }
                }
            }
        }
    }

    private static void writeFeatures(CsrMatrix x, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < x.rows; i++) {
                row.setLength(0);
                int k = x.rowPtr[i];
                for (int j = 0; j < x.cols; j++) {
                    if (j > 0) {
                        row.append(',');
                    }
                    if (k < x.rowPtr[i + 1] && x.colIdx[k] == j) {
                        float v = x.values[k++];
                        row.append(v == 0 ? "0" : Float.toString(v));
                    } else {
                        row.append('0');
                    }
                }
                w.write(row.append('\n').toString());
            }
        }
    }

    private static boolean isIdentity(CsrMatrix x) {
        if (x.rows != x.cols || x.nnz() != x.rows) {
            return false;
        }
        for (int i = 0; i < x.rows; i++) {
            if (x.rowPtr[i] != i || x.colIdx[i] != i || x.values[i] != 1f) {
                return false;
            }
        }
        return true;
    }
}
