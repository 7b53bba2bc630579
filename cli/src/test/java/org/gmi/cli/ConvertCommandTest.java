package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.gmi.graph.BinaryGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code gmi convert}: a converted dataset trains to the same bits as the original (full batch and
 * minibatch), embeds to the same bits, and the command refuses what it must with one line.
 */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private Path convert(String dataset, String name) {
        Path out = dir.resolve(name);
        Cli r = Cli.run("convert", dataset, "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("converted " + dataset + ": "), r.out());
        return out;
    }

    private Path train(String dataset, String method, String run, String... extra) {
        Path out = dir.resolve(run);
        List<String> args = new ArrayList<>(List.of("train", "--method", method, "--dataset", dataset, "--epochs", "2",
                "--hidden", "16", "--threads", "2", "--no-eval", "--out", out.toString()));
        args.addAll(List.of(extra));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        return out;
    }

    @ParameterizedTest
    @CsvSource({"gmi, ''", "gmi, --batch-size 500", "dgi, --batch-size 700"})
    void aConvertedDatasetTrainsToTheSameBits(String method, String flags) throws Exception {
        Path bin = convert("citeseer", "citeseer-bin");
        String[] extra = flags.isEmpty() ? new String[0] : flags.split(" ");
        Path original = train("citeseer", method, "original", extra);
        Path converted = train(bin.toString(), method, "converted", extra);
        assertArrayEquals(Files.readAllBytes(original.resolve("embeddings.npy")), Files.readAllBytes(converted.resolve("embeddings.npy")));
        Path embedded = dir.resolve("embedded");
        Cli e = Cli.run("embed", "--model", converted.resolve("encoder.gmi").toString(), "--dataset", bin.toString(), "--threads", "2",
                "--out", embedded.toString());
        assertEquals(0, e.code(), e.toString());
        assertArrayEquals(Files.readAllBytes(original.resolve("embeddings.npy")), Files.readAllBytes(embedded.resolve("embeddings.npy")));
    }

    @Test
    void anEarlierConversionIsReplacedOnlyWithForce() throws Exception {
        Path out = convert("cora", "cora-bin");
        byte[] before = Files.readAllBytes(out.resolve(BinaryGraph.MANIFEST));
        Cli again = Cli.run("convert", "cora", "--out", out.toString());
        assertEquals(2, again.code(), again.toString());
        assertEquals(List.of("gmi: error: --out: '" + out + "' already holds adjacency.indptr.i64; pass --force to replace it or "
                + "choose another --out"), again.errLines());
        // a graph with a random split (written without split files) replaces one with a public split
        Path plain = dir.resolve("plain");
        Files.createDirectories(plain);
        Files.writeString(plain.resolve("edges.csv"), "0,1\n1,2\n2,3\n3,0\n");
        Cli forced = Cli.run("convert", plain.toString(), "--out", out.toString(), "--force");
        assertEquals(0, forced.code(), forced.toString());
        assertFalse(Files.exists(out.resolve("split.train.i32")), "the earlier conversion's split files are gone");
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(out.resolve(BinaryGraph.MANIFEST))));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(BinaryGraph.files(org.gmi.graph.Datasets.load(out.toString())).stream().sorted().toList(),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aDatasetThatDoesNotLoadLeavesNothing() throws Exception {
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("edges.csv"), "0,1\n1,x\n");
        Path out = dir.resolve("never");
        Cli r = Cli.run("convert", bad.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).contains("edges.csv") && r.errLines().get(0).contains("line 2"), r.toString());
        assertFalse(Files.exists(out));
    }
}
