package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.gmi.engine.CsrMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled Planetoid datasets load to the statistics verified in SOURCES.md. */
class PlanetoidLoaderTest {
    private static Graph cora;
    private static Graph citeseer;

    @BeforeAll
    static void load() {
        cora = Datasets.load("cora");
        citeseer = Datasets.load("citeseer");
    }

    @Test
    void coraStatistics() {
        GraphStats s = GraphStats.of(cora);
        assertEquals("cora", cora.name());
        assertEquals(2708, s.nodes());
        assertEquals(5278, s.undirectedEdges());
        assertEquals(1433, s.features());
        assertEquals(7, s.classes());
        assertEquals(0, s.selfLoops());
        assertEquals(0, s.isolatedNodes());
        assertEquals(49216, s.featureNnz());
        assertArrayEquals(new int[] {351, 217, 418, 818, 426, 298, 180}, s.labelCounts());
        assertEquals(2708, s.labelled());
        assertEquals(151, cora.report().duplicateEdges());
        assertEquals(0, cora.report().selfLoops());
        assertEquals(140, cora.split().train().length);
        assertEquals(500, cora.split().val().length);
        assertEquals(1000, cora.split().test().length);
        assertEquals("planetoid-public", cora.split().kind());
        cora.adjacency().checkInvariants();
        cora.features().checkInvariants();
        for (float v : cora.features().values) {
            assertEquals(1f, v, "Cora features are binary");
        }
    }

    @Test
    void citeseerStatistics() {
        GraphStats s = GraphStats.of(citeseer);
        assertEquals(3327, s.nodes());
        assertEquals(4552, s.undirectedEdges());
        assertEquals(124, s.selfLoops());
        assertEquals(48, s.isolatedNodes());
        assertEquals(3703, s.features());
        assertEquals(6, s.classes());
        assertEquals(105165, s.featureNnz());
        assertArrayEquals(new int[] {249, 590, 668, 701, 596, 508}, s.labelCounts());
        assertEquals(3327 - 15, s.labelled());
        assertEquals(56, citeseer.report().duplicateEdges());
        assertEquals(124, citeseer.report().selfLoops());
        assertEquals(48, citeseer.report().isolatedNodes());
        assertTrue(citeseer.report().notes().stream().anyMatch(n -> n.startsWith("15 ids")), citeseer.report().notes().toString());
        assertEquals(120, citeseer.split().train().length);
        assertEquals(500, citeseer.split().val().length);
        assertEquals(1000, citeseer.split().test().length);
        assertEquals(citeseer.numUndirectedEdges(), s.undirectedEdges());
    }

    @Test
    void citeseerIdsMissingFromTestIndexHaveZeroFeaturesAndNoLabel() throws Exception {
        int[] test = citeseer.split().test();
        int missing = 0;
        for (int id = 2312; id < 3327; id++) {
            if (Arrays.binarySearch(test, id) < 0) {
                missing++;
                assertEquals(-1, citeseer.labels()[id], "node " + id);
                assertEquals(citeseer.features().rowPtr[id], citeseer.features().rowPtr[id + 1], "node " + id);
            }
        }
        assertEquals(15, missing);
    }

    /** Node test.index[k] gets row k of tx and of ty (GCN/PyG order), checked against the raw pickles. */
    @Test
    void testRowsGoToTheIdsOfTestIndex() throws Exception {
        CsrMatrix tx = ScipyCsr.from(Pickle.load(resource("ind.cora.tx"))).canonical();
        NdArray ty = (NdArray) Pickle.load(resource("ind.cora.ty"));
        int[] tyv = ty.ints();
        List<String> ids = new String(resource("ind.cora.test.index")).lines().toList();
        CsrMatrix f = cora.features();
        for (int k = 0; k < ids.size(); k += 37) {
            int node = Integer.parseInt(ids.get(k).strip());
            int[] expectedCols = Arrays.copyOfRange(tx.colIdx, tx.rowPtr[k], tx.rowPtr[k + 1]);
            int[] actualCols = Arrays.copyOfRange(f.colIdx, f.rowPtr[node], f.rowPtr[node + 1]);
            assertArrayEquals(expectedCols, actualCols, "tx row " + k + " -> node " + node);
            int label = -1;
            for (int c = 0; c < 7 && label < 0; c++) {
                label = tyv[k * 7 + c] == 1 ? c : -1;
            }
            assertEquals(label, cora.labels()[node], "ty row " + k + " -> node " + node);
        }
    }

    @Test
    void sharedFolderLoadsTheSameGraphAsTheBundledCopy() {
        Path folder = TestData.shared("planetoid");
        Graph g = PlanetoidLoader.load(folder, "cora");
        assertArrayEquals(cora.adjacency().rowPtr, g.adjacency().rowPtr);
        assertArrayEquals(cora.adjacency().colIdx, g.adjacency().colIdx);
        assertArrayEquals(cora.features().colIdx, g.features().colIdx);
        assertArrayEquals(cora.labels(), g.labels());
        assertEquals(List.of("citeseer", "cora"), PlanetoidLoader.namesIn(folder));
    }

    @Test
    void pubmedIncompleteFailsNamingTheMissingFile() {
        Path folder = TestData.shared("planetoid/pubmed_incomplete");
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> PlanetoidLoader.load(folder));
        TestData.assertNamesFile(e, "ind.pubmed.allx");
        GraphFormatException viaDatasets = assertThrows(GraphFormatException.class, () -> Datasets.load(folder.toString()));
        TestData.assertNamesFile(viaDatasets, "ind.pubmed.allx");
    }

    @Test
    void everyMissingPartIsNamed(@TempDir Path dir) throws Exception {
        TestData.copyBundled("cora", dir);
        for (String part : PlanetoidLoader.PARTS) {
            Path f = dir.resolve("ind.cora." + part);
            byte[] keep = Files.readAllBytes(f);
            Files.delete(f);
            GraphFormatException e = assertThrows(GraphFormatException.class, () -> PlanetoidLoader.load(dir, "cora"));
            TestData.assertNamesFile(e, "ind.cora." + part);
            Files.write(f, keep);
        }
        assertEquals(2708, PlanetoidLoader.load(dir).numNodes());
    }

    @Test
    void bundledFilesAreCheckedAgainstSourcesMd() throws Exception {
        assertEquals(16, Datasets.checksums().keySet().stream().filter(k -> !k.contains("pubmed")).count());
        byte[] x = resource("ind.cora.x");
        assertArrayEquals(x, Datasets.verifyBundled("ind.cora.x", x));
        byte[] damaged = x.clone();
        damaged[100] ^= 1;
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> Datasets.verifyBundled("ind.cora.x", damaged));
        TestData.assertNamesFile(e, "ind.cora.x");
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    }

    private static byte[] resource(String name) throws Exception {
        return Datasets.class.getResourceAsStream("data/" + name).readAllBytes();
    }

    /** One small Planetoid dataset pickled by Python in each protocol 0 to 5 loads to the same graph. */
    @Test
    void everyPickleProtocolGivesTheSameGraph() {
        Graph ref = PlanetoidLoader.load(TestData.protocols("p2"));
        assertEquals(540, ref.numNodes());
        assertEquals(6, ref.numFeatures());
        assertEquals(3, ref.numClasses());
        for (int protocol = 0; protocol <= 5; protocol++) {
            Graph g = PlanetoidLoader.load(TestData.protocols("p" + protocol));
            String ctx = "protocol " + protocol;
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref.adjacency().rowPtr, g.adjacency().rowPtr, ctx);
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref.adjacency().colIdx, g.adjacency().colIdx, ctx);
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref.features().rowPtr, g.features().rowPtr, ctx);
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref.features().colIdx, g.features().colIdx, ctx);
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref.features().values, g.features().values, ctx);
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref.labels(), g.labels(), ctx);
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref.split().test(), g.split().test(), ctx);
        }
    }
}
