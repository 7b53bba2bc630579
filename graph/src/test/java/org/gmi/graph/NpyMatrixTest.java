package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.gmi.engine.Matrix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NpyMatrixTest {
    @TempDir
    Path dir;

    static LongStream seeds() {
        return LongStream.range(0, 12);
    }

    /** A random matrix whose shape and values come from the seed (tails, single rows and columns, specials). */
    static Matrix random(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int rows = rnd.nextInt(0, 40);
        int cols = 1 + rnd.nextInt(0, 70);
        Matrix m = new Matrix(rows, cols);
        for (int k = 0; k < m.data.length; k++) {
            m.data[k] = (float) rnd.nextGaussian() * (float) Math.pow(10, rnd.nextInt(-30, 30));
        }
        if (m.data.length > 3) {
            m.data[0] = Float.NaN;
            m.data[1] = Float.NEGATIVE_INFINITY;
            m.data[2] = -0.0f;
            m.data[3] = Float.MIN_VALUE;
        }
        return m;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void roundTripIsBitExact(long seed) throws IOException {
        Matrix m = random(seed);
        Path f = dir.resolve("m" + seed + ".npy");
        Npy.writeMatrix(f, m);
        Matrix back = Npy.readMatrix(f);
        assertEquals(m.rows, back.rows, "seed " + seed);
        assertEquals(m.cols, back.cols, "seed " + seed);
        for (int k = 0; k < m.data.length; k++) {
            assertEquals(Float.floatToRawIntBits(m.data[k]), Float.floatToRawIntBits(back.data[k]),
                    "seed " + seed + " element " + k);
        }
        long headerEnd = Files.size(f) - 4L * m.rows * m.cols;
        assertEquals(0, headerEnd % 64, "seed " + seed + ": header not padded to 64 bytes");
    }

    @Test
    void headerIsVersion1WithTheNumpyDictionary() throws IOException {
        Matrix m = new Matrix(2708, 512);
        m.data[1] = 1.5f;
        Path f = dir.resolve("h.npy");
        Npy.writeMatrix(f, m);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(128 + 2708 * 512 * 4, bytes.length);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        int len = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(118, len);
        String header = new String(bytes, 10, len, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2708, 512), }"), header);
        assertTrue(header.endsWith(" \n"), header);
        // data: little-endian float32, row-major
        assertEquals(1.5f, ByteBuffer.wrap(bytes, 128 + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    @Test
    void readsFortranOrderFloat64AndBigEndian() throws IOException {
        // the 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column as big-endian float64
        Path f = dir.resolve("f.npy");
        writeRaw(f, 1, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }",
                ByteOrder.BIG_ENDIAN, new double[] {1, 4, 2, 5, 3, 6}, true);
        Matrix m = Npy.readMatrix(f);
        assertEquals(2, m.rows);
        assertEquals(3, m.cols);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, m.data);
    }

    @Test
    void readsVersion2Headers() throws IOException {
        Path f = dir.resolve("v2.npy");
        writeRaw(f, 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", ByteOrder.LITTLE_ENDIAN,
                new double[] {7, 8}, false);
        assertArrayEquals(new float[] {7, 8}, Npy.readMatrix(f).data);
    }

    @Test
    void refusesWhatItCannotRead() throws IOException {
        Path f = dir.resolve("bad.npy");
        Files.writeString(f, "hello, this is not numpy at all");
        assertMessage(f, "not a .npy file");

        writeRaw(f, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }", ByteOrder.LITTLE_ENDIAN,
                new double[] {1}, true);
        assertMessage(f, "dtype '<i8' is not supported");

        writeRaw(f, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", ByteOrder.LITTLE_ENDIAN,
                new double[] {1, 2, 3}, false);
        assertMessage(f, "expected a 2-D array");

        Matrix m = random(3);
        Npy.writeMatrix(f, m);
        byte[] full = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(full, full.length - 5));
        assertMessage(f, "truncated");

        Files.write(f, Arrays.copyOf(full, 20));
        assertMessage(f, "truncated");
    }

    private static void assertMessage(Path f, String part) {
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> Npy.readMatrix(f));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
    }

    private static void writeRaw(Path f, int version, String dict, ByteOrder order, double[] values, boolean asDouble)
            throws IOException {
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(prefix + header.length() + values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Npy.MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.order(order);
        for (double v : values) {
            if (asDouble) {
                b.putDouble(v);
            } else {
                b.putFloat((float) v);
            }
        }
        Files.write(f, Arrays.copyOf(b.array(), b.position()));
    }

    /** numpy itself reads the file (skipped where python3 with numpy is not installed). */
    @Test
    void numpyReadsTheFile() throws Exception {
        Matrix m = new Matrix(3, 5);
        for (int k = 0; k < m.data.length; k++) {
            m.data[k] = k * 0.5f - 1;
        }
        Path f = dir.resolve("np.npy");
        Npy.writeMatrix(f, m);
        String script = "import numpy, sys; a = numpy.load(sys.argv[1]); "
                + "print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], float(a[2, 4]), float(a[0, 1]))";
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script, f.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed");
            return;
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        Assumptions.assumeFalse(output.contains("No module named"), "numpy is not installed");
        assertEquals(0, p.exitValue(), output);
        assertEquals("float32 (3, 5) True 6.0 -0.5", output);
    }
}
