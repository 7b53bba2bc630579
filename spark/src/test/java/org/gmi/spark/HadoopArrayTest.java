package org.gmi.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HadoopArray} returns the file's little-endian values, one at a time and in bulk, across block
 * boundaries, with a cache smaller than the file (blocks evicted and fetched again), for every width.
 */
class HadoopArrayTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void readsTheFilesValuesAcrossBlocks(long seed) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 1 + rng.nextInt(3000);
        int block = 8 << rng.nextInt(6);
        long cache = block * (1L + rng.nextInt(4));
        int[] ints = rng.ints(n).toArray();
        long[] longs = rng.longs(n).toArray();
        ByteBuffer bi = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bl = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bi.putInt(ints[i]);
            bl.putLong(longs[i]);
        }
        Files.write(dir.resolve("a.i32"), bi.array());
        Files.write(dir.resolve("a.i64"), bl.array());
        FileSystem fs = new RawLocalFileSystem();
        fs.initialize(java.net.URI.create("file:///"), new Configuration());
        org.apache.hadoop.fs.Path i32 = new org.apache.hadoop.fs.Path(dir.resolve("a.i32").toUri());
        org.apache.hadoop.fs.Path i64 = new org.apache.hadoop.fs.Path(dir.resolve("a.i64").toUri());
        try (HadoopArray ai = new HadoopArray("a.i32", fs.open(i32), 4, n, block, cache);
             HadoopArray al = new HadoopArray("a.i64", fs.open(i64), 8, n, block, cache)) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < n; i += 1 + rng.nextInt(5)) {
                    assertEquals(ints[i], ai.getInt(i), "int " + i);
                    assertEquals(Float.intBitsToFloat(ints[i]), ai.getFloat(i), "float " + i);
                    assertEquals(longs[i], al.getLong(i), "long " + i);
                }
            }
            for (int t = 0; t < 50; t++) {
                int from = rng.nextInt(n);
                int len = rng.nextInt(n - from + 1);
                int[] gi = new int[len + 1];
                float[] gf = new float[len + 1];
                long[] gl = new long[len + 1];
                ai.getInts(from, gi, 1, len);
                ai.getFloats(from, gf, 1, len);
                al.getLongs(from, gl, 1, len);
                for (int k = 0; k < len; k++) {
                    assertEquals(ints[from + k], gi[k + 1]);
                    assertEquals(Float.intBitsToFloat(ints[from + k]), gf[k + 1]);
                    assertEquals(longs[from + k], gl[k + 1]);
                }
            }
            assertThrows(IndexOutOfBoundsException.class, () -> ai.getInt(n));
            assertThrows(IndexOutOfBoundsException.class, () -> al.getLong(-1));
        }
    }
}
