package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @Test
    void bundledNamesAreCaseInsensitive() {
        assertEquals(List.of("cora", "citeseer"), Datasets.bundled());
        Graph g = Datasets.load("CoRa");
        assertEquals("cora", g.name());
        assertTrue(g.report().source().contains("bundled"), g.report().source());
    }

    @Test
    void unknownNameListsWhatIsAccepted() {
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> Datasets.load("pubmedd"));
        String m = e.getMessage();
        assertTrue(m.contains("'pubmedd'") && m.contains("cora") && m.contains("citeseer") && m.contains(".npz")
                && m.contains("edges.csv") && m.contains("Planetoid") && m.contains("pubmed, amazon-computers"), m);
        assertThrows(GraphFormatException.class, () -> Datasets.loadBundled("pubmed"));
    }

    @Test
    void pathsPickTheirLoader(@TempDir Path dir) throws Exception {
        // a folder of Planetoid files
        Path planetoid = Files.createDirectory(dir.resolve("raw"));
        TestData.copyBundled("cora", planetoid);
        assertEquals("cora", Datasets.load(planetoid.toString()).name());
        // folder/ind.NAME picks one of several
        TestData.copyBundled("citeseer", planetoid);
        assertThrows(GraphFormatException.class, () -> Datasets.load(planetoid.toString()));
        assertEquals(3327, Datasets.load(planetoid.resolve("ind.citeseer").toString()).numNodes());
        // a plain folder
        Path plain = Files.createDirectory(dir.resolve("karate"));
        Files.writeString(plain.resolve("edges.csv"), "0,1\n1,2\n");
        Graph g = Datasets.load(plain.toString(), new SplitOptions(0.3, 0.3, 1));
        assertEquals("karate", g.name());
        assertEquals(3, g.numNodes());
        // a folder with neither
        Path empty = Files.createDirectory(dir.resolve("empty"));
        TestData.assertNamesFile(assertThrows(GraphFormatException.class, () -> Datasets.load(empty.toString())),
                empty.toString());
        // a file that is not .npz
        Path txt = Files.writeString(dir.resolve("notes.txt"), "hello");
        TestData.assertNamesFile(assertThrows(GraphFormatException.class, () -> Datasets.load(txt.toString())), "notes.txt");
    }

    /** A folder holding one .npz (as gmi generate writes DIR/graph.npz) loads it; two are refused, named. */
    @Test
    void aFolderOfOneNpzLoadsIt(@TempDir Path dir) throws Exception {
        Path npz = TestData.shared("npz/coauthor_cs/coauthor_cs.npz");
        Path folder = Files.createDirectory(dir.resolve("cs"));
        Files.copy(npz, folder.resolve("coauthor_cs.npz"));
        SplitOptions opts = new SplitOptions(0.05, 0.05, 9);
        Graph direct = Datasets.load(npz.toString(), opts);
        Graph viaFolder = Datasets.load(folder.toString(), opts);
        assertEquals(direct.numNodes(), viaFolder.numNodes());
        assertEquals(direct.numUndirectedEdges(), viaFolder.numUndirectedEdges());
        assertArrayEquals(direct.split().train(), viaFolder.split().train());
        Files.copy(npz, folder.resolve("again.npz"));
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> Datasets.load(folder.toString(), opts));
        assertTrue(e.getMessage().contains("holds 2 .npz files (again.npz, coauthor_cs.npz)"), e.getMessage());
    }

    @Test
    void npzPathUsesTheSplitOptions() {
        Path npz = TestData.shared("npz/coauthor_cs/coauthor_cs.npz");
        Graph g = Datasets.load(npz.toString(), new SplitOptions(0.05, 0.05, 9));
        assertEquals("coauthor_cs", g.name());
        assertEquals(917, g.split().train().length); // round(0.05 * 18333)
        assertEquals("random(seed=9, 0.05/0.05/0.9)", g.split().kind());
    }
}
