package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;

/** Fixtures shared by the graph tests: data locations, copies of bundled files, npz and pickle builders. */
final class TestData {
    private TestData() {}

    /** Seeds for the property tests; a failure message always names its seed. */
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    /**
     * The shared data folder: -Dgmi.shared.data=..., else the first {@code shared/data} beside the
     * checkout or one of its parents (where CI and the developers have it), else /work/shared/data.
     * Tests needing it are skipped only where none of these exists (a checkout used alone).
     */
    static Path shared(String relative) {
        Path p = sharedRoot().resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "shared data not present: " + p);
        return p;
    }

    private static Path sharedRoot() {
        String property = System.getProperty("gmi.shared.data");
        if (property != null) {
            return Paths.get(property);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared").resolve("data");
            if (dir.getParent() != null && Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return Paths.get("/work/shared/data");
    }

    /** Copies the eight bundled files of {@code name} into {@code dir}. */
    static Path copyBundled(String name, Path dir) throws IOException {
        for (String part : PlanetoidLoader.PARTS) {
            String f = "ind." + name + "." + part;
            try (InputStream in = Datasets.class.getResourceAsStream("data/" + f)) {
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
        return dir;
    }

    /** A fixture of {@code testdata/protocols/} (see its make_protocol_fixtures.py). */
    static Path protocols(String relative) {
        try {
            return Paths.get(TestData.class.getResource("/protocols/" + relative).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test fixture protocols/" + relative, e);
        }
    }

    static Path hostile(String relative) {
        try {
            return Paths.get(TestData.class.getResource("/hostile/" + relative).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test fixture hostile/" + relative, e);
        }
    }

    static void writeNpz(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    static byte[] npyInt32(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        return Npy.write("<i4", false, new long[] {v.length}, b.array());
    }

    static byte[] npyFloat32(int rows, int cols, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return Npy.write("<f4", false, new long[] {rows, cols}, b.array());
    }

    /**
     * A protocol-2 pickle of {@code collections.defaultdict(list)} mapping node -> neighbours,
     * written opcode by opcode the way Python 2 writes ind.NAME.graph.
     */
    static byte[] pickleGraph(Map<Integer, int[]> adjacency) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(2);
        o.writeBytes("ccollections\ndefaultdict\nc__builtin__\nlist\n".getBytes(StandardCharsets.US_ASCII));
        o.write(0x85); // TUPLE1
        o.write('R');
        o.write('(');
        for (Map.Entry<Integer, int[]> e : adjacency.entrySet()) {
            writeInt(o, e.getKey());
            o.write(']');
            o.write('(');
            for (int j : e.getValue()) {
                writeInt(o, j);
            }
            o.write('e'); // APPENDS
        }
        o.write('u'); // SETITEMS
        o.write('.');
        return o.toByteArray();
    }

    private static void writeInt(ByteArrayOutputStream o, int v) {
        o.write('J'); // BININT, signed 32-bit little-endian
        o.write(v);
        o.write(v >> 8);
        o.write(v >> 16);
        o.write(v >> 24);
    }

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** The message is one line and names {@code file}. */
    static void assertNamesFile(GraphFormatException e, String file) {
        String m = e.getMessage();
        assertTrue(m.contains(file), () -> "message does not name " + file + ": " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "message is not one line: " + m);
        assertFalse(m.contains("Exception") || m.contains("\tat "), () -> "message looks like a stack trace: " + m);
    }
}
