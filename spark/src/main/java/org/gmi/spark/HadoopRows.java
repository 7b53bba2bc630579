package org.gmi.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.gmi.engine.Matrix;

/**
 * A matrix of float32 rows, little-endian, kept on a Hadoop file system as one part file per task of
 * an embedding job, {@code DIR/part-00007} holding the rows of task 7's range: what {@link RowFile}
 * is on a POSIX folder, for storage without positional writes (HDFS, object stores). Each task
 * writes its part from start to end ({@link Sink}); a task retried overwrites it with the same bytes.
 * A later job reads any rows through positional reads of the parts ({@link Source}, a block at a
 * time, as {@link HadoopArray}); the driver concatenates the last layer's parts after the .npy header
 * ({@link #assemble}).
 */
final class HadoopRows {
    private HadoopRows() {}

    /** Task {@code task}'s part in {@code dir}. */
    static Path part(Path dir, int task) {
        return new Path(dir, String.format(Locale.ROOT, "part-%05d", task));
    }

    /** Writes the rows [first, end) of a task's range, in order, into its part. */
    static final class Sink implements SparkEmbedding.RowsOut {
        private final FSDataOutputStream out;
        private final int cols;
        private final int end;
        private int next;

        Sink(FileSystem fs, Path dir, int task, int first, int end, int cols) throws IOException {
            this.out = fs.create(part(dir, task), true);
            this.cols = cols;
            this.next = first;
            this.end = end;
        }

        /** {@code m}'s rows as rows {@code firstRow ...}: the next ones of the range. */
        @Override
        public void write(long firstRow, Matrix m) throws IOException {
            if (m.cols != cols || firstRow != next || firstRow + m.rows > end) {
                throw new IllegalArgumentException(m.rows + " x " + m.cols + " rows at row " + firstRow + " of a part that takes rows "
                        + next + " to " + end + " of " + cols + " floats, in order");
            }
            ByteBuffer buf = ByteBuffer.allocate(4 * m.rows * cols).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(m.data, 0, m.rows * cols);
            out.write(buf.array());
            next += m.rows;
        }

        /** Closes the part, which must then hold the whole range (the file system has it once closed). */
        @Override
        public void close() throws IOException {
            out.close();
            if (next != end) {
                throw new IOException("a part closed at row " + next + " of its range's " + end);
            }
        }
    }

    /** Any rows of the matrix whose parts are in {@code dir}, task t's part holding rows [starts[t], starts[t + 1]). */
    static final class Source implements SparkEmbedding.RowsIn {
        private final FileSystem fs;
        private final Path dir;
        private final int[] starts;
        private final int cols;
        private final int blockBytes;
        private final long cacheBytes;
        private final HadoopArray[] parts;

        Source(FileSystem fs, Path dir, int[] starts, int cols, int blockBytes, long cacheBytes) {
            this.fs = fs;
            this.dir = dir;
            this.starts = starts;
            this.cols = cols;
            this.blockBytes = blockBytes;
            this.cacheBytes = cacheBytes;
            this.parts = new HadoopArray[starts.length - 1];
        }

        /** {@code into}'s row k = the matrix's row {@code ids[k]}, for k < ids.length. */
        @Override
        public void read(int[] ids, Matrix into) throws IOException {
            for (int k = 0; k < ids.length; k++) {
                int r = ids[k];
                int t = java.util.Arrays.binarySearch(starts, r);
                // the part whose range holds r (the last of equal starts: an empty range holds nothing)
                if (t < 0) {
                    t = -t - 2;
                } else {
                    while (t + 1 < starts.length - 1 && starts[t + 1] == r) {
                        t++;
                    }
                }
                if (r < 0 || t < 0 || t >= parts.length) {
                    throw new IndexOutOfBoundsException("row " + r + " of " + starts[starts.length - 1]);
                }
                part(t).getFloats((long) (r - starts[t]) * cols, into.data, k * cols, cols);
            }
        }

        private HadoopArray part(int t) throws IOException {
            if (parts[t] == null) {
                Path p = HadoopRows.part(dir, t);
                long rows = starts[t + 1] - starts[t];
                long size = fs.getFileStatus(p).getLen();
                if (size != rows * cols * 4) {
                    throw new IOException(p + ": " + size + " bytes, not the " + rows * cols * 4 + " of " + rows + " rows of "
                            + cols + " floats");
                }
                parts[t] = new HadoopArray(p.toString(), fs.open(p), 4, rows * cols, blockBytes, cacheBytes);
            }
            return parts[t];
        }

        @Override
        public void close() throws IOException {
            for (HadoopArray a : parts) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    /**
     * Writes {@code header} and then the {@code tasks} parts of {@code dir}, in order, into {@code target}
     * (created, or replaced); when {@code into} is given, also decodes the rows into it.
     */
    static void assemble(FileSystem fs, Path dir, int tasks, byte[] header, Path target, Matrix into) throws IOException {
        byte[] buf = new byte[1 << 20];
        long row = 0;
        try (OutputStream out = fs.create(target, true)) {
            out.write(header);
            for (int t = 0; t < tasks; t++) {
                try (InputStream in = fs.open(part(dir, t))) {
                    int pending = 0;
                    for (int n; (n = in.read(buf, pending, buf.length - pending)) > 0; ) {
                        int have = pending + n;
                        int whole = have - have % 4;
                        out.write(buf, 0, whole);
                        if (into != null) {
                            ByteBuffer.wrap(buf, 0, whole).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                                    .get(into.data, (int) row, whole / 4);
                        }
                        row += whole / 4;
                        // a float split across two reads waits for its other bytes
                        System.arraycopy(buf, whole, buf, 0, have - whole);
                        pending = have - whole;
                    }
                    if (pending != 0) {
                        throw new IOException(part(dir, t) + ": its length is not a whole number of floats");
                    }
                }
            }
        }
    }
}
