package org.gmi.models;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.zip.CRC32;

/**
 * The container of the files a run saves to be read again ({@link Checkpoint}'s {@code state.ckpt},
 * {@link EncoderFile}'s {@code encoder.gmi}): big-endian (Java's {@code DataOutput}),
 * <pre>
 *   header   8 bytes of magic, int32 version
 *   body     what the format writes
 *   trailer  int64 length (bytes before the trailer), int64 CRC-32 of those bytes, 8 bytes of end marker
 * </pre>
 * written to a temporary name, flushed to disk and renamed onto the target in one atomic step, so the
 * target is always a previous complete file or the new complete one. A reader checks the end marker,
 * the length against the file size and the checksum before it trusts anything it parsed, and every
 * array length against the bytes left ({@link Reader#count}), so a truncated or altered file is refused
 * and never allocates more than the file could hold.
 *
 * @param what   the file's kind in messages ({@code "checkpoint"}, {@code "encoder file"})
 * @param magic  the first 8 bytes
 * @param end    the last 8 bytes
 * @param failure builds the exception thrown for a file that cannot be used (message, cause or null)
 */
record ChecksummedFile(String what, byte[] magic, int version, byte[] end,
                       BiFunction<String, Throwable, RuntimeException> failure) {
    private static final int TRAILER = 8 + 8 + 8;

    /** Writes a body. */
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Parses a body; {@link IllegalArgumentException} and {@link EOFException} mean damaged. */
    interface Parser<T> {
        T read(Reader in) throws IOException;
    }

    /** The smallest file that can hold a header and a trailer. */
    long minimumSize() {
        return magic.length + 4 + TRAILER;
    }

    /** Writes {@code body} to {@code temp}, forces it to disk and renames it onto {@code target}. */
    void write(Path target, Path temp, Body body) throws IOException {
        try {
            writeFile(temp, body);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncFolder(target.toAbsolutePath().getParent());
    }

    /** Writes {@code body} to {@code file} (replacing it) and forces it to disk; no rename. */
    void writeFile(Path file, Body body) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            Writer w = new Writer(raw);
            w.out.write(magic);
            w.out.writeInt(version);
            body.write(w.out);
            w.out.flush();
            DataOutputStream trailer = new DataOutputStream(raw);
            trailer.writeLong(w.count);
            trailer.writeLong(w.crc.getValue());
            trailer.write(end);
            trailer.flush();
            ch.force(true);
        }
    }

    /**
     * Reads {@code f} of {@code size} bytes (at least {@link #minimumSize}) through {@code parser},
     * after the end marker and the length, and before returning, the checksum and that every byte was
     * read. Failures are thrown through {@link #failure}, one line naming the file.
     */
    <T> T read(Path f, long size, Parser<T> parser) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
            // the trailer first: a file cut short has no end marker or a wrong length
            ByteBuffer tb = ByteBuffer.wrap(readTail(f, size));
            long length = tb.getLong();
            long crc = tb.getLong();
            byte[] marker = Arrays.copyOfRange(tb.array(), 16, 24);
            if (!Arrays.equals(marker, end)) {
                throw fail(what + " " + f + " is truncated or not " + (what.matches("[aeiou].*") ? "an " : "a ") + what
                        + ": no end marker (" + size + " bytes)", null);
            }
            if (length != size - TRAILER) {
                throw fail(what + " " + f + " is damaged: it records " + length + " bytes of data but holds " + (size - TRAILER), null);
            }
            Reader r = new Reader(in, length);
            if (!Arrays.equals(r.bytes(magic.length), magic)) {
                throw fail(what + " " + f + " is not a gmi " + what + " (wrong magic bytes)", null);
            }
            int v = r.in.readInt();
            if (v != version) {
                throw fail(what + " " + f + " has format version " + v + "; this gmi reads version " + version, null);
            }
            T parsed = parser.read(r);
            if (r.left() != 0) {
                throw fail(what + " " + f + " is damaged: " + r.left() + " unread bytes before the trailer", null);
            }
            if (r.crc.getValue() != crc) {
                throw fail(what + " " + f + " is damaged: checksum mismatch (CRC-32 " + Long.toHexString(r.crc.getValue())
                        + ", recorded " + Long.toHexString(crc) + ")", null);
            }
            return parsed;
        } catch (EOFException | IllegalArgumentException | NegativeArraySizeException e) {
            throw fail(what + " " + f + " is damaged: " + e.getMessage(), e);
        } catch (IOException e) {
            throw fail("cannot read " + what + " " + f + ": " + e.getMessage(), e);
        }
    }

    private RuntimeException fail(String message, Throwable cause) {
        return failure.apply(message, cause);
    }

    static void writeDoubles(DataOutputStream o, double[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * a.length).order(ByteOrder.BIG_ENDIAN);
        b.asDoubleBuffer().put(a);
        o.write(b.array());
    }

    static void writeFloats(DataOutputStream o, float[] a) throws IOException {
        int chunk = 1 << 14;
        ByteBuffer b = ByteBuffer.allocate(4 * Math.min(chunk, Math.max(a.length, 1))).order(ByteOrder.BIG_ENDIAN);
        for (int off = 0; off < a.length; off += chunk) {
            int len = Math.min(chunk, a.length - off);
            b.clear();
            b.asFloatBuffer().put(a, off, len);
            o.write(b.array(), 0, 4 * len);
        }
    }

    private static byte[] readTail(Path f, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(TRAILER);
            long pos = size - TRAILER;
            while (b.hasRemaining()) {
                int got = ch.read(b, pos + b.position());
                if (got < 0) {
                    throw new EOFException("file shorter than its size");
                }
            }
            return b.array();
        }
    }

    private static void syncFolder(Path folder) {
        if (folder == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not every platform can sync a folder; the rename itself is atomic
        }
    }

    /** Counts and checksums what goes through it. */
    private static final class Writer {
        final CRC32 crc = new CRC32();
        long count;
        final DataOutputStream out;

        Writer(OutputStream raw) {
            this.out = new DataOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    raw.write(b);
                    crc.update(b);
                    count++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    raw.write(b, off, len);
                    crc.update(b, off, len);
                    count += len;
                }

                @Override
                public void flush() throws IOException {
                    raw.flush();
                }
            });
        }
    }

    /** Reads at most {@code limit} bytes, checksumming them, and checks array sizes against what is left. */
    static final class Reader {
        final CRC32 crc = new CRC32();
        final long limit;
        long count;
        final DataInputStream in;

        Reader(InputStream raw, long limit) {
            this.limit = limit;
            this.in = new DataInputStream(new InputStream() {
                @Override
                public int read() throws IOException {
                    if (count >= Reader.this.limit) {
                        throw new EOFException("data ends before the trailer");
                    }
                    int b = raw.read();
                    if (b >= 0) {
                        crc.update(b);
                        count++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    long left = Reader.this.limit - count;
                    if (left <= 0) {
                        throw new EOFException("data ends before the trailer");
                    }
                    int got = raw.read(b, off, (int) Math.min(len, left));
                    if (got > 0) {
                        crc.update(b, off, got);
                        count += got;
                    }
                    return got;
                }
            });
        }

        long left() {
            return limit - count;
        }

        byte[] bytes(int n) throws IOException {
            byte[] b = new byte[n];
            in.readFully(b);
            return b;
        }

        /** An int32 count of items taking at least {@code minBytesEach} bytes, checked against the bytes left. */
        int count(long minBytesEach, String what) throws IOException {
            int n = in.readInt();
            if (n < 0 || (long) n * Math.max(minBytesEach, 1) > left()) {
                throw new IllegalArgumentException(n + " " + what + " cannot fit in the " + left() + " bytes left");
            }
            return n;
        }

        /** A shape rows x cols whose {@code copies} float arrays must fit in the bytes left; returns rows * cols. */
        int shape(String name, int rows, int cols, int copies) {
            long size = (long) rows * cols;
            if (rows < 0 || cols < 0 || size > Integer.MAX_VALUE || 4L * copies * size > left()) {
                throw new IllegalArgumentException("parameter " + name + " of shape " + rows + "x" + cols
                        + " does not fit in the " + left() + " bytes left");
            }
            return (int) size;
        }

        double[] doubles(int n) throws IOException {
            if (8L * n > left()) {
                throw new IllegalArgumentException(n + " values cannot fit in the " + left() + " bytes left");
            }
            byte[] b = bytes(8 * n);
            double[] a = new double[n];
            ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer().get(a);
            return a;
        }

        float[] floats(int n) throws IOException {
            float[] a = new float[n];
            int chunk = 1 << 14;
            byte[] b = new byte[4 * Math.min(chunk, Math.max(n, 1))];
            for (int off = 0; off < n; off += chunk) {
                int len = Math.min(chunk, n - off);
                in.readFully(b, 0, 4 * len);
                ByteBuffer.wrap(b, 0, 4 * len).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(a, off, len);
            }
            return a;
        }
    }
}
