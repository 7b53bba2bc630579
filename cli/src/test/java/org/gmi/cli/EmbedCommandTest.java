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
import org.gmi.graph.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** gmi embed through the command line: the training run's embeddings again, bit for bit, and its refusals. */
class EmbedCommandTest {
    @TempDir
    Path dir;

    private Path train(String method, String layers) {
        Path run = dir.resolve("run-" + method);
        Cli r = Cli.run("train", "--method", method, "--dataset", "cora", "--layers", layers, "--epochs", "2", "--hidden", "8",
                "--threads", "2", "--no-eval", "--out", run.toString());
        assertEquals(0, r.code(), r.toString());
        return run;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gmi:2", "dgi:1", "dgi:2"})
    @SuppressWarnings("unchecked")
    void embeddingTheTrainingGraphReproducesItsEmbeddingsBitForBit(String which) throws Exception {
        String[] mw = which.split(":");
        Path run = train(mw[0], mw[1]);
        Path out = dir.resolve("embedded");
        Cli r = Cli.run("embed", "--model", run.resolve("encoder.gmi").toString(), "--dataset", "cora", "--threads", "2",
                "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertArrayEquals(Files.readAllBytes(run.resolve("embeddings.npy")), Files.readAllBytes(out.resolve("embeddings.npy")));
        assertEquals(List.of("embed.json", "embeddings.npy"), files(out));
        assertTrue(r.out().startsWith("embedded 2708 nodes of cora with "), r.out());

        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("embed.json")));
        Map<String, Object> encoder = (Map<String, Object>) m.get("encoder");
        assertEquals(mw[0], encoder.get("method"));
        assertEquals(mw[1], encoder.get("layers"));
        assertEquals("1433", encoder.get("features"));
        assertEquals("cora", encoder.get("trained_on"));
        assertEquals(2708.0, m.get("nodes"));
        assertEquals(Map.of("file", "embeddings.npy", "dtype", "float32", "shape", List.of(2708.0, 8.0)), m.get("embeddings"));

        Map<String, Object> metrics = JsonReader.object(Files.readString(run.resolve("metrics.json")));
        assertEquals(Map.of("file", "encoder.gmi", "format_version", 1.0, "layers", Double.valueOf(mw[1]), "features", 1433.0,
                "hidden", 8.0), metrics.get("encoder"));
    }

    @Test
    void aGraphWithOtherFeatureColumnsIsRefusedLeavingNothing() {
        Path run = train("gmi", "1");
        Path out = dir.resolve("citeseer");
        Cli r = Cli.run("embed", "--model", run.resolve("encoder.gmi").toString(), "--dataset", "citeseer", "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("citeseer has 3703 feature columns") && r.err().contains("trained on 1433"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aDamagedEncoderFileOrEarlierOutputsAreRefused() throws Exception {
        Path run = train("dgi", "1");
        byte[] bytes = Files.readAllBytes(run.resolve("encoder.gmi"));
        bytes[bytes.length / 2] ^= 0x10;
        Path damaged = dir.resolve("damaged.gmi");
        Files.write(damaged, bytes);
        Path out = dir.resolve("out");
        Cli r = Cli.run("embed", "--model", damaged.toString(), "--dataset", "cora", "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("encoder file " + damaged + " is damaged: checksum mismatch"), r.err());
        assertFalse(Files.exists(out));

        Cli missing = Cli.run("embed", "--model", dir.resolve("none.gmi").toString(), "--dataset", "cora", "--out", out.toString());
        assertEquals(2, missing.code(), missing.toString());

        Cli first = Cli.run("embed", "--model", run.resolve("encoder.gmi").toString(), "--dataset", "cora", "--out", out.toString());
        assertEquals(0, first.code(), first.toString());
        Cli again = Cli.run("embed", "--model", run.resolve("encoder.gmi").toString(), "--dataset", "cora", "--out", out.toString());
        assertEquals(2, again.code(), again.toString());
        assertTrue(again.err().contains("--force"), again.err());
    }

    private static List<String> files(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
