package org.gmi.engine;

/**
 * Row-major transposes for the kernels that pack an operand (gemmTransA, gemmTransB, the
 * reconstruction's H^T). Pure data movement: the products that read the copy keep their bits.
 */
final class Transpose {
    /** Square blocks of this side: a block of the source and of the destination (2 x 4 KB) stay in L1. */
    static final int BLOCK = 32;

    private Transpose() {}

    /** dst[j * rows + i] = src[i * cols + j]: one strided pass, the reference. */
    static void naive(float[] src, int rows, int cols, float[] dst) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                dst[j * rows + i] = src[i * cols + j];
            }
        }
    }

    /**
     * The same result block by block: the naive pass writes one float per cache line of dst for each
     * row of src and so streams all of dst through the caches {@code rows / 16} times; here every
     * line is filled while it is in L1.
     */
    static void blocked(float[] src, int rows, int cols, float[] dst) {
        // Bands of BLOCK rows of src write disjoint columns of dst: split across the pool (the copy
        // was serial inside otherwise parallel products, capping their 2-thread speed-up).
        int bands = (rows + BLOCK - 1) / BLOCK;
        Parallel.forRange(bands, 4, (lo, hi) -> blockedBands(src, rows, cols, dst, lo, hi));
    }

    private static void blockedBands(float[] src, int rows, int cols, float[] dst, int bandLo, int bandHi) {
        for (int i0 = bandLo * BLOCK; i0 < Math.min(rows, bandHi * BLOCK); i0 += BLOCK) {
            int i1 = Math.min(rows, i0 + BLOCK);
            for (int j0 = 0; j0 < cols; j0 += BLOCK) {
                int j1 = Math.min(cols, j0 + BLOCK);
                for (int i = i0; i < i1; i++) {
                    int s = i * cols;
                    for (int j = j0; j < j1; j++) {
                        dst[j * rows + i] = src[s + j];
                    }
                }
            }
        }
    }
}
