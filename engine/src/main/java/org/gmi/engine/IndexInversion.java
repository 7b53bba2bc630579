package org.gmi.engine;

import java.util.Arrays;

/**
 * The inverse of an index list, by a counting sort: for a list {@code values} of rows in [0, rows)
 * (an entry -1 meaning none), which offsets point at each row, ascending. The backward passes of the
 * gathers use it to sum, row by row on any thread, the terms a serial scatter would add in offset
 * order, so that they keep its bits.
 */
public final class IndexInversion {
    private IndexInversion() {}

    /**
     * Afterwards {@code offsets[ptr[r] .. ptr[r+1])} holds, ascending, the offsets o in [0, count)
     * with {@code values[o] == r}; entries -1 are skipped. {@code ptr} needs rows + 1 entries,
     * {@code offsets} as many as the entries that are not -1, {@code next} (scratch) rows; nothing is
     * allocated. The caller has checked that every entry is in [-1, rows).
     */
    public static void invert(int[] values, int count, int rows, int[] ptr, int[] offsets, int[] next) {
        Arrays.fill(ptr, 0, rows + 1, 0);
        for (int o = 0; o < count; o++) {
            int r = values[o];
            if (r >= 0) {
                ptr[r + 1]++;
            }
        }
        for (int r = 0; r < rows; r++) {
            ptr[r + 1] += ptr[r];
        }
        System.arraycopy(ptr, 0, next, 0, rows);
        for (int o = 0; o < count; o++) {
            int r = values[o];
            if (r >= 0) {
                offsets[next[r]++] = o;
            }
        }
    }
}
