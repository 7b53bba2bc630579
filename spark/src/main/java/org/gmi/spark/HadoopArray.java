package org.gmi.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataInputStream;
import org.gmi.graph.ArrayFile;

/**
 * One array of the binary layout read through a Hadoop file system's positional reads, a block at a
 * time: only the blocks a reader touches are fetched, into a direct-mapped cache of at most
 * {@code cacheBytes} (a block's slot is its index modulo the slot count; a block read again after its
 * slot was taken is fetched again). Blocks hold whole elements, as every array starts at offset 0 and
 * a block's size is a multiple of 8. Safe to read from several threads: a slot holds an immutable
 * block, and the stream's reads are serialised.
 */
final class HadoopArray implements ArrayFile, AutoCloseable {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final FSDataInputStream in;
    private final int width;
    private final long length;
    private final long bytes;
    private final int blockShift;
    private final long blockMask;
    private final Block[] slots;
    private final AtomicLong fetched = new AtomicLong();

    private record Block(long index, byte[] data) {}

    /**
     * @param blockBytes a power of two, at least 8
     * @param cacheBytes the most bytes of blocks kept (at least one block)
     */
    HadoopArray(String name, FSDataInputStream in, int width, long length, int blockBytes, long cacheBytes) {
        if (blockBytes < 8 || Integer.bitCount(blockBytes) != 1) {
            throw new IllegalArgumentException("blocks of " + blockBytes + " bytes; a power of two, at least 8");
        }
        this.name = name;
        this.in = in;
        this.width = width;
        this.length = length;
        this.bytes = length * width;
        this.blockShift = Integer.numberOfTrailingZeros(blockBytes);
        this.blockMask = blockBytes - 1;
        long blocks = (bytes + blockBytes - 1) / blockBytes;
        this.slots = new Block[(int) Math.max(1, Math.min(blocks, Math.max(1, cacheBytes / blockBytes)))];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long length() {
        return length;
    }

    /** The file's bytes. */
    long bytes() {
        return bytes;
    }

    /** The bytes fetched from the file system so far (blocks fetched again count again). */
    long bytesFetched() {
        return fetched.get();
    }

    /** The block holding byte {@code at}. */
    private byte[] block(long at) {
        long index = at >>> blockShift;
        int slot = (int) (index % slots.length);
        Block b = slots[slot];
        if (b != null && b.index == index) {
            return b.data;
        }
        long from = index << blockShift;
        byte[] data = new byte[(int) Math.min(blockMask + 1, bytes - from)];
        try {
            synchronized (in) {
                in.readFully(from, data, 0, data.length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read " + data.length + " bytes at " + from + " (" + e.getMessage() + ")", e);
        }
        fetched.addAndGet(data.length);
        slots[slot] = new Block(index, data);
        return data;
    }

    private void check(long i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("element " + i + " of " + length + " in " + name);
        }
    }

    @Override
    public int getInt(long i) {
        check(i);
        long at = i * width;
        return (int) INT.get(block(at), (int) (at & blockMask));
    }

    @Override
    public long getLong(long i) {
        check(i);
        long at = i * width;
        return (long) LONG.get(block(at), (int) (at & blockMask));
    }

    @Override
    public float getFloat(long i) {
        check(i);
        long at = i * width;
        return (float) FLOAT.get(block(at), (int) (at & blockMask));
    }

    @Override
    public void getInts(long from, int[] dst, int off, int len) {
        byBlock(from, off, len, (b, at, o, n) -> ByteBuffer.wrap(b, at, n * width).order(ByteOrder.LITTLE_ENDIAN)
                .asIntBuffer().get(dst, o, n));
    }

    @Override
    public void getFloats(long from, float[] dst, int off, int len) {
        byBlock(from, off, len, (b, at, o, n) -> ByteBuffer.wrap(b, at, n * width).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(dst, o, n));
    }

    @Override
    public void getLongs(long from, long[] dst, int off, int len) {
        byBlock(from, off, len, (b, at, o, n) -> ByteBuffer.wrap(b, at, n * width).order(ByteOrder.LITTLE_ENDIAN)
                .asLongBuffer().get(dst, o, n));
    }

    /** A bulk read of n elements from a block's bytes, from byte {@code at}, into the destination at {@code off}. */
    private interface BlockRead {
        void read(byte[] block, int at, int off, int n);
    }

    /** Splits elements [from, from + len) at block boundaries, one {@code read} per block touched. */
    private void byBlock(long from, int off, int len, BlockRead read) {
        if (len > 0) {
            check(from);
            check(from + len - 1);
        }
        while (len > 0) {
            long at = from * width;
            int inBlock = (int) (at & blockMask);
            int n = Math.min(len, (int) ((blockMask + 1 - inBlock) / width));
            read.read(block(at), inBlock, off, n);
            from += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
