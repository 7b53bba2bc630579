package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-label labels.csv (one 0 or 1 per label on every row): read, written back, and refused when malformed. */
class MultiLabelFormatTest {
    @TempDir
    Path dir;

    private Path folder(String labels) throws Exception {
        Path f = Files.createDirectories(dir.resolve("g"));
        Files.writeString(f.resolve("edges.csv"), "src,dst\n0,1\n1,2\n2,3\n3,0\n");
        Files.writeString(f.resolve("labels.csv"), labels);
        return f;
    }

    @Test
    void rowsOfZerosAndOnesAreALabelMatrix() throws Exception {
        Graph g = PlainLoader.load(folder("a,b,c\n1,0,1\n0,0,0\n0,1,0\n1,1,1\n"));
        assertTrue(g.isMultiLabel());
        assertEquals(3, g.numClasses());
        assertEquals(4, g.labelMatrix().rows);
        assertArrayEquals(new int[] {0, 2, 2, 3, 6}, g.labelMatrix().rowPtr);
        assertArrayEquals(new int[] {0, 2, 1, 0, 1, 2}, g.labelMatrix().colIdx);
        assertArrayEquals(new int[] {0, 0, 0, 0}, g.labels(), "every node labelled");
        assertTrue(g.report().notes().stream().anyMatch(n -> n.contains("3 labels per node (multi-label), 6 held")), g.report().notes().toString());

        // written back in the same format, read again the same
        Path out = dir.resolve("again");
        PlainWriter.write(g, out);
        assertEquals("1,0,1\n0,0,0\n0,1,0\n1,1,1\n", Files.readString(out.resolve("labels.csv")));
        Graph h = PlainLoader.load(out);
        assertArrayEquals(g.labelMatrix().colIdx, h.labelMatrix().colIdx);
        assertArrayEquals(g.labelMatrix().rowPtr, h.labelMatrix().rowPtr);

        // the subgraph of some nodes keeps their label rows
        Graph sub = g.induced(new int[] {3, 0});
        assertArrayEquals(new int[] {0, 3, 5}, sub.labelMatrix().rowPtr);
        assertArrayEquals(new int[] {0, 1, 2, 0, 2}, sub.labelMatrix().colIdx);
    }

    /** A .npz whose 2-D labels give some node two or more labels is multi-label; one 1 per row stays one-hot classes. */
    @Test
    void npzLabelRowsWithSeveralOnesAreALabelMatrix() throws Exception {
        for (boolean multi : new boolean[] {true, false}) {
            java.util.Map<String, byte[]> e = new java.util.LinkedHashMap<>();
            e.put("adj_matrix.npy", TestData.npyFloat32(3, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * 6).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int v : multi ? new int[] {1, 1, 0, 1, 0, 0} : new int[] {1, 0, 0, 1, 0, 1}) {
                b.putInt(v);
            }
            e.put("node_label.npy", Npy.write("<i4", false, new long[] {3, 2}, b.array()));
            Path f = dir.resolve(multi + ".npz");
            TestData.writeNpz(f, e);
            Graph g = NpzLoader.load(f);
            assertEquals(multi, g.isMultiLabel());
            assertEquals(2, g.numClasses());
            if (multi) {
                assertArrayEquals(new int[] {0, 2, 3, 3}, g.labelMatrix().rowPtr);
                assertArrayEquals(new int[] {0, 1, 1}, g.labelMatrix().colIdx);
            } else {
                assertArrayEquals(new int[] {0, 1, 1}, g.labels());
            }
        }
    }

    @Test
    void oneFieldPerRowStaysSingleLabel() throws Exception {
        Graph g = PlainLoader.load(folder("0\n1\n1\n0\n"));
        assertFalse(g.isMultiLabel());
        assertEquals(2, g.numClasses());
    }

    @Test
    void malformedRowsAreRefusedNamingFileAndLine() throws Exception {
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> PlainLoader.load(folder("1,0,1\n0,1\n0,0,0\n1,1,1\n")));
        assertTrue(e.getMessage().endsWith("labels.csv: line 2: 2 label fields, but the first row has 3 (multi-label rows hold one 0 or 1 per label)"),
                e.getMessage());
        e = assertThrows(GraphFormatException.class, () -> PlainLoader.load(folder("1,0\n0,2\n0,0\n1,1\n")));
        assertTrue(e.getMessage().endsWith("labels.csv: line 2: field 2 is 2; multi-label rows hold 0 or 1 per label"), e.getMessage());
        e = assertThrows(GraphFormatException.class, () -> PlainLoader.load(folder("1,0\n0,1\n-1,0\n1,1\n")));
        assertTrue(e.getMessage().contains("line 3: field 1 is -1"), e.getMessage());
        e = assertThrows(GraphFormatException.class, () -> PlainLoader.load(folder("1,0\n0,1\n0,0\n")));
        assertTrue(e.getMessage().contains("edges.csv: line 4: node id 3 out of range: labels.csv has 3 rows"), e.getMessage());
    }
}
