package org.gmi.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.gmi.engine.Matrix;

/**
 * A matrix of float32 rows, little-endian, C order, from byte {@code offset} of a file on storage
 * every executor reads (a .npy's data after its header, or a scratch file): tasks write their row
 * ranges with positional writes, and read the rows they need from read-only mappings of the file,
 * one per segment of at most 1 GiB (a mapping holds at most 2 GiB), so a reader's memory is the
 * pages it touches.
 */
final class RowFile implements SparkEmbedding.RowsOut, SparkEmbedding.RowsIn {
    private static final long SEGMENT_BYTES = 1L << 30;

    private final FileChannel channel;
    private final long offset;
    private final long rows;
    private final int cols;
    private final long rowsPerSegment;
    private final FloatBuffer[] segments;
    private final boolean written;

    private RowFile(FileChannel channel, long offset, long rows, int cols, boolean written) {
        this.written = written;
        this.channel = channel;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.rowsPerSegment = Math.max(1, SEGMENT_BYTES / (4L * cols));
        this.segments = new FloatBuffer[(int) ((rows + rowsPerSegment - 1) / rowsPerSegment)];
    }

    /** The rows of an existing file, to write ({@code write}) or to read. */
    static RowFile open(Path file, long offset, long rows, int cols, boolean write) throws IOException {
        FileChannel ch = write ? FileChannel.open(file, StandardOpenOption.WRITE) : FileChannel.open(file, StandardOpenOption.READ);
        long need = offset + rows * cols * 4L;
        if (ch.size() < need) {
            ch.close();
            throw new IOException(file + " holds " + ch.size() + " bytes, fewer than the " + need + " of " + rows + " rows of "
                    + cols + " floats from byte " + offset);
        }
        return new RowFile(ch, offset, rows, cols, write);
    }

    /** Creates (or truncates) {@code file}: {@code header}, then room for {@code rows} rows of {@code cols} floats. */
    static void create(Path file, byte[] header, long rows, int cols) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(header), 0);
            long end = header.length + rows * cols * 4L;
            if (end > header.length) {
                // the last byte sets the length; the rows between are written by the tasks
                ch.write(ByteBuffer.wrap(new byte[1]), end - 1);
            }
        }
    }

    /** Writes {@code m}'s rows (m.cols == cols) as rows {@code firstRow ...} of the file. */
    @Override
    public void write(long firstRow, Matrix m) throws IOException {
        if (m.cols != cols || firstRow < 0 || firstRow + m.rows > rows) {
            throw new IllegalArgumentException(m.rows + " x " + m.cols + " rows at row " + firstRow + " of a " + rows + " x " + cols
                    + " file");
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * m.rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(m.data, 0, m.rows * cols);
        long at = offset + firstRow * cols * 4L;
        while (buf.hasRemaining()) {
            at += channel.write(buf, at);
        }
    }

    /** {@code into}'s row k = the file's row {@code ids[k]}, for k < ids.length. */
    @Override
    public void read(int[] ids, Matrix into) throws IOException {
        for (int k = 0; k < ids.length; k++) {
            long r = ids[k];
            if (r < 0 || r >= rows) {
                throw new IndexOutOfBoundsException("row " + r + " of " + rows);
            }
            FloatBuffer segment = segment((int) (r / rowsPerSegment));
            segment.get((int) ((r % rowsPerSegment) * cols), into.data, k * cols, cols);
        }
    }

    private FloatBuffer segment(int s) throws IOException {
        if (segments[s] == null) {
            long first = s * rowsPerSegment;
            long count = Math.min(rowsPerSegment, rows - first);
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, offset + first * cols * 4L, count * cols * 4L);
            segments[s] = map.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
        return segments[s];
    }

    /** Closes the file, its written rows forced to the storage device first (a task's writes outlive its executor). */
    @Override
    public void close() throws IOException {
        try {
            if (written) {
                channel.force(false);
            }
        } finally {
            channel.close();
        }
    }
}
