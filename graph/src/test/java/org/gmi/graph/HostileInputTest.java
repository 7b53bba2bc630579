package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad inputs: every one gives a {@link GraphFormatException} whose single-line message names the
 * file (and the line, entry or value where there is one) and says what is wrong.
 */
class HostileInputTest {

    private static GraphFormatException fails(Executable load, String file, String... words) {
        GraphFormatException e = assertThrows(GraphFormatException.class, load);
        TestData.assertNamesFile(e, file);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), () -> "message lacks '" + w + "': " + e.getMessage());
        }
        return e;
    }

    // ---- plain text folders (fixtures under testdata/hostile) ----

    @Test
    void nonTextBytes() {
        fails(() -> PlainLoader.load(TestData.hostile("binary_edges")), "edges.csv", "not a text file");
    }

    @Test
    void nanFeature() {
        fails(() -> PlainLoader.load(TestData.hostile("nan_feature")), "features.csv", "line 2", "column 1", "non-finite");
    }

    @Test
    void negativeNodeId() {
        fails(() -> PlainLoader.load(TestData.hostile("negative_id")), "edges.csv", "line 2", "negative node id -1");
    }

    @Test
    void nodeIdOutOfRange() {
        fails(() -> PlainLoader.load(TestData.hostile("out_of_range")), "edges.csv", "line 3", "node id 5", "out of range");
    }

    @Test
    void emptyEdgesFile() {
        fails(() -> PlainLoader.load(TestData.hostile("empty_edges")), "edges.csv", "no edges");
    }

    @Test
    void labelOutOfRange() {
        fails(() -> PlainLoader.load(TestData.hostile("bad_label")), "labels.csv", "line 2", "-2");
    }

    @Test
    void raggedFeatureRows() {
        fails(() -> PlainLoader.load(TestData.hostile("ragged_features")), "features.csv", "line 2");
    }

    @Test
    void moreHostileTextInputs(@TempDir Path dir) throws Exception {
        Path edges = dir.resolve("edges.csv");
        Files.writeString(edges, "0,1,2\n");
        fails(() -> PlainLoader.load(dir), "edges.csv", "line 1", "two node ids");
        Files.writeString(edges, "0,x\n");
        fails(() -> PlainLoader.load(dir), "edges.csv", "not an integer");
        Files.writeString(edges, "0,99999999999999999999\n");
        fails(() -> PlainLoader.load(dir), "edges.csv", "too large");
        Files.writeString(edges, "0,2000000000\n");
        fails(() -> PlainLoader.load(dir), "edges.csv", "maximum");
        Files.writeString(edges, "# only a comment\nsrc,dst\n");
        fails(() -> PlainLoader.load(dir), "edges.csv", "no edges");
        Files.writeString(edges, "0,1\n");
        Files.writeString(dir.resolve("features.csv"), "1,inf\n0,1\n");
        fails(() -> PlainLoader.load(dir), "features.csv", "non-finite");
        Files.writeString(dir.resolve("features.csv"), "1,1e39\n0,1\n");
        fails(() -> PlainLoader.load(dir), "features.csv", "overflows");
        Files.writeString(dir.resolve("features.csv"), "1,0\n0,1\n");
        Files.writeString(dir.resolve("labels.csv"), "0\n1\n1\n");
        fails(() -> PlainLoader.load(dir), "labels.csv", "3 labels", "2 rows");
        Files.writeString(dir.resolve("labels.csv"), "0\n70000\n");
        fails(() -> PlainLoader.load(dir), "labels.csv", "line 2", "70000", "out of range");
        Files.delete(edges);
        fails(() -> PlainLoader.load(dir), "edges.csv", "no such file");
    }

    // ---- Planetoid pickles ----

    @Test
    void truncatedPickle(@TempDir Path dir) throws Exception {
        TestData.copyBundled("cora", dir);
        Path allx = dir.resolve("ind.cora.allx");
        byte[] b = Files.readAllBytes(allx);
        Files.write(allx, Arrays.copyOf(b, b.length / 2));
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.allx", "truncated");
    }

    @Test
    void pickleOfTheWrongType(@TempDir Path dir) throws Exception {
        TestData.copyBundled("cora", dir);
        Files.copy(dir.resolve("ind.cora.y"), dir.resolve("ind.cora.x"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.x", "csr_matrix");
        TestData.copyBundled("cora", dir);
        Files.copy(dir.resolve("ind.cora.tx"), dir.resolve("ind.cora.y"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.y", "one-hot");
    }

    @Test
    void graphIdsOutOfRangeOrNegative(@TempDir Path dir) throws Exception {
        TestData.copyBundled("cora", dir);
        Path graph = dir.resolve("ind.cora.graph");
        Map<Integer, int[]> adj = new LinkedHashMap<>();
        adj.put(0, new int[] {1, 2});
        adj.put(1, new int[] {0, 99999});
        Files.write(graph, TestData.pickleGraph(adj));
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.graph", "99999", "out of range");
        adj.put(1, new int[] {0, -3});
        Files.write(graph, TestData.pickleGraph(adj));
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.graph", "negative node id -3");
        adj.clear();
        adj.put(5000, new int[] {0});
        Files.write(graph, TestData.pickleGraph(adj));
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.graph", "5000");
        // a well-formed small dict loads: 2 edges
        adj.clear();
        adj.put(0, new int[] {1});
        adj.put(1, new int[] {0, 2, 2});
        Files.write(graph, TestData.pickleGraph(adj));
        Graph g = PlanetoidLoader.load(dir);
        assertTrue(g.numUndirectedEdges() == 2, "edges: " + g.numUndirectedEdges());
    }

    @Test
    void testIndexThatIsNotText(@TempDir Path dir) throws Exception {
        TestData.copyBundled("cora", dir);
        Path idx = dir.resolve("ind.cora.test.index");
        Files.write(idx, new byte[] {'1', '7', '0', '8', '\n', 0, (byte) 0xff, '\n'});
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.test.index", "not a text file");
        Files.writeString(idx, "1708\n-4\n");
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.test.index", "negative");
        Files.writeString(idx, "1708\nabc\n");
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.test.index", "line 2");
        Files.writeString(idx, "17\n");
        fails(() -> PlanetoidLoader.load(dir), "ind.cora.tx", "1000 rows", "test.index has 1");
    }

    @Test
    void missingFolderAndFile(@TempDir Path dir) {
        fails(() -> PlanetoidLoader.load(dir.resolve("nope")), "nope", "no such folder");
        fails(() -> PlanetoidLoader.load(dir), dir.toString(), "no Planetoid files");
        fails(() -> NpzLoader.load(dir.resolve("nope.npz")), "nope.npz", "no such file");
    }

    // ---- .npz archives ----

    private static Map<String, byte[]> tinyGraphGallery() {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("adj_matrix.npy", TestData.npyFloat32(2, 2, 0, 1, 1, 0));
        e.put("node_attr.npy", TestData.npyFloat32(2, 1, 1, 2));
        e.put("node_label.npy", TestData.npyInt32(0, 1));
        return e;
    }

    @Test
    void wrongNpyMagic(@TempDir Path dir) throws Exception {
        Map<String, byte[]> e = tinyGraphGallery();
        Path f = dir.resolve("g.npz");
        TestData.writeNpz(f, e);
        NpzLoader.load(f); // the untouched archive loads
        byte[] adj = e.get("adj_matrix.npy");
        adj[1] = 'X';
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "g.npz", "adj_matrix.npy", "magic");
    }

    @Test
    void labelsOfTheWrongDtypeOrShape(@TempDir Path dir) throws Exception {
        Map<String, byte[]> e = tinyGraphGallery();
        Path f = dir.resolve("g.npz");
        e.put("node_label.npy", TestData.npyFloat32(1, 2, 0, 1));
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "node_label.npy", "expected integers");
        e.put("node_label.npy", TestData.npyInt32(0, 1, 1));
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "node_label.npy", "3 labels for 2 nodes");
        e.put("node_label.npy", TestData.npyInt32(0, -7));
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "node_label.npy", "-7", "out of range");
        e.put("node_label.npy", TestData.npyInt32(0, 1));
        e.put("node_attr.npy", TestData.npyFloat32(3, 1, 1, 2, 3));
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "g.npz", "3 rows for 2 nodes");
        e.put("node_attr.npy", TestData.npyFloat32(2, 1, 1, Float.NaN));
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "node_attr.npy", "non-finite", "row 1");
        e.put("node_attr.npy", TestData.npyFloat32(2, 1, 1, 2));
        e.put("adj_matrix.npy", TestData.npyFloat32(2, 3, 0, 1, 1, 0, 0, 0));
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "g.npz", "square");
    }

    @Test
    void emptyGraph(@TempDir Path dir) throws Exception {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("adj_matrix.npy", TestData.npyFloat32(0, 0));
        Path f = dir.resolve("empty.npz");
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "empty.npz", "empty graph");
    }

    @Test
    void truncatedPickleInsideAnObjectArray(@TempDir Path dir) throws Exception {
        byte[] pickle = Arrays.copyOf(TestData.hex("80037d710058010000006b71015d7102284b014b0265732e"), 12);
        Map<String, byte[]> e = tinyGraphGallery();
        e.put("adj_matrix.npy", Npy.write("|O", false, new long[0], pickle));
        Path f = dir.resolve("g.npz");
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "adj_matrix.npy", "truncated");
    }

    @Test
    void maliciousPickleInsideAnNpz(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Map<String, byte[]> e = tinyGraphGallery();
        e.put("node_attr.npy", Npy.write("|O", false, new long[0], PickleTest.osSystemPickle("posix", "touch " + marker)));
        Path f = dir.resolve("evil.npz");
        TestData.writeNpz(f, e);
        fails(() -> NpzLoader.load(f), "node_attr.npy", "posix.system");
        assertFalse(Files.exists(marker));
    }

    @Test
    void notAZipArchive(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("fake.npz");
        Files.write(f, "this is not a zip archive".getBytes(StandardCharsets.US_ASCII));
        fails(() -> NpzLoader.load(f), "fake.npz", "zip");
        TestData.writeNpz(f, Map.of("something.npy", TestData.npyInt32(1)));
        fails(() -> NpzLoader.load(f), "fake.npz", "adj_matrix.npy");
    }

    // ---- second round: files that are not regular, small files that expand, stray class ids ----

    private static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertTrue(mk.waitFor() == 0, "mkfifo " + p);
    }

    /** A FIFO would block the reader forever, /dev/zero never ends: both are refused before they are opened. */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void filesThatAreNotRegularAreRefusedUnread(@TempDir Path dir) throws Exception {
        Path plain = Files.createDirectory(dir.resolve("fifo"));
        mkfifo(plain.resolve("edges.csv"));
        fails(() -> PlainLoader.load(plain), "edges.csv", "is a FIFO (named pipe), not a regular file");
        fails(() -> Datasets.load(plain.toString()), "edges.csv", "FIFO");

        Path zero = Files.createDirectory(dir.resolve("zero"));
        Files.writeString(zero.resolve("edges.csv"), "0,1\n1,2\n");
        Files.createSymbolicLink(zero.resolve("features.csv"), Path.of("/dev/zero"));
        fails(() -> PlainLoader.load(zero), "features.csv", "is a character device, through a symbolic link");

        Path npz = dir.resolve("random.npz");
        Files.createSymbolicLink(npz, Path.of("/dev/urandom"));
        fails(() -> NpzLoader.load(npz), "random.npz", "character device");
        fails(() -> Datasets.load(npz.toString()), "random.npz", "character device");

        Path planetoid = Files.createDirectory(dir.resolve("planetoid"));
        for (String part : PlanetoidLoader.PARTS) {
            Files.copy(TestData.protocols("p2/ind.tiny." + part), planetoid.resolve("ind.tiny." + part));
        }
        Files.delete(planetoid.resolve("ind.tiny.graph"));
        mkfifo(planetoid.resolve("ind.tiny.graph"));
        fails(() -> PlanetoidLoader.load(planetoid), "ind.tiny.graph", "FIFO");
    }

    /** Protocol 2: {0: L, 1: L, ..., keys-1: L} with L = [0] * length memoised once: keys x length records. */
    private static byte[] sharedListGraph(int keys, int length) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0x80, 2, '}', '(', 'K', 0, ']', 'q', 1, '('});
        for (int k = 0; k < length; k++) {
            o.writeBytes(new byte[] {'K', 0});
        }
        o.write('e');
        for (int key = 1; key < keys; key++) {
            o.writeBytes(new byte[] {'M', (byte) key, (byte) (key >> 8), 'h', 1});
        }
        o.write('u');
        o.write('.');
        return o.toByteArray();
    }

    @Test
    void sharedNeighbourListsThatWouldExpandFarBeyondTheFileAreRefused(@TempDir Path dir) throws Exception {
        Path planetoid = Files.createDirectory(dir.resolve("planetoid"));
        for (String part : PlanetoidLoader.PARTS) {
            Files.copy(TestData.protocols("p2/ind.tiny." + part), planetoid.resolve("ind.tiny." + part));
        }
        // 540 keys sharing one list of 5000 ids: 2,700,000 records from a file of about 13 kB
        byte[] graph = sharedListGraph(540, 5000);
        Files.write(planetoid.resolve("ind.tiny.graph"), graph);
        fails(() -> PlanetoidLoader.load(planetoid), "ind.tiny.graph", "2700000 neighbour records",
                "a file of " + graph.length + " bytes", "refused");
        // the same sharing within the bound loads: 540 x 100 records
        Files.write(planetoid.resolve("ind.tiny.graph"), sharedListGraph(540, 100));
        Graph g = PlanetoidLoader.load(planetoid);
        assertTrue(g.adjacency().nnz() == 2 * 539 + 1, "node 0 linked to every node (and itself): " + g.adjacency().nnz());
    }

    @Test
    void aNodeIdFarBeyondTheEdgesIsRefused(@TempDir Path dir) throws Exception {
        Path tiny = Files.createDirectory(dir.resolve("tiny"));
        Files.writeString(tiny.resolve("edges.csv"), "0 99999999\n"); // 11 bytes naming 100 million nodes
        fails(() -> PlainLoader.load(tiny), "edges.csv", "line 1", "node id 99999999 implies 100000000 nodes",
                "at most 2", "features.csv or labels.csv");
        // a few isolated nodes beyond the edges are fine; labels.csv fixes N for more
        Files.writeString(tiny.resolve("edges.csv"), "0 5000\n");
        assertTrue(PlainLoader.load(tiny).numNodes() == 5001);
        Files.writeString(tiny.resolve("edges.csv"), "0 20000\n");
        fails(() -> PlainLoader.load(tiny), "edges.csv", "implies 20001 nodes");
        Files.writeString(tiny.resolve("labels.csv"), "0\n".repeat(20001));
        assertTrue(PlainLoader.load(tiny).numNodes() == 20001);
    }

    @Test
    void sparseClassIdsAreRenumberedToTheClassesPresentAndReported(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectory(dir.resolve("sparse"));
        StringBuilder edges = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            edges.append(i).append(' ').append((i + 1) % 80).append('\n');
            labels.append(i == 7 ? 65535 : i == 3 ? -1 : i % 2 * 4).append('\n'); // ids 0, 4 and 65535
        }
        Files.writeString(d.resolve("edges.csv"), edges);
        Files.writeString(d.resolve("labels.csv"), labels);
        Graph g = PlainLoader.load(d);
        assertTrue(g.numClasses() == 3, "classes: " + g.numClasses());
        assertTrue(g.labels()[0] == 0 && g.labels()[1] == 1 && g.labels()[3] == -1 && g.labels()[7] == 2,
                Arrays.toString(g.labels()));
        assertTrue(g.report().notes().contains("class ids renumbered to the 3 classes present (of ids 0..65535): 4 -> 1, 65535 -> 2"),
                g.report().notes().toString());
        // ids 0..C-1 all present: nothing renumbered, nothing reported
        Files.writeString(d.resolve("labels.csv"), "0\n1\n".repeat(40));
        Graph same = PlainLoader.load(d);
        assertTrue(same.numClasses() == 2 && same.report().notes().stream().noneMatch(n -> n.contains("renumbered")));
    }

    @Test
    void moreClassesThanTheProbeIsRunWithAreRefused(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectory(dir.resolve("many"));
        int n = ClassIds.MAX_CLASSES + 1;
        StringBuilder edges = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < n; i++) {
            edges.append(i).append(' ').append((i + 1) % n).append('\n');
            labels.append(i).append('\n');
        }
        Files.writeString(d.resolve("edges.csv"), edges);
        Files.writeString(d.resolve("labels.csv"), labels);
        fails(() -> PlainLoader.load(d), "labels.csv", n + " distinct classes", "more than the " + ClassIds.MAX_CLASSES);
    }
}
