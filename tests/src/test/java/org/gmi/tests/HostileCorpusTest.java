package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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
import java.time.Duration;
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
import org.gmi.models.Checkpoint;
import org.gmi.models.TrainState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input corpus ({@code testdata/hostile/}, described in its README.md) through
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
        EXPECTED.put("huge_sparse_id", List.of("edges.csv", "line 1", "node id 99999999 implies 100000000 nodes",
                "names at most 2"));
        EXPECTED.put("inf_feature", List.of("features.csv", "line 2", "non-finite value 'inf'"));
        EXPECTED.put("label_count", List.of("labels.csv", "4 labels", "3 rows"));
        EXPECTED.put("label_too_large", List.of("labels.csv", "line 2", "70000 out of range"));
        EXPECTED.put("layout_asymmetric", List.of("adjacency.indices.i32", "the edge 3 -> 1 has no reverse"));
        EXPECTED.put("layout_bad_checksum", List.of("features.values.f32", "CRC-32", "convert the dataset again"));
        EXPECTED.put("layout_column_out_of_range", List.of("adjacency.indices.i32", "row 0", "column 7, outside [0, 4)"));
        EXPECTED.put("layout_huge_claim", List.of("adjacency.indptr.i64", "40 bytes", "2000000001 64-bit values"));
        EXPECTED.put("layout_nan_feature", List.of("features.values.f32", "row 1", "non-finite value NaN"));
        EXPECTED.put("layout_offsets_decrease", List.of("features.indptr.i64", "offset 2 is 1", "never decrease"));
        EXPECTED.put("layout_split_overlap", List.of("split.test.i32", "node 1", "another part of the split"));
        EXPECTED.put("layout_truncated", List.of("adjacency.indices.i32", "21 bytes", "6 32-bit values"));
        EXPECTED.put("layout_wrong_version", List.of("graph.json", "layout version 9", "reads version 1"));
        EXPECTED.put("missing_edges", List.of("", "neither edges.csv, nor Planetoid"));
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
            Cli r = bounded(ctx, () -> Cli.run("train", "--method", "gmi", "--dataset", dataset.toString(), "--out",
                    out.toString(), "--hidden", "8", "--epochs", "2", "--threads", "1"));
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

    /** Most seconds one hostile case may take: refusals come before any reading or allocating that could take long. */
    static final int CASE_SECONDS = 10;

    /** Runs one case in its own thread, failing it (instead of hanging the suite) past {@link #CASE_SECONDS}. */
    static Cli bounded(String ctx, org.junit.jupiter.api.function.ThrowingSupplier<Cli> run) {
        return assertTimeoutPreemptively(Duration.ofSeconds(CASE_SECONDS), run, ctx + ": took over " + CASE_SECONDS + " s");
    }

    /** One line on stderr, exit 2, the words in it, no stack trace, nothing on stdout. */
    static void assertOneLineExit2(Cli r, String ctx, String... words) {
        assertEquals(2, r.code(), ctx + "\n" + r);
        assertEquals(1, r.errLines().size(), "exactly one line on stderr: " + ctx + "\n" + r);
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("gmi: error: "), ctx + "\n" + r);
        for (String w : words) {
            assertTrue(line.contains(w), "'" + w + "' in the error line: " + ctx + "\n" + r);
        }
        assertFalse(line.contains("Exception") || line.contains("internal error"), "no stack trace: " + ctx + "\n" + r);
        assertTrue(r.out().isEmpty(), ctx + "\n" + r);
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
                        "builtins.eval"),
                // protocol 0, no header: GLOBAL, a quoted STRING argument, TUPLE, REDUCE
                new Evil("ind.cora.ty", ("cos\nsystem\n(S'" + touch + "'\ntR.").getBytes(StandardCharsets.ISO_8859_1),
                        "os.system"));
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

    // ---- second round, built by the test: files that are not regular, small files that expand,
    //      runs that collide, state that lies, stray class ids, current pickles ----

    private static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor(), "mkfifo " + p);
    }

    /** A graph folder of {@code n} nodes on a ring, labels i % 2: small and valid. */
    private Path ring(String name, int n) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        StringBuilder edges = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < n; i++) {
            edges.append(i).append(',').append((i + 1) % n).append('\n');
            labels.append(i % 2).append('\n');
        }
        Files.writeString(folder.resolve("edges.csv"), edges);
        Files.writeString(folder.resolve("labels.csv"), labels);
        return folder;
    }

    /** Class 1: a FIFO hangs a reader, a device never ends: every reader refuses them unread. */
    @Test
    void filesThatAreNotRegularAreRefusedAtOnce() throws Exception {
        Path fifo = Files.createDirectories(dir.resolve("fifo"));
        mkfifo(fifo.resolve("edges.csv"));
        assertRefused(fifo, "fifo edges.csv", List.of(fifo.resolve("edges.csv").toString(), "is a FIFO (named pipe), not a regular file"));

        Path zero = ring("zero", 6);
        Files.createSymbolicLink(zero.resolve("features.csv"), Path.of("/dev/zero"));
        assertRefused(zero, "features.csv -> /dev/zero", List.of(zero.resolve("features.csv").toString(),
                "is a character device, through a symbolic link"));

        Path urandom = dir.resolve("urandom.npz");
        Files.createSymbolicLink(urandom, Path.of("/dev/urandom"));
        assertRefused(urandom, "x.npz -> /dev/urandom", List.of(urandom.toString(), "character device"));

        Path planetoid = dir.resolve("planetoid-fifo");
        copyBundledCora(planetoid);
        Files.delete(planetoid.resolve("ind.cora.graph"));
        mkfifo(planetoid.resolve("ind.cora.graph"));
        assertRefused(planetoid, "fifo ind.cora.graph", List.of(planetoid.resolve("ind.cora.graph").toString(), "FIFO"));

        Path embeddings = dir.resolve("embeddings.npy");
        mkfifo(embeddings);
        Cli r = bounded("eval fifo", () -> Cli.run("eval", "--embeddings", embeddings.toString(), "--dataset", zero.toString()));
        assertOneLineExit2(r, "eval of a FIFO", "--embeddings: " + embeddings + ": is a FIFO");

        Path resume = Files.createDirectories(dir.resolve("resume-fifo").resolve(Checkpoint.FOLDER)).getParent();
        mkfifo(Checkpoint.file(resume.resolve(Checkpoint.FOLDER)));
        r = bounded("resume fifo", () -> Cli.run("train", "--resume", resume.toString()));
        assertOneLineExit2(r, "resume from a FIFO", Checkpoint.file(resume.resolve(Checkpoint.FOLDER)) + ": is a FIFO");
    }

    // a .npz written by hand: one deflated entry whose stream is built from repeated blocks, so an
    // archive of about a MiB inflates to a GiB without this test ever compressing a GiB

    private static byte[] deflate(java.util.zip.Deflater d, byte[] in, int flush) {
        d.setInput(in);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (true) {
            int n = d.deflate(buf, 0, buf.length, flush);
            o.write(buf, 0, n);
            if (n < buf.length && d.needsInput()) {
                return o.toByteArray();
            }
        }
    }

    /**
     * Writes {@code file}, a zip of one deflated entry {@code name}: {@code head} then {@code mib} MiB
     * of zeros; the central directory records {@code recordedSize} as its size (-1: the true size).
     */
    static void writeZeroBomb(Path file, String name, byte[] head, int mib, long recordedSize) throws IOException {
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(deflate(d, head, java.util.zip.Deflater.SYNC_FLUSH));
        byte[] first = deflate(d, zeros, java.util.zip.Deflater.SYNC_FLUSH);
        byte[] steady = deflate(d, zeros, java.util.zip.Deflater.SYNC_FLUSH);
        assertTrue(java.util.Arrays.equals(steady, deflate(d, zeros, java.util.zip.Deflater.SYNC_FLUSH)),
                "a MiB of zeros after zeros deflates to the same block each time");
        stream.writeBytes(first);
        for (int k = 1; k < mib; k++) {
            stream.writeBytes(steady);
        }
        d.finish();
        byte[] end = new byte[64];
        stream.write(end, 0, d.deflate(end));
        d.end();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(head);
        for (int k = 0; k < mib; k++) {
            crc.update(zeros);
        }
        long size = head.length + ((long) mib << 20);
        byte[] data = stream.toByteArray();
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        long recorded = recordedSize < 0 ? size : recordedSize;
        ByteBuffer local = ByteBuffer.allocate(30 + n.length).order(ByteOrder.LITTLE_ENDIAN);
        local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putShort((short) 0)
                .putShort((short) 0x21).putInt((int) crc.getValue()).putInt(data.length).putInt((int) recorded)
                .putShort((short) n.length).putShort((short) 0).put(n);
        ByteBuffer central = ByteBuffer.allocate(46 + n.length).order(ByteOrder.LITTLE_ENDIAN);
        central.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8)
                .putShort((short) 0).putShort((short) 0x21).putInt((int) crc.getValue()).putInt(data.length)
                .putInt((int) recorded).putShort((short) n.length).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(n);
        ByteBuffer eocd = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(central.capacity()).putInt(local.capacity() + data.length).putShort((short) 0);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(local.array());
            out.write(data);
            out.write(central.array());
            out.write(eocd.array());
        }
    }

    /** Class 2: small files whose contents would expand into gigabytes are refused before allocating. */
    @Test
    void smallFilesThatWouldExpandIntoGigabytesAreRefusedWithTheNumbers() throws Exception {
        // an .npz of about a MiB inflating past what one array may take in this JVM (a GiB at -Xmx8g and below)
        int mib = (int) Math.max(1024, (org.gmi.graph.DataFiles.maxArrayBytes() >> 20) + 1);
        byte[] head = npy("<f4", "(" + mib * 256 + ", 1024)", new byte[0]);
        Path bomb = dir.resolve("bomb.npz");
        writeZeroBomb(bomb, "adj_matrix.npy", head, mib, -1);
        assertTrue(Files.size(bomb) < (2L + mib / 1024) << 20, "a small archive: " + Files.size(bomb) + " bytes");
        assertRefused(bomb, "npz bomb", List.of(bomb + "[adj_matrix.npy]", "inflates to ", "GiB from ", "refused before inflating"));

        // the same stream, 64 MiB, under a central directory that records 4 KiB: never inflated past its record
        Path lying = dir.resolve("lying.npz");
        writeZeroBomb(lying, "adj_matrix.npy", head, 64, 4096);
        assertRefused(lying, "npz lying about its size", List.of(lying + "[adj_matrix.npy]", "inflates beyond the 4096 bytes"));

        // Planetoid: 2708 nodes sharing one memoised list of 100,000 ids, 270,800,000 records from about 210 kB
        Path planetoid = dir.resolve("planetoid-shared");
        copyBundledCora(planetoid);
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        g.writeBytes(new byte[] {(byte) 0x80, 2, '}', '(', 'K', 0, ']', 'q', 1, '('});
        for (int k = 0; k < 100_000; k++) {
            g.writeBytes(new byte[] {'K', 0});
        }
        g.write('e');
        for (int key = 1; key < 2708; key++) {
            g.writeBytes(new byte[] {'M', (byte) key, (byte) (key >> 8), 'h', 1});
        }
        g.writeBytes(new byte[] {'u', '.'});
        Files.write(planetoid.resolve("ind.cora.graph"), g.toByteArray());
        assertRefused(planetoid, "shared neighbour lists", List.of(planetoid.resolve("ind.cora.graph").toString(),
                "270800000 neighbour records", "a file of " + g.size() + " bytes", "refused before building the graph"));
        // (the 11-byte edges.csv naming node 99,999,999 is the fixture case huge_sparse_id)
    }

    /** Class 3: a second run into a folder another run holds stops at once, naming it; a killed holder frees it. */
    @Test
    void aSecondRunIntoAFolderInUseIsRefusedNamingTheHolder() throws Exception {
        Path data = ring("ring300", 300);
        Path out = dir.resolve("shared-out");
        String[] args = {"train", "--method", "dgi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
            "--epochs", "100000", "--patience", "100000", "--threads", "1", "--no-eval"};
        try (ChildJvm holder = ChildJvm.start(args)) {
            holder.awaitLine(l -> l.startsWith("epoch "), 120);
            Cli second = bounded("second run", () -> Cli.run(args));
            assertOneLineExit2(second, "second run into a held folder", "--out: '" + out + "' is in use by another gmi run (pid "
                    + holder.pid() + " on ", ", started 20", "wait for it to end, or choose another folder");
            assertTrue(Files.exists(out.resolve(".gmi.lock")), "the holder's lock is left in place");
            holder.kill(); // SIGKILL: no hook runs, the operating system releases the lock
        }
        Cli third = bounded("run after the holder was killed", () -> Cli.run("train", "--method", "dgi", "--dataset",
                data.toString(), "--out", out.toString(), "--hidden", "8", "--epochs", "2", "--threads", "1", "--no-eval"));
        assertEquals(0, third.code(), third.toString());
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the lock is taken over and removed at the end");
        }
    }

    private static void writeNpy(Path file, int rows, int cols, float... v) throws IOException {
        Files.write(file, npy("<f4", "(" + rows + ", " + cols + ")", floats(v)));
    }

    /** Class 4: embeddings that cannot mean anything, checkpoints whose checksums hold but whose contents lie. */
    @Test
    void stateThatLiesIsRefused() throws Exception {
        Path data = ring("ring6", 6);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Path e = dir.resolve("bad-" + bad + ".npy");
            float[] v = new float[12];
            java.util.Arrays.fill(v, 0.5f);
            v[7] = bad;
            writeNpy(e, 6, 2, v);
            Cli r = bounded("eval " + bad, () -> Cli.run("eval", "--embeddings", e.toString(), "--dataset", data.toString()));
            assertOneLineExit2(r, "eval of " + bad, "--embeddings: '" + e + "' holds 1 non-finite value (the first, row 3, column 1, is "
                    + bad + ")", "embeddings must be finite");
        }
        Path empty = dir.resolve("n-by-0.npy");
        writeNpy(empty, 6, 0);
        Cli r = bounded("eval N x 0", () -> Cli.run("eval", "--embeddings", empty.toString(), "--dataset", data.toString()));
        assertOneLineExit2(r, "eval of N x 0", "holds a matrix of 6 x 0");

        // a real checkpoint: a diverging run keeps its last good one (exit 3)
        Path run = dir.resolve("diverged");
        Cli first = Cli.run("train", "--method", "gmi", "--dataset", ring("ring40", 40).toString(), "--out", run.toString(),
                "--hidden", "8", "--epochs", "50", "--lr", "1e30", "--checkpoint-every", "1", "--threads", "1", "--no-eval");
        assertEquals(3, first.code(), first.toString());
        Checkpoint.Contents good = Checkpoint.read(run.resolve(Checkpoint.FOLDER));
        TrainState s = good.state();
        assertTrue(s.epochsDone() >= 1, "a checkpoint after at least one epoch");

        float[][] nanValues = s.values().clone();
        nanValues[0] = nanValues[0].clone();
        nanValues[0][3] = Float.NaN;
        TrainState nan = new TrainState(s.epochsDone(), s.finished(), s.names(), s.shapes(), nanValues, s.firstMoments(),
                s.secondMoments(), s.adamSteps(), s.best(), s.bestLoss(), s.bestEpoch(), s.sinceBest(), s.loss(), s.terms(),
                s.epochSeconds());
        TrainState finishedAtZero = new TrainState(0, true, s.names(), s.shapes(), s.values(), s.firstMoments(),
                s.secondMoments(), 0, s.best(), Double.POSITIVE_INFINITY, 0, 0, new double[0], Map.of(), new double[0]);
        TrainState sinceBestLies = new TrainState(s.epochsDone(), s.finished(), s.names(), s.shapes(), s.values(),
                s.firstMoments(), s.secondMoments(), s.adamSteps(), s.best(), s.bestLoss(), s.bestEpoch(), s.sinceBest() + 5,
                s.loss(), s.terms(), s.epochSeconds());
        Map<String, String> fewerEpochs = new LinkedHashMap<>(good.config());
        fewerEpochs.put("epochs", Integer.toString(s.epochsDone() - 1));
        record Lie(String name, Map<String, String> config, TrainState state, String words) {}
        for (Lie lie : List.of(
                new Lie("NaN parameter", good.config(), nan, "parameter " + s.names()[0] + "'s value NaN at index 3 is not finite"),
                new Lie("finished after 0 epochs", good.config(), finishedAtZero, "training finished after 0 epochs"),
                new Lie("epochs since best", good.config(), sinceBestLies, (s.sinceBest() + 5) + " epochs since the best epoch"),
                new Lie("epochs beyond the run", fewerEpochs, s, s.epochsDone() + " epochs done, beyond the run's " + (s.epochsDone() - 1)))) {
            Path folder = dir.resolve("lie-" + lie.name().replace(' ', '-'));
            Checkpoint.write(folder.resolve(Checkpoint.FOLDER), lie.config(), lie.state()); // valid length and checksum
            Cli resumed = bounded(lie.name(), () -> Cli.run("train", "--resume", folder.toString()));
            assertOneLineExit2(resumed, lie.name(), Checkpoint.file(folder.resolve(Checkpoint.FOLDER)).toString(),
                    "is inconsistent (its checksum is intact)", lie.words());
            try (Stream<Path> left = Files.list(folder)) {
                assertEquals(List.of(Checkpoint.FOLDER), left.map(p -> p.getFileName().toString()).toList(), "nothing written");
            }
        }
    }

    /** Class 5: one stray class id of 65535 on an 80-node graph is renumbered, reported, and costs no time. */
    @Test
    void aStrayClassIdIsRenumberedReportedAndCheap() throws Exception {
        Path folder = ring("stray-label", 80);
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            labels.append(i == 5 ? 65535 : i % 2).append('\n');
        }
        Files.writeString(folder.resolve("labels.csv"), labels);
        Path out = dir.resolve("stray-out");
        long t0 = System.nanoTime();
        Cli r = bounded("stray label", () -> Cli.run("train", "--method", "dgi", "--dataset", folder.toString(), "--out",
                out.toString(), "--hidden", "8", "--epochs", "3", "--threads", "1"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("note: class ids renumbered to the 3 classes present (of ids 0..65535): 65535 -> 2"), r.err());
        assertTrue(r.err().contains("80 nodes, 80 edges, 80 features, 3 classes"), r.err());
        assertTrue(Files.readString(out.resolve("metrics.json")).contains("\"classes\": 3"), "metrics.json records 3 classes");
        assertTrue(seconds < CASE_SECONDS, "took " + seconds + " s");

        // beyond the bound: refused at load
        Path many = ring("many-classes", 4097);
        StringBuilder distinct = new StringBuilder();
        for (int i = 0; i < 4097; i++) {
            distinct.append(i).append('\n');
        }
        Files.writeString(many.resolve("labels.csv"), distinct);
        assertRefused(many, "4097 classes", List.of(many.resolve("labels.csv").toString(), "4097 distinct classes",
                "more than the 4096"));
    }

    /** Class 6: Planetoid files pickled with protocol 5 by Python (numpy arrays in in-band buffers) train. */
    @Test
    void planetoidFilesOfPickleProtocol5Train() throws IOException {
        Path out = dir.resolve("protocol5");
        Cli r = bounded("protocol 5", () -> Cli.run("train", "--method", "dgi", "--dataset",
                resource("protocols/p5").toString(), "--out", out.toString(), "--hidden", "8", "--epochs", "2",
                "--threads", "1"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("dataset tiny: 540 nodes"), r.err());
        assertTrue(Files.exists(out.resolve("metrics.json")));
    }
}
