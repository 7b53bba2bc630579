package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.gmi.graph.Graph;
import org.gmi.graph.JsonReader;
import org.gmi.graph.NpzLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** gmi generate through the command line: the files, their determinism, and one-line refusals that leave nothing. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    private static String[] args(Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("generate", "--nodes", "500", "--avg-degree", "6", "--features", "40",
                "--classes", "4", "--seed", "3", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    @SuppressWarnings("unchecked")
    void writesALoadableGraphAndItsParameters() throws Exception {
        Path out = dir.resolve("g");
        Cli r = Cli.run(args(out, "--threads", "2"));
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("generate.json", "graph.npz"), files(out));
        assertTrue(r.out().startsWith("generated 500 nodes, 1500 undirected edges"), r.out());

        Graph g = NpzLoader.load(out.resolve("graph.npz"));
        assertEquals(500, g.numNodes());
        assertEquals(40, g.numFeatures());
        assertEquals(4, g.numClasses());
        assertEquals(1500, g.numUndirectedEdges());

        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("generate.json")));
        Map<String, Object> p = (Map<String, Object>) m.get("parameters");
        assertEquals(500.0, p.get("nodes"));
        assertEquals(3.0, p.get("seed"));
        assertEquals(0.7, p.get("homophily"));
        Map<String, Object> s = (Map<String, Object>) m.get("statistics");
        assertEquals(1500.0, s.get("undirected_edges"));
        assertEquals((double) g.features().nnz(), s.get("feature_nnz"));
        for (String k : List.of("avg_degree", "max_degree", "intra_class_edge_fraction")) {
            assertTrue(s.containsKey(k), k);
        }

        // the same seed on another thread count: the same bytes; an existing graph needs --force
        Path again = dir.resolve("again");
        assertEquals(0, Cli.run(args(again, "--threads", "1")).code());
        assertArrayEquals(Files.readAllBytes(out.resolve("graph.npz")), Files.readAllBytes(again.resolve("graph.npz")));
        Cli refused = Cli.run(args(out));
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("--force"), refused.err());
        assertEquals(0, Cli.run(args(out, "--force")).code());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--nodes|1|--nodes",
            "--avg-degree|0|--avg-degree",
            "--avg-degree|499|--avg-degree",
            "--classes|1|--classes",
            "--classes|501|--classes",
            "--features|0|--features",
            "--homophily|1.5|--homophily",
            "--feature-density|0|--feature-density",
            "--feature-signal|2|--feature-signal",
            "--power-law-exponent|1|--power-law-exponent",
            "--class-proportions|1,2|--class-proportions",
            "--class-proportions|1,2,0,1|--class-proportions",
            "--threads|0|--threads"})
    void aBadFlagIsOneLineExit2AndNothingWritten(String flag, String value, String named) throws Exception {
        Path out = dir.resolve("bad");
        Cli r = Cli.run(args(out, flag, value));
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).contains(named), r.toString());
        assertFalse(Files.exists(out), "output folder left behind");
    }

    private static List<String> files(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
