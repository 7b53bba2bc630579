package org.gmi.graph;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a graph as a gnn-benchmark {@code .npz} (what {@link NpzLoader} reads):
 * {@code adj_data, adj_indices, adj_indptr, adj_shape} (float32 ones, int32 columns and row
 * pointers), {@code attr_*} likewise for the features, and {@code labels} (int64), as
 * {@code numpy.savez} writes them: a zip of uncompressed (STORED) {@code .npy} entries, which
 * {@code numpy.load} and scipy read as is and the loader copies out without inflating.
 *
 * <p>Arrays are streamed from the int and float arrays in chunks, never copied whole into bytes;
 * each entry is streamed twice, once for the CRC and size a STORED entry must declare up front,
 * once to write. Every entry carries the same fixed time stamp, so equal graphs give equal bytes.
 */
public final class NpzWriter {
    private static final int CHUNK = 1 << 16;
    private static final LocalDateTime STAMP = LocalDateTime.of(1980, 1, 1, 0, 0);

    private NpzWriter() {}

    /** Writes the generated graph to {@code file} (replacing it). */
    public static void write(DcSbm.Result g, Path file) throws IOException {
        int n = g.nodes();
        var x = g.features();
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            zip.setMethod(ZipOutputStream.STORED);
            entry(zip, "adj_data.npy", out -> ones(out, g.adjColIdx().length), "<f4", g.adjColIdx().length);
            entry(zip, "adj_indices.npy", out -> ints(out, g.adjColIdx()), "<i4", g.adjColIdx().length);
            entry(zip, "adj_indptr.npy", out -> ints(out, g.adjRowPtr()), "<i4", g.adjRowPtr().length);
            entry(zip, "adj_shape.npy", out -> ints(out, new int[] {n, n}), "<i4", 2);
            entry(zip, "attr_data.npy", out -> floats(out, x.values), "<f4", x.values.length);
            entry(zip, "attr_indices.npy", out -> ints(out, x.colIdx), "<i4", x.colIdx.length);
            entry(zip, "attr_indptr.npy", out -> ints(out, x.rowPtr), "<i4", x.rowPtr.length);
            entry(zip, "attr_shape.npy", out -> ints(out, new int[] {x.rows, x.cols}), "<i4", 2);
            entry(zip, "labels.npy", out -> longs(out, g.labels()), "<i8", g.labels().length);
        }
    }

    @FunctionalInterface
    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static void entry(ZipOutputStream zip, String name, Body body, String descr, long length) throws IOException {
        byte[] header = Npy.header(descr, false, new long[] {length});
        CrcCounter c = new CrcCounter();
        c.write(header);
        body.write(c);
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setTimeLocal(STAMP);
        e.setSize(c.count);
        e.setCompressedSize(c.count);
        e.setCrc(c.crc.getValue());
        zip.putNextEntry(e);
        zip.write(header);
        body.write(zip);
        zip.closeEntry();
    }

    private static void ints(OutputStream out, int[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += CHUNK) {
            int m = Math.min(CHUNK, a.length - off);
            b.clear();
            b.asIntBuffer().put(a, off, m);
            out.write(b.array(), 0, 4 * m);
        }
    }

    private static void floats(OutputStream out, float[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += CHUNK) {
            int m = Math.min(CHUNK, a.length - off);
            b.clear();
            b.asFloatBuffer().put(a, off, m);
            out.write(b.array(), 0, 4 * m);
        }
    }

    private static void ones(OutputStream out, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < CHUNK; k++) {
            b.putFloat(1f);
        }
        for (int off = 0; off < count; off += CHUNK) {
            out.write(b.array(), 0, 4 * Math.min(CHUNK, count - off));
        }
    }

    private static void longs(OutputStream out, int[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < a.length; off += CHUNK) {
            int m = Math.min(CHUNK, a.length - off);
            b.clear();
            for (int k = 0; k < m; k++) {
                b.putLong(a[off + k]);
            }
            out.write(b.array(), 0, 8 * m);
        }
    }

    /** Counts and checksums what is written to it, and keeps nothing. */
    private static final class CrcCounter extends OutputStream {
        final CRC32 crc = new CRC32();
        long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            count += len;
        }
    }
}
