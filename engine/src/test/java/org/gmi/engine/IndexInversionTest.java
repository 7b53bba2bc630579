package org.gmi.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The counting-sort inverse against the definition: for each row, the offsets pointing at it, ascending. */
class IndexInversionTest {
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("org.gmi.engine.Fixtures#seeds")
    void offsetsOfEachRowAscendingAndNoneSkipped(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int rows = 1 + rng.nextInt(40);
        int count = rng.nextInt(200);
        int[] values = new int[count + 3]; // entries past count must be ignored
        for (int o = 0; o < values.length; o++) {
            values[o] = rng.nextInt(5) == 0 ? -1 : rng.nextInt(rows);
        }
        int[] ptr = new int[rows + 1];
        int[] offsets = new int[count];
        IndexInversion.invert(values, count, rows, ptr, offsets, new int[rows]);
        int seen = 0;
        for (int r = 0; r < rows; r++) {
            List<Integer> want = new ArrayList<>();
            for (int o = 0; o < count; o++) {
                if (values[o] == r) {
                    want.add(o);
                }
            }
            int[] got = java.util.Arrays.copyOfRange(offsets, ptr[r], ptr[r + 1]);
            assertArrayEquals(want.stream().mapToInt(Integer::intValue).toArray(), got, "row " + r + " seed " + seed);
            seen += got.length;
        }
        int none = 0;
        for (int o = 0; o < count; o++) {
            none += values[o] < 0 ? 1 : 0;
        }
        assertEquals(count - none, seen, "every entry but the -1 ones once");
        assertEquals(seen, ptr[rows]);
    }
}
