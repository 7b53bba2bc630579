package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzLoaderTest {

    @Test
    void coauthorCsMatchesSourcesMd() {
        Graph g = NpzLoader.load(TestData.shared("npz/coauthor_cs/coauthor_cs.npz"));
        GraphStats s = GraphStats.of(g);
        assertEquals("coauthor_cs", g.name());
        assertEquals(18333, s.nodes());
        assertEquals(81894, s.undirectedEdges());
        assertEquals(6805, s.features());
        assertEquals(15, s.classes());
        assertEquals(1092079, s.featureNnz());
        assertEquals(0, s.isolatedNodes());
        assertEquals(0, s.selfLoops());
        assertArrayEquals(new int[] {708, 462, 2050, 429, 1394, 2193, 371, 924, 775, 118, 1444, 2033, 420, 4136, 876},
                s.labelCounts());
        assertEquals(0, g.report().duplicateEdges());
        g.adjacency().checkInvariants();
        g.features().checkInvariants();
        // default random split: 10 % / 10 % / 80 % of 18333 labelled nodes
        assertEquals(1833, g.split().train().length);
        assertEquals(1833, g.split().val().length);
        assertEquals(18333 - 2 * 1833, g.split().test().length);
    }

    @Test
    void amazonPhotoMatchesSourcesMd() {
        Graph g = NpzLoader.load(TestData.shared("npz/amazon_photo/amazon_photo.npz"), new SplitOptions(0.2, 0.1, 5));
        GraphStats s = GraphStats.of(g);
        assertEquals("amazon_photo", g.name());
        assertEquals(7650, s.nodes());
        assertEquals(119081, s.undirectedEdges());
        assertEquals(745, s.features());
        assertEquals(8, s.classes());
        assertEquals(1979909, s.featureNnz());
        assertEquals(115, s.isolatedNodes());
        assertEquals(1, s.selfLoops());
        assertArrayEquals(new int[] {369, 1686, 703, 915, 882, 823, 1941, 331}, s.labelCounts());
        assertEquals(0, g.report().duplicateEdges());
        // stored 143663 entries, 24581 pairs both ways: 119081 - 24581 edges were stored one way
        assertTrue(g.report().notes().stream().anyMatch(n -> n.contains("94500 of 119081")), g.report().notes().toString());
        assertEquals(1530, g.split().train().length);
        assertEquals("random(seed=5, 0.2/0.1/0.7)", g.split().kind());
        // symmetrised
        assertArrayEquals(g.adjacency().colIdx, g.adjacency().transpose().colIdx);
    }

    private static byte[] int64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return Npy.write("<i8", false, new long[] {v.length}, b.array());
    }

    @Test
    void gnnBenchmarkLayoutWithDirectedEdgesAndInt64Labels(@TempDir Path dir) throws Exception {
        // 4 nodes; stored edges 0->1, 1->0, 1->2, 3->3 (a loop); features 4x2 CSR with an unsorted row
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("adj_data.npy", float1d(1, 1, 1, 1));
        e.put("adj_indices.npy", TestData.npyInt32(1, 0, 2, 3));
        e.put("adj_indptr.npy", TestData.npyInt32(0, 1, 3, 3, 4));
        e.put("adj_shape.npy", TestData.npyInt32(4, 4));
        e.put("attr_data.npy", float1d(2, 5, 7));
        e.put("attr_indices.npy", TestData.npyInt32(1, 0, 1));
        e.put("attr_indptr.npy", TestData.npyInt32(0, 2, 2, 3, 3));
        e.put("attr_shape.npy", TestData.npyInt32(4, 2));
        e.put("labels.npy", int64(1, 0, -1, 2));
        e.put("metadata.npy", new byte[] {1, 2, 3}); // never read
        Path f = dir.resolve("tiny.npz");
        TestData.writeNpz(f, e);
        Graph g = NpzLoader.load(f);
        assertEquals("tiny", g.name());
        assertArrayEquals(new int[] {0, 1, 3, 4, 5}, g.adjacency().rowPtr);
        assertArrayEquals(new int[] {1, 0, 2, 1, 3}, g.adjacency().colIdx);
        assertArrayEquals(new float[] {5, 2, 0, 0, 0, 7, 0, 0}, g.features().toDense().data);
        assertArrayEquals(new int[] {1, 0, -1, 2}, g.labels());
        assertEquals(3, g.numClasses());
        assertEquals(1, g.report().selfLoops());
    }

    private static byte[] float1d(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return Npy.write("<f4", false, new long[] {v.length}, b.array());
    }

    @Test
    void denseGraphGalleryArraysAndFortranOrder(@TempDir Path dir) throws Exception {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("adj_matrix.npy", TestData.npyFloat32(3, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0)); // 0->1, 1->2
        // node_attr 3x2 stored column-major: rows (1,2), (3,4), (5,6)
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
        for (float v : new float[] {1, 3, 5, 2, 4, 6}) {
            b.putFloat(v);
        }
        e.put("node_attr.npy", Npy.write(">f4", true, new long[] {3, 2}, b.array()));
        e.put("node_label.npy", TestData.npyInt32(0, 1, 1));
        Path f = dir.resolve("dense.npz");
        TestData.writeNpz(f, e);
        Graph g = NpzLoader.load(f);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, g.features().toDense().data);
        assertEquals(2, g.numUndirectedEdges());
        assertEquals(2, g.numClasses());
    }

    @Test
    void npyHeaderVersionsAndByteCounts() {
        byte[] ok = TestData.npyInt32(5, 6, 7);
        assertArrayEquals(new int[] {5, 6, 7}, Npy.read(ok).ints());
        byte[] shortData = java.util.Arrays.copyOf(ok, ok.length - 2);
        assertTrue(assertThrows(FormatProblem.class, () -> Npy.read(shortData)).getMessage().contains("truncated"));
        byte[] badVersion = ok.clone();
        badVersion[6] = 9;
        assertTrue(assertThrows(FormatProblem.class, () -> Npy.read(badVersion)).getMessage().contains("version"));
        byte[] structured = Npy.write("<i4", false, new long[] {1}, new byte[4]);
        String h = new String(structured, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("'descr': '<i4'", "'descr': [('a','<i4')]");
        assertThrows(FormatProblem.class, () -> Npy.read(h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    }
}
