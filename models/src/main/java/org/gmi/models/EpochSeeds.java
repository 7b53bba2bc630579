package org.gmi.models;

/**
 * The seed of every random draw of an epoch, a pure function of the run's seed, a stream (what the
 * draws are for) and the epoch number, so that a run resumed from a checkpoint draws exactly what
 * the uninterrupted run drew: no random generator state has to be saved.
 *
 * <pre>
 *   epochSeed(seed, stream, epoch) = mix64( mix64(seed XOR stream) + GOLDEN * epoch )
 *   mix64(z): z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9;  z = (z ^ z >>> 27) * 0x94D049BB133111EB;  z ^ z >>> 31
 * </pre>
 *
 * mix64 is SplitMix64's output function (Steele, Lea and Flood, OOPSLA 2014; Stafford's variant 13),
 * GOLDEN = 0x9E3779B97F4A7C15 its increment: for a fixed (seed, stream) the epoch seeds are the
 * outputs of one SplitMix64 sequence, a statistically independent value per epoch. The inner mix64
 * with a stream constant keeps these seeds apart from the initialisation generator, which is
 * {@code new SplittableRandom(seed)} (itself SplitMix64 over {@code seed}).
 */
public final class EpochSeeds {
    /** SplitMix64's increment, the odd integer nearest 2^64 / golden ratio. */
    public static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** Stream of GMI's negative samples ("NEGATIVE" in ASCII). */
    public static final long NEGATIVES = 0x4E45474154495645L;
    /** Stream of DGI's row shuffles ("CORRUPTN" in ASCII). */
    public static final long CORRUPTION = 0x434F52525550544EL;
    /** Stream of the sampled reconstruction's non-edges ("NONEDGES" in ASCII). */
    public static final long NON_EDGES = 0x4E4F4E4544474553L;

    /** Stream of minibatch training's order of seed nodes in an epoch ("BATCHORD" in ASCII). */
    public static final long BATCH_ORDER = 0x42415443484F5244L;
    /** Stream of a minibatch's own draws: its sampled neighbourhood, then its model's ("BATCHRNG" in ASCII). */
    public static final long BATCH = 0x4241544348524E47L;

    private EpochSeeds() {}

    /** The seed of the draws of {@code epoch} (1-based) in {@code stream} for a run seeded with {@code seed}. */
    public static long of(long seed, long stream, int epoch) {
        return mix64(mix64(seed ^ stream) + GOLDEN * epoch);
    }

    /**
     * The seed of minibatch {@code batch} (0-based) of {@code epoch} in {@code stream}: the epoch's seed,
     * then one more SplitMix64 step per batch, so each batch's draws depend on (seed, epoch, batch) alone.
     */
    public static long of(long seed, long stream, int epoch, int batch) {
        return mix64(of(seed, stream, epoch) + GOLDEN * (batch + 1L));
    }

    /** SplitMix64's output function. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
