package org.gmi.graph;

/**
 * A file of little-endian numbers of one width (int32, int64 or float32), read by position: one of
 * the binary layout's arrays ({@link BinaryGraph}), memory-mapped from a local or shared folder
 * ({@link MappedArray}), or read through another storage's positional reads (gmi-spark reads a
 * Hadoop file system's this way). Only what is read is fetched, so the array may be larger than the
 * Java heap. Safe to read from several threads.
 */
public interface ArrayFile {
    /** The file, for messages: a path or a URI. */
    String name();

    /** The elements it holds. */
    long length();

    int getInt(long i);

    long getLong(long i);

    float getFloat(long i);

    /** Elements [from, from + len) into {@code dst[off ..]}. */
    void getInts(long from, int[] dst, int off, int len);

    /** Elements [from, from + len) into {@code dst[off ..]}. */
    void getFloats(long from, float[] dst, int off, int len);

    /** Elements [from, from + len) into {@code dst[off ..]}. */
    void getLongs(long from, long[] dst, int off, int len);

    /**
     * Refuses, naming it, a file of {@code size} bytes that should hold {@code length} elements of
     * {@code width} bytes: checked before anything is read from it.
     */
    static void requireSize(Object file, long size, int width, long length) {
        long bytes = Math.multiplyExact(length, (long) width);
        if (size != bytes) {
            throw new GraphFormatException(file + ": " + size + " bytes, but graph.json makes it " + length + " "
                    + (width * 8) + "-bit values (" + bytes + " bytes)");
        }
    }
}
