package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.gmi.engine.Parallel;
import org.gmi.graph.Datasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input corpus ({@code src/test/resources/hostile/}, described in its README.md) through
 * the real command line: every case exits with 2, prints exactly one line on stderr that names the
 * file (or the dataset folder) at fault and says what is wrong, prints no stack trace and nothing on
 * stdout, and leaves nothing in --out. Malicious pickles (a GLOBAL {@code os system} or a
 * STACK_GLOBAL {@code subprocess call} followed by REDUCE, which would create a marker file) inside
 * a Planetoid folder and inside an .npz are refused and the marker never appears. Duplicated edges
 * and self loops are accepted and reported.
 */
class HostileCorpusTest {
    /** Each corpus case: the file its error line must name (relative to the case folder) and words it must contain. */
    private static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("bad_label", List.of("labels.csv", "line 2", "label -2 out of range"));
        EXPECTED.put("bad_token", List.of("edges.csv", "line 2", "'x' is not an integer"));
        EXPECTED.put("binary_edges", List.of("edges.csv", "not a text file"));
        EXPECTED.put("binary_features", List.of("features.csv", "not a text file"));
        EXPECTED.put("comment_only", List.of("edges.csv", "no edges"));
        EXPECTED.put("empty_edges", List.of("edges.csv", "no edges"));
        EXPECTED.put("huge_id", List.of("edges.csv", "line 2", "too large"));
        EXPECTED.put("inf_feature", List.of("features.csv", "line 2", "non-finite value 'inf'"));
        EXPECTED.put("label_count", List.of("labels.csv", "4 labels", "3 rows"));
        EXPECTED.put("label_too_large", List.of("labels.csv", "line 2", "70000 out of range"));
        EXPECTED.put("missing_edges", List.of("", "neither edges.csv nor Planetoid"));
        EXPECTED.put("nan_feature", List.of("features.csv", "line 2", "non-finite value 'nan'"));
        EXPECTED.put("negative_id", List.of("edges.csv", "line 2", "negative node id -1"));
        EXPECTED.put("out_of_range", List.of("edges.csv", "line 3", "node id 5 out of range"));
        EXPECTED.put("overflow_feature", List.of("features.csv", "line 2", "overflows a float"));
        EXPECTED.put("ragged_features", List.of("features.csv", "line 2", "2 values, but the first row has 3"));
        EXPECTED.put("ragged_labels", List.of("labels.csv", "line 2", "expected one label"));
        EXPECTED.put("single_node", List.of("", "1 node", "at least 2"));
        EXPECTED.put("three_columns", List.of("edges.csv", "line 1", "expected two node ids, found 3"));
        EXPECTED.put("npz_empty_graph", List.of("graph.npz", "empty graph"));
        EXPECTED.put("npz_float_labels", List.of("graph.npz[node_label.npy]", "expected integers"));
        EXPECTED.put("npz_label_shape", List.of("graph.npz[node_label.npy]", "2 labels for 3 nodes"));
        EXPECTED.put("npz_nan_attr", List.of("graph.npz[node_attr.npy]", "non-finite value NaN"));
        EXPECTED.put("npz_no_adjacency", List.of("graph.npz", "neither adj_matrix.npy"));
        EXPECTED.put("npz_not_a_zip", List.of("graph.npz", "not a valid .npz (zip) archive"));
        EXPECTED.put("npz_not_square", List.of("graph.npz", "must be square"));
        EXPECTED.put("npz_truncated", List.of("graph.npz", "not a valid .npz (zip) archive"));
        EXPECTED.put("npz_wrong_magic", List.of("graph.npz[adj_matrix.npy]", "wrong magic"));
        EXPECTED.put("planetoid_missing_files", List.of("ind.tiny.y", "no such file"));
        EXPECTED.put("planetoid_not_pickles", List.of("ind.tiny.x", "not a pickle"));
    }

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Path resource(String name) {
        try {
            return Path.of(HostileCorpusTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    static Stream<String> corpus() throws IOException {
        try (Stream<Path> cases = Files.list(resource("hostile"))) {
            return cases.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** The table above and the folders on disk agree: no case without an expectation, none missing. */
    @Test
    void everyCorpusCaseHasAnExpectation() throws IOException {
        assertEquals(new TreeSet<>(EXPECTED.keySet()), new TreeSet<>(corpus().toList()));
    }

    /** --dataset for a case: its .npz file where it holds one, else the folder. */
    private static Path datasetOf(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> npz = files.filter(p -> p.getFileName().toString().endsWith(".npz")).toList();
            return npz.size() == 1 ? npz.get(0) : folder;
        }
    }

    /** Runs gmi train on {@code dataset} into a new and into an existing empty --out; checks the one-line refusal. */
    private void assertRefused(Path dataset, String ctx, List<String> words) throws IOException {
        for (boolean outExists : new boolean[] {false, true}) {
            Path out = dir.resolve((outExists ? "existing-" : "new-") + ctx.replaceAll("[^A-Za-z0-9]", "_"));
            if (outExists) {
                Files.createDirectories(out);
            }
            Cli r = Cli.run("train", "--method", "gmi", "--dataset", dataset.toString(), "--out", out.toString(),
                    "--hidden", "8", "--epochs", "2", "--threads", "1");
            String c = ctx + (outExists ? " (--out exists)" : " (--out new)") + "\n" + r;
            assertEquals(2, r.code(), c);
            assertEquals(1, r.errLines().size(), "exactly one line on stderr: " + c);
            String line = r.errLines().get(0);
            assertTrue(line.startsWith("gmi: error: "), c);
            for (String w : words) {
                assertTrue(line.contains(w), "'" + w + "' in the error line: " + c);
            }
            assertFalse(line.contains("Exception") || line.contains("\tat ") || line.contains("internal error"), "no stack trace: " + c);
            assertTrue(r.out().isEmpty(), c);
            if (outExists) {
                try (Stream<Path> left = Files.list(out)) {
                    assertEquals(List.of(), left.toList(), "nothing left in --out: " + c);
                }
            } else {
                assertFalse(Files.exists(out), "a --out made for a refused run is removed again: " + c);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void corpusCaseIsRefusedWithOneLineNamingTheFile(String name) throws IOException {
        Path folder = resource("hostile/" + name);
        List<String> expected = EXPECTED.get(name);
        List<String> words = new ArrayList<>(expected.subList(1, expected.size()));
        words.add(0, expected.get(0).isEmpty() ? folder.toString() : folder.resolve(expected.get(0)).toString());
        assertRefused(datasetOf(folder), name, words);
    }

    @Test
    void duplicatedEdgesAndSelfLoopsAreAcceptedAndReported() throws IOException {
        Path out = dir.resolve("accepted");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", resource("accepted/duplicates_and_self_loops").toString(),
                "--out", out.toString(), "--hidden", "8", "--epochs", "2", "--threads", "1", "--no-eval");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("dataset duplicates_and_self_loops: 4 nodes, 4 edges"), r.err());
        assertTrue(r.err().contains("note: 2 duplicate edge records merged"), r.err());
        assertTrue(r.err().contains("note: 2 self loops kept in A"), r.err());
    }

    // ---- malicious pickles ----

    /** Protocol 2: GLOBAL 'MODULE system', the command, TUPLE1, REDUCE, STOP; what pickle.loads would run. */
    static byte[] globalReducePickle(String module, String function, String command) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(2);
        o.writeBytes(("c" + module + "\n" + function + "\n").getBytes(StandardCharsets.US_ASCII));
        byte[] cmd = command.getBytes(StandardCharsets.UTF_8);
        o.write('X'); // BINUNICODE, 4-byte little-endian length
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(cmd.length).array());
        o.writeBytes(cmd);
        o.write(0x85); // TUPLE1
        o.write('R'); // REDUCE
        o.write('.');
        return o.toByteArray();
    }

    /** Protocol 4: SHORT_BINUNICODE module, name, STACK_GLOBAL, then a list argument, TUPLE1, REDUCE. */
    static byte[] stackGlobalPickle(String module, String name, String... argv) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(4);
        for (String s : new String[] {module, name}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            o.write(0x8c);
            o.write(b.length);
            o.writeBytes(b);
        }
        o.write(0x93); // STACK_GLOBAL
        o.write(']'); // EMPTY_LIST
        o.write('(');  // MARK
        for (String s : argv) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            o.write(0x8c);
            o.write(b.length);
            o.writeBytes(b);
        }
        o.write('e'); // APPENDS
        o.write(0x85);
        o.write('R');
        o.write('.');
        return o.toByteArray();
    }

    /** A .npy 1.0 file: magic, version, a header padded to 64 bytes, then the data. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        header = header + " ".repeat(pad % 64) + "\n";
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        o.write(header.length() & 0xff);
        o.write(header.length() >> 8);
        o.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(data);
        return o.toByteArray();
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static void writeNpz(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    /** The bundled Cora's Planetoid files, copied into {@code folder}. */
    private static void copyBundledCora(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (String part : new String[] {"x", "y", "tx", "ty", "allx", "ally", "graph", "test.index"}) {
            try (InputStream in = Datasets.class.getResourceAsStream("data/ind.cora." + part)) {
                Files.write(folder.resolve("ind.cora." + part), in.readAllBytes());
            }
        }
    }

    @Test
    void maliciousPicklesInAPlanetoidFolderAreRefusedAndNothingRuns() throws IOException {
        Path marker = dir.resolve("pwned");
        String touch = "touch " + marker;
        record Evil(String file, byte[] pickle, String refusedName) {}
        List<Evil> cases = List.of(
                new Evil("ind.cora.x", globalReducePickle("os", "system", touch), "os.system"),
                new Evil("ind.cora.graph", globalReducePickle("posix", "system", touch), "posix.system"),
                new Evil("ind.cora.allx", stackGlobalPickle("subprocess", "call", "touch", marker.toString()), "subprocess.call"),
                new Evil("ind.cora.y", globalReducePickle("builtins", "eval", "__import__('os').system('" + touch + "')"),
                        "builtins.eval"));
        for (Evil e : cases) {
            Path folder = dir.resolve("planetoid-" + e.file());
            copyBundledCora(folder);
            Files.write(folder.resolve(e.file()), e.pickle());
            assertRefused(folder, "pickle in " + e.file(), List.of(folder.resolve(e.file()).toString(), e.refusedName(), "refused"));
            assertFalse(Files.exists(marker), "the marker file exists: the pickle in " + e.file() + " ran");
        }
    }

    @Test
    void maliciousPickleInAnNpzIsRefusedAndNothingRuns() throws IOException {
        Path marker = dir.resolve("pwned-npz");
        for (String entry : new String[] {"node_attr.npy", "adj_matrix.npy"}) {
            Map<String, byte[]> e = new LinkedHashMap<>();
            e.put("adj_matrix.npy", npy("<f4", "(2, 2)", floats(0, 1, 1, 0)));
            e.put("node_attr.npy", npy("<f4", "(2, 1)", floats(1, 2)));
            e.put("node_label.npy", npy("<i4", "(2,)", new byte[] {0, 0, 0, 0, 1, 0, 0, 0}));
            e.put(entry, npy("|O", "()", globalReducePickle("os", "system", "touch " + marker)));
            Path f = dir.resolve("evil-" + entry.replace('.', '_') + ".npz");
            writeNpz(f, e);
            assertRefused(f, "pickle in " + entry, List.of(f + "[" + entry + "]", "os.system", "refused"));
            assertFalse(Files.exists(marker), "the marker file exists: the pickle in " + entry + " ran");
        }
        // the same archive without the pickle trains: the refusal is the pickle's
        Map<String, byte[]> good = new LinkedHashMap<>();
        good.put("adj_matrix.npy", npy("<f4", "(2, 2)", floats(0, 1, 1, 0)));
        good.put("node_attr.npy", npy("<f4", "(2, 1)", floats(1, 2)));
        good.put("node_label.npy", npy("<i4", "(2,)", new byte[] {0, 0, 0, 0, 1, 0, 0, 0}));
        Path f = dir.resolve("good.npz");
        writeNpz(f, good);
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", f.toString(), "--out", dir.resolve("good-out").toString(),
                "--hidden", "8", "--epochs", "2", "--threads", "1", "--no-eval");
        assertEquals(0, r.code(), r.toString());
    }
}
