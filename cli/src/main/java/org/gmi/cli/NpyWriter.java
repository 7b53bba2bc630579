package org.gmi.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gmi.engine.Matrix;

/**
 * Writes a float matrix as a NumPy {@code .npy} file, format version 1.0: the magic
 * {@code \x93NUMPY}, version bytes 1 0, a little-endian uint16 header length, then the header
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }} padded with spaces and
 * ended by a newline so that magic + length + header is a multiple of 64 bytes, then the data:
 * float32, little-endian, C (row-major) order. {@code numpy.load} reads it as is.
 */
public final class NpyWriter {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int CHUNK_FLOATS = 1 << 16;

    private NpyWriter() {}

    public static void write(Path file, Matrix m) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, m);
        }
    }

    public static void write(OutputStream out, Matrix m) throws IOException {
        out.write(header(m.rows, m.cols));
        ByteBuffer buf = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
        float[] data = m.data;
        for (int off = 0; off < data.length; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, data.length - off);
            buf.clear();
            buf.asFloatBuffer().put(data, off, n);
            out.write(buf.array(), 0, 4 * n);
        }
        out.flush();
    }

    /** Magic, version, header length and the padded header dictionary of a float32 (rows, cols) array. */
    static byte[] header(int rows, int cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int prefix = MAGIC.length + 2 + 2;
        int total = prefix + dict.length() + 1;
        int padded = (total + ALIGN - 1) / ALIGN * ALIGN;
        String header = dict + " ".repeat(padded - total) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        return b.array();
    }
}
