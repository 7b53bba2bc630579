package org.gmi.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of little-endian numbers of one width (int32, int64 or float32), read through memory
 * mapping: the operating system pages it in as it is read, so the array may be larger than the
 * Java heap. A mapping holds at most 2 GiB, so the file is mapped in chunks of {@link #CHUNK_BYTES};
 * a chunk holds whole elements, and reads that cross a chunk boundary are split. Read-only and safe
 * to read from several threads (every read is absolute).
 */
final class MappedArray implements ArrayFile {
    /** Bytes per mapped chunk: a multiple of every element width. */
    static final int CHUNK_BYTES = 1 << 30;

    private final Path file;
    /** Elements per chunk, a power of two: an element's chunk is {@code i >>> shift}, its place there {@code i & mask}. */
    private final int perChunk;
    private final int shift;
    private final long mask;
    private final long length;
    private final ByteBuffer[] chunks;
    private final IntBuffer[] ints;
    private final LongBuffer[] longs;
    private final FloatBuffer[] floats;

    private MappedArray(Path file, int width, long length, ByteBuffer[] chunks, int chunkBytes) {
        this.file = file;
        this.perChunk = chunkBytes / width;
        this.shift = Integer.numberOfTrailingZeros(perChunk);
        this.mask = perChunk - 1;
        this.length = length;
        this.chunks = chunks;
        this.ints = width == 4 ? new IntBuffer[chunks.length] : null;
        this.floats = width == 4 ? new FloatBuffer[chunks.length] : null;
        this.longs = width == 8 ? new LongBuffer[chunks.length] : null;
        for (int c = 0; c < chunks.length; c++) {
            if (width == 4) {
                ints[c] = chunks[c].asIntBuffer();
                floats[c] = chunks[c].asFloatBuffer();
            } else {
                longs[c] = chunks[c].asLongBuffer();
            }
        }
    }

    /**
     * Maps {@code file}, which must hold exactly {@code length} elements of {@code width} bytes;
     * a file of another size is refused naming it, before anything is read.
     */
    static MappedArray map(Path file, int width, long length) {
        return map(file, width, length, CHUNK_BYTES);
    }

    /** As {@link #map(Path, int, long)}, in chunks of {@code chunkBytes} (a power of two, at least 8; small ones for tests). */
    static MappedArray map(Path file, int width, long length, int chunkBytes) {
        if (chunkBytes < 8 || Integer.bitCount(chunkBytes) != 1) {
            throw new IllegalArgumentException("chunks of " + chunkBytes + " bytes; a power of two, at least 8");
        }
        long bytes = Math.multiplyExact(length, (long) width);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ArrayFile.requireSize(file, ch.size(), width, length);
            int n = (int) ((bytes + chunkBytes - 1) / chunkBytes);
            ByteBuffer[] chunks = new ByteBuffer[n];
            for (int c = 0; c < n; c++) {
                long at = (long) c * chunkBytes;
                chunks[c] = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(chunkBytes, bytes - at)).order(ByteOrder.LITTLE_ENDIAN);
            }
            return new MappedArray(file, width, length, chunks, chunkBytes);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new GraphFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new GraphFormatException(file + ": cannot map (" + DataFiles.oneLine(e) + ")", e);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public String name() {
        return file.toString();
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int getInt(long i) {
        return ints[(int) (i >>> shift)].get((int) (i & mask));
    }

    @Override
    public float getFloat(long i) {
        return floats[(int) (i >>> shift)].get((int) (i & mask));
    }

    @Override
    public long getLong(long i) {
        return longs[(int) (i >>> shift)].get((int) (i & mask));
    }

    @Override
    public void getInts(long from, int[] dst, int off, int len) {
        byChunk(from, off, len, (c, at, o, n) -> ints[c].get(at, dst, o, n));
    }

    @Override
    public void getFloats(long from, float[] dst, int off, int len) {
        byChunk(from, off, len, (c, at, o, n) -> floats[c].get(at, dst, o, n));
    }

    @Override
    public void getLongs(long from, long[] dst, int off, int len) {
        byChunk(from, off, len, (c, at, o, n) -> longs[c].get(at, dst, o, n));
    }

    /** A bulk read of n elements from chunk c, at index {@code at} there, into the destination at {@code off}. */
    private interface ChunkRead {
        void read(int c, int at, int off, int n);
    }

    /** Splits elements [from, from + len) at chunk boundaries, one {@code read} per chunk touched. */
    private void byChunk(long from, int off, int len, ChunkRead read) {
        while (len > 0) {
            int c = (int) (from >>> shift);
            int at = (int) (from & mask);
            int n = Math.min(len, perChunk - at);
            read.read(c, at, off, n);
            from += n;
            off += n;
            len -= n;
        }
    }

    /** The CRC-32 of the file's bytes (the checksum graph.json lists), read chunk by chunk. */
    long crc32() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (ByteBuffer c : chunks) {
            crc.update(c.duplicate().clear());
        }
        return crc.getValue();
    }
}
