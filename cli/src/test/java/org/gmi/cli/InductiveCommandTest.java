package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gmi.graph.JsonReader;
import org.gmi.models.Inductive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** gmi train --inductive and gmi eval --split through the command line. */
class InductiveCommandTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void anInductiveRunTestsOnUnseenNodesAndEvalReusesItsSplit() throws Exception {
        Path run = dir.resolve("run");
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", "cora", "--epochs", "3", "--hidden", "16", "--threads", "2",
                "--inductive", "0.7", "--out", run.toString());
        assertEquals(0, r.code(), r.toString());
        Map<String, Object> m = JsonReader.object(Files.readString(run.resolve("metrics.json")));
        Map<String, Object> inductive = (Map<String, Object>) m.get("inductive");
        assertEquals(1896.0, inductive.get("seen_nodes"));
        assertEquals(812.0, inductive.get("unseen_nodes"));
        assertEquals(2708.0, m.get("nodes"), "metrics describe the whole graph");

        Set<Integer> seen = new HashSet<>();
        for (int s : Inductive.seenNodes(2708, 0.7, 0)) {
            seen.add(s);
        }
        Map<String, Object> split = (Map<String, Object>) ((List<Object>) JsonReader.object(
                Files.readString(run.resolve("split.json"))).get("splits")).get(0);
        List<Double> test = (List<Double>) split.get("test");
        assertEquals(inductive.get("probe_test_unseen"), (double) test.size());
        assertTrue(test.stream().noneMatch(t -> seen.contains(t.intValue())), "every test node is unseen");
        assertTrue(((List<Double>) split.get("train")).stream().allMatch(t -> seen.contains(t.intValue())));
        // the embeddings hold every node, and gmi eval on the same split gives the run's accuracy
        Cli e = Cli.run("eval", "--embeddings", run.resolve("embeddings.npy").toString(), "--dataset", "cora",
                "--split", run.resolve("split.json").toString(), "--threads", "2");
        assertEquals(0, e.code(), e.toString());
        assertEquals(r.out(), e.out().replace("DGI on cora", "DGI on cora"), "same split, same probe, same line");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--inductive 1.5|--inductive must be a fraction strictly between 0 and 1, got 1.5",
        "--inductive 0.5 --protocol both|--inductive evaluates with the val protocol on one split",
        "--inductive 0.5 --splits 3|--inductive evaluates with the val protocol on one split",
        "--inductive 0.5 --checkpoint-every 2|--inductive: an inductive run has no checkpoints"})
    void badInductiveFlagsAreRefused(String flags, String message) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--method", "dgi", "--dataset", "cora", "--epochs", "1",
                "--out", dir.resolve("x").toString()));
        args.addAll(List.of(flags.split(" ")));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("gmi: error: " + message), r.err());
        assertFalse(Files.exists(dir.resolve("x").resolve("metrics.json")));
    }

    @Test
    void aSplitFileOfAnotherGraphIsRefused() throws Exception {
        Path bad = dir.resolve("split.json");
        Files.writeString(bad, "{\"nodes\": 3327, \"splits\": [{\"train\": [0], \"val\": [1], \"test\": [2]}]}");
        Path emb = dir.resolve("e.npy");
        org.gmi.graph.Npy.writeMatrix(emb, new org.gmi.engine.Matrix(2708, 4));
        Cli r = Cli.run("eval", "--embeddings", emb.toString(), "--dataset", "cora", "--split", bad.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("is the split of 3327 nodes; dataset cora has 2708"), r.err());
        Files.writeString(bad, "{\"nodes\": 2708, \"splits\": [{\"train\": [0], \"val\": [1], \"test\": [2708]}]}");
        r = Cli.run("eval", "--embeddings", emb.toString(), "--dataset", "cora", "--split", bad.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("'test' entry 0 is 2708.0, not a node id of cora (0 to 2707)"), r.err());
    }
}
