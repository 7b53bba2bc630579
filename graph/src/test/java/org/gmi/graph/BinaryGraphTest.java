package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.zip.CRC32;
import org.gmi.engine.CsrMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The binary layout of {@code gmi convert}: every graph reads back as it was written (a public split,
 * multi-label data, self loops and empty feature rows included), mapped reads across chunk
 * boundaries return the file's values, and every kind of file that is wrong, even with its checksum
 * made to match, is refused with one line naming the file.
 */
class BinaryGraphTest {
    @TempDir
    Path dir;

    static LongStream seeds() {
        return TestData.seeds();
    }

    /** PlainFormatTest's random graph; every third seed with a public split, every fourth multi-label. */
    static Graph variedGraph(long seed) {
        Graph g = PlainFormatTest.randomGraph(seed);
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5eedL);
        int n = g.numNodes();
        if (seed % 4 == 3) {
            int c = 1 + rng.nextInt(6);
            int[] ptr = new int[n + 1];
            int[] col = new int[n * c];
            int p = 0;
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < c; j++) {
                    if (rng.nextInt(3) == 0) {
                        col[p++] = j;
                    }
                }
                ptr[i + 1] = p;
                labels[i] = p > ptr[i] || rng.nextBoolean() ? 0 : -1;
            }
            float[] ones = new float[p];
            Arrays.fill(ones, 1f);
            CsrMatrix y = new CsrMatrix(n, c, ptr, Arrays.copyOf(col, p), ones);
            g = new Graph(g.name(), g.adjacency(), g.featureRows(), labels, c, g.split(), g.report(), y);
        }
        if (seed % 3 == 0) {
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            int a = n / 3;
            int b = n / 2;
            int[] train = Arrays.copyOfRange(order, 0, a);
            int[] val = Arrays.copyOfRange(order, a, b);
            int[] test = Arrays.copyOfRange(order, b, n);
            Arrays.sort(train);
            Arrays.sort(val);
            Arrays.sort(test);
            g = g.withSplit(new Split(train, val, test, "public-test"));
        }
        return g;
    }

    private static Path write(Graph g, Path folder) throws IOException {
        Files.createDirectories(folder);
        BinaryGraph.write(g, folder::resolve);
        return folder;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void writeThenLoadGivesTheSameGraph(long seed) throws IOException {
        Graph g = variedGraph(seed);
        Path folder = write(g, dir.resolve("g" + seed));
        assertEquals(BinaryGraph.files(g), Files.list(folder).map(p -> p.getFileName().toString())
                .sorted((x, y) -> BinaryGraph.files(g).indexOf(x) - BinaryGraph.files(g).indexOf(y)).toList());
        SplitOptions opts = new SplitOptions(0.2, 0.3, seed);
        if (g.numNodes() < 2) {
            GraphFormatException e = assertThrows(GraphFormatException.class, () -> BinaryGraph.load(folder, opts));
            assertTrue(e.getMessage().contains("at least 2 nodes"), e.getMessage());
            return;
        }
        Graph back = Datasets.load(folder.toString(), opts);
        String msg = "seed " + seed;
        assertEquals(g.name(), back.name(), msg);
        assertArrayEquals(g.adjacency().rowPtr, back.adjacency().rowPtr, msg);
        assertArrayEquals(g.adjacency().colIdx, back.adjacency().colIdx, msg);
        assertArrayEquals(g.adjacency().values, back.adjacency().values, msg);
        assertInstanceOf(FileCsr.class, back.featureRows(), msg + ": the features stay mapped");
        assertEquals(g.featureRows().entries(), back.featureRows().entries(), msg);
        CsrMatrix x = back.features();
        assertEquals(g.numFeatures(), x.cols, msg);
        assertArrayEquals(g.features().rowPtr, x.rowPtr, msg);
        assertArrayEquals(g.features().colIdx, x.colIdx, msg);
        assertArrayEquals(g.features().values, x.values, msg + ": floats read back exactly");
        assertArrayEquals(g.labels(), back.labels(), msg);
        assertEquals(g.numClasses(), back.numClasses(), msg);
        assertEquals(g.isMultiLabel(), back.isMultiLabel(), msg);
        if (g.isMultiLabel()) {
            assertArrayEquals(g.labelMatrix().rowPtr, back.labelMatrix().rowPtr, msg);
            assertArrayEquals(g.labelMatrix().colIdx, back.labelMatrix().colIdx, msg);
            assertArrayEquals(g.labelMatrix().values, back.labelMatrix().values, msg);
        }
        Split expected = seed % 3 == 0 ? g.split() : Splits.random(back.labels(), opts);
        assertArrayEquals(expected.train(), back.split().train(), msg);
        assertArrayEquals(expected.val(), back.split().val(), msg);
        assertArrayEquals(expected.test(), back.split().test(), msg);
        assertEquals(expected.kind(), back.split().kind(), msg);
        assertEquals(GraphStats.selfLoops(g.adjacency()), back.report().selfLoops(), msg);

        // gathered rows, in any order and with repeats, are the heap matrix's
        SplittableRandom rng = new SplittableRandom(seed);
        int[] ids = rng.ints(3 * g.numNodes(), 0, g.numNodes()).toArray();
        CsrMatrix want = g.features().gather(ids, ids.length);
        CsrMatrix got = back.featureRows().gather(ids, ids.length);
        assertArrayEquals(want.rowPtr, got.rowPtr, msg);
        assertArrayEquals(want.colIdx, got.colIdx, msg);
        assertArrayEquals(want.values, got.values, msg);

        // converting the mapped graph again writes the same bytes
        Path again = write(back, dir.resolve("again" + seed));
        for (String f : BinaryGraph.files(g)) {
            if (f.equals(BinaryGraph.MANIFEST)) {
                // the same but for "source", which names where the graph was read from
                Map<String, Object> first = JsonReader.object(Files.readString(folder.resolve(f)));
                Map<String, Object> second = JsonReader.object(Files.readString(again.resolve(f)));
                assertEquals(folder.toString(), second.remove("source"), msg);
                first.remove("source");
                assertEquals(first, second, msg);
            } else {
                assertArrayEquals(Files.readAllBytes(folder.resolve(f)), Files.readAllBytes(again.resolve(f)), msg + ": " + f);
            }
        }
    }

    /** Reads of every width and range across chunk boundaries return the file's values. */
    @ParameterizedTest
    @MethodSource("seeds")
    void mappedReadsCrossChunksExactly(long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(200);
        int chunk = 8 << rng.nextInt(4);
        int[] ints = rng.ints(n).toArray();
        long[] longs = rng.longs(n).toArray();
        ByteBuffer bi = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bl = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bi.putInt(ints[i]);
            bl.putLong(longs[i]);
        }
        Path fi = dir.resolve("i" + seed);
        Path fl = dir.resolve("l" + seed);
        Files.write(fi, bi.array());
        Files.write(fl, bl.array());
        MappedArray mi = MappedArray.map(fi, 4, n, chunk);
        MappedArray ml = MappedArray.map(fl, 8, n, chunk);
        for (int t = 0; t < 50; t++) {
            int from = rng.nextInt(n);
            int len = rng.nextInt(n - from + 1);
            int[] gotI = new int[len];
            float[] gotF = new float[len];
            long[] gotL = new long[len];
            mi.getInts(from, gotI, 0, len);
            mi.getFloats(from, gotF, 0, len);
            ml.getLongs(from, gotL, 0, len);
            assertArrayEquals(Arrays.copyOfRange(ints, from, from + len), gotI, "chunks of " + chunk);
            assertArrayEquals(Arrays.copyOfRange(longs, from, from + len), gotL, "chunks of " + chunk);
            for (int k = 0; k < len; k++) {
                assertEquals(Float.floatToRawIntBits(gotF[k]), ints[from + k]);
            }
            assertEquals(ints[from], mi.getInt(from));
            assertEquals(longs[from], ml.getLong(from));
        }
        CRC32 crc = new CRC32();
        crc.update(bi.array());
        assertEquals(crc.getValue(), mi.crc32());
    }

    /** A mapped CSR matrix over small chunks gathers the same rows as the heap matrix. */
    @ParameterizedTest
    @MethodSource("seeds")
    void mappedCsrOverSmallChunksGathersTheHeapRows(long seed) throws IOException {
        Graph g = PlainFormatTest.randomGraph(seed);
        Path folder = write(g, dir.resolve("c" + seed));
        CsrMatrix x = g.features();
        int chunk = 8 << (int) (seed % 4);
        FileCsr m = new FileCsr("feature", x.rows, x.cols,
                MappedArray.map(folder.resolve(BinaryGraph.X_PTR), 8, x.rows + 1L, chunk),
                MappedArray.map(folder.resolve(BinaryGraph.X_IDX), 4, x.nnz(), chunk),
                MappedArray.map(folder.resolve(BinaryGraph.X_VAL), 4, x.nnz(), chunk));
        for (int from = 0; from < x.rows; from++) {
            for (int to = from; to <= x.rows; to += 1 + to / 4) {
                CsrMatrix want = x.rowRange(from, to);
                CsrMatrix got = m.rowRange(from, to);
                assertArrayEquals(want.rowPtr, got.rowPtr);
                assertArrayEquals(want.colIdx, got.colIdx);
                assertArrayEquals(want.values, got.values);
            }
        }
        // entry by entry, as the sampler and the normalised adjacency read a mapped matrix
        for (int r = 0; r < x.rows; r++) {
            assertEquals(x.rowStart(r), m.rowStart(r), "row start " + r);
            int len = x.rowPtr[r + 1] - x.rowPtr[r];
            int[] bulk = new int[len + 2];
            m.columns(x.rowPtr[r], bulk, 1, len);
            assertArrayEquals(Arrays.copyOfRange(x.colIdx, x.rowPtr[r], x.rowPtr[r + 1]), Arrays.copyOfRange(bulk, 1, len + 1));
            for (int k = x.rowPtr[r]; k < x.rowPtr[r + 1]; k++) {
                assertEquals(x.colIdx[k], m.column(k));
                assertEquals(x.values[k], m.value(k));
                assertEquals(k, m.find(r, x.colIdx[k]), "find in row " + r);
            }
            for (int c = 0; c < x.cols; c++) {
                assertEquals(x.find(r, c), m.find(r, c), "row " + r + ", column " + c);
            }
        }
        assertEquals(x.rowStart(x.rows), m.rowStart(x.rows));
    }

    // ---- refusals: a wrong file, its checksum made to match, is refused naming it ----

    /** A path graph 0 - 1 - 2 - 3 with 2 features and a public split: small enough to corrupt by hand. */
    private Path smallGraph(String name) throws IOException {
        CsrBuilder b = new CsrBuilder(4);
        b.add(0, 1).add(1, 2).add(2, 3);
        CsrMatrix x = CsrBuilder.fromDense(4, 2, new float[] {1, 0, 0, 1, 1, 1, 2, 0});
        Split s = new Split(new int[] {0}, new int[] {1}, new int[] {2, 3}, "public-test");
        Graph g = new Graph("small", b.build(true).matrix(), x, new int[] {0, 1, 0, 1}, 2, s,
                new LoadReport("memory", 0, 0, 0, List.of()));
        return write(g, dir.resolve(name));
    }

    /** Rewrites {@code file}'s little-endian content and, when {@code fixCrc}, its CRC-32 in graph.json. */
    private static void rewrite(Path folder, String file, Consumer<ByteBuffer> edit, boolean fixCrc) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(folder.resolve(file))).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(b);
        Files.write(folder.resolve(file), b.array());
        if (fixCrc) {
            CRC32 crc = new CRC32();
            crc.update(b.array());
            editManifest(folder, m -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> c = (Map<String, Object>) m.get("crc32");
                c.put(file, String.format(Locale.ROOT, "%08x", crc.getValue()));
            });
        }
    }

    private static void editManifest(Path folder, Consumer<Map<String, Object>> edit) throws IOException {
        Path f = folder.resolve(BinaryGraph.MANIFEST);
        Map<String, Object> m = JsonReader.object(Files.readString(f));
        edit.accept(m);
        Files.writeString(f, Json.write(m));
    }

    private void assertRefused(Path folder, String file, String... words) {
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> BinaryGraph.load(folder, SplitOptions.DEFAULT));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(folder.resolve(file).toString()), "names " + file + ": " + msg);
        assertEquals(1, msg.lines().count(), msg);
        for (String w : words) {
            assertTrue(msg.contains(w), "'" + w + "' in: " + msg);
        }
    }

    @Test
    void theSmallGraphLoads() throws IOException {
        Graph g = BinaryGraph.load(smallGraph("ok"), SplitOptions.DEFAULT);
        assertEquals(4, g.numNodes());
        assertEquals(3, g.numUndirectedEdges());
        assertArrayEquals(new int[] {2, 3}, g.split().test());
        assertNull(g.labelMatrix());
        assertNotNull(g.report());
    }

    @Test
    void aColumnOutOfRangeIsRefused() throws IOException {
        Path f = smallGraph("col");
        rewrite(f, BinaryGraph.ADJ_IDX, b -> b.putInt(0, 9), true);
        assertRefused(f, BinaryGraph.ADJ_IDX, "row 0", "column 9", "outside [0, 4)");
    }

    @Test
    void anAsymmetricAdjacencyIsRefused() throws IOException {
        Path f = smallGraph("asym");
        // rows: 0:[1] 1:[0,2] 2:[1,3] 3:[2]; row 3 becomes [1]: 3 -> 1 has no reverse
        rewrite(f, BinaryGraph.ADJ_IDX, b -> b.putInt(5 * 4, 1), true);
        assertRefused(f, BinaryGraph.ADJ_IDX, "has no reverse", "symmetric");
    }

    @Test
    void anUnsortedRowIsRefused() throws IOException {
        Path f = smallGraph("unsorted");
        rewrite(f, BinaryGraph.ADJ_IDX, b -> {
            b.putInt(1 * 4, 2);
            b.putInt(2 * 4, 0);
        }, true);
        assertRefused(f, BinaryGraph.ADJ_IDX, "row 1", "columns rise strictly");
    }

    @Test
    void decreasingOffsetsAreRefused() throws IOException {
        Path f = smallGraph("offsets");
        rewrite(f, BinaryGraph.X_PTR, b -> b.putLong(2 * 8, 0), true);
        assertRefused(f, BinaryGraph.X_PTR, "offset 2", "never decrease");
    }

    @Test
    void aHugeOffsetIsRefusedBeforeAnyRead() throws IOException {
        Path f = smallGraph("huge-offset");
        rewrite(f, BinaryGraph.ADJ_PTR, b -> b.putLong(8, 1L << 40), true);
        assertRefused(f, BinaryGraph.ADJ_PTR, "offset 1", "1099511627776");
    }

    @Test
    void aNonFiniteFeatureIsRefused() throws IOException {
        Path f = smallGraph("nan");
        rewrite(f, BinaryGraph.X_VAL, b -> b.putFloat(4, Float.NaN), true);
        assertRefused(f, BinaryGraph.X_VAL, "non-finite value NaN");
    }

    @Test
    void aLabelOutOfRangeIsRefused() throws IOException {
        Path f = smallGraph("label");
        rewrite(f, BinaryGraph.LABELS, b -> b.putInt(8, 5), true);
        assertRefused(f, BinaryGraph.LABELS, "node 2", "label 5");
    }

    @Test
    void aNodeInTwoPartsOfTheSplitIsRefused() throws IOException {
        Path f = smallGraph("split");
        rewrite(f, BinaryGraph.SPLIT[2], b -> b.putInt(0, 1), true);
        assertRefused(f, BinaryGraph.SPLIT[2], "node 1", "another part");
    }

    @Test
    void aChangedFileFailsItsChecksum() throws IOException {
        Path f = smallGraph("crc");
        rewrite(f, BinaryGraph.X_VAL, b -> b.putFloat(0, 3f), false);
        assertRefused(f, BinaryGraph.X_VAL, "CRC-32", "convert the dataset again");
    }

    @Test
    void aTruncatedFileIsRefusedBeforeItIsRead() throws IOException {
        Path f = smallGraph("truncated");
        byte[] b = Files.readAllBytes(f.resolve(BinaryGraph.ADJ_IDX));
        Files.write(f.resolve(BinaryGraph.ADJ_IDX), Arrays.copyOf(b, b.length - 3));
        assertRefused(f, BinaryGraph.ADJ_IDX, "21 bytes", "6 32-bit values");
    }

    @Test
    void aManifestClaimingMoreThanTheFilesHoldIsRefused() throws IOException {
        Path f = smallGraph("claims");
        editManifest(f, m -> m.put("nodes", 2_000_000_000));
        assertRefused(f, BinaryGraph.ADJ_PTR, "16000000008 bytes");
        Path g = smallGraph("claims-range");
        editManifest(g, m -> m.put("nodes", 1e12));
        assertRefused(g, BinaryGraph.MANIFEST, "\"nodes\"", "not a whole number");
    }

    @Test
    void anotherFormatOrVersionIsRefused() throws IOException {
        Path f = smallGraph("version");
        editManifest(f, m -> m.put("version", 2));
        assertRefused(f, BinaryGraph.MANIFEST, "layout version 2", "reads version 1");
        Path g = smallGraph("format");
        editManifest(g, m -> m.put("format", "something-else"));
        assertRefused(g, BinaryGraph.MANIFEST, "not a graph written by gmi convert");
        Path h = smallGraph("not-json");
        Files.writeString(h.resolve(BinaryGraph.MANIFEST), "{\"format\": ");
        assertRefused(h, BinaryGraph.MANIFEST, "not a JSON object");
    }

    @Test
    void aMissingFileIsNamed() throws IOException {
        Path f = smallGraph("missing");
        Files.delete(f.resolve(BinaryGraph.X_VAL));
        assertRefused(f, BinaryGraph.X_VAL, "no such file");
    }
}
