package org.gmi.models;

import java.util.Arrays;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.SparseRows;
import org.gmi.graph.NeighbourSampler;
import org.gmi.graph.NormalizedAdjacency;
import org.gmi.graph.Normalization;

/**
 * The constant matrices of one minibatch step, cut from the whole graph's operators
 * ({@link GraphOperators}) along a sampled neighbourhood ({@link NeighbourSampler.Batch}), in the
 * batch's local numbering (the B seeds first).
 *
 * <p>Layer l of an L-layer encoder is computed only for the nodes within L - 1 - l hops of the seeds,
 * so the last layer's output is the seeds' embeddings. Its propagation block keeps row u of Â: the self
 * entry Â_uu, and for the s_u sampled neighbours v of u (out of its n_u neighbours) Â_uv scaled by
 * n_u / s_u, so that the block's product is an unbiased estimate of Â's row (exact when every neighbour
 * was sampled). GMI's neighbour mean M is cut the same way: the mean over the sampled neighbours.
 *
 * <p>The node counts of a layer's input and output vary from batch to batch; each is padded with empty
 * rows and columns up to a coarse bucket ({@link #padded}), and up to the largest bucket of the batches
 * before it, so a run's batches soon share their shapes and a training tape reuses its buffers instead of
 * allocating new ones every step. The padding
 * rows are in no block's columns: they change no value and receive no gradient.
 *
 * @param features      X' (rows divided by their sums) for every batch node, then empty padding rows
 * @param blocks        the propagation of each layer: block l maps the (padded) nodes within L-l hops to
 *                      those within L-1-l, the last block's rows being the B seeds
 * @param seedFeatures  the first B rows of {@code features}: X' of the seeds
 * @param neighbourMean M's rows of the seeds over the sampled neighbours, B x features.rows
 * @param target        the pattern of T = A + I among the seeds, B x B
 * @param nodes         the graph node of every batch node, seeds first
 */
public record BatchOperators(CsrMatrix features, CsrMatrix[] blocks, CsrMatrix seedFeatures, CsrMatrix neighbourMean,
                             CsrMatrix target, int[] nodes) {

    /** The operators of {@code batch}, whose hops are the encoder's layers, cut from {@code full}. */
    public static BatchOperators of(GraphOperators full, NeighbourSampler.Batch batch) {
        return of(full, batch, new int[batch.sizes().length]);
    }

    /**
     * The same, each hop's node count padded to at least {@code widths[h]}, which is then raised to the
     * count used: a trainer that passes the same array to every batch sees each shape grow to the largest
     * bucket met and stay there, so its buffers are allocated a few times in a run, not once per batch.
     */
    public static BatchOperators of(GraphOperators full, NeighbourSampler.Batch batch, int[] widths) {
        int[] sizes = batch.sizes();
        int layers = sizes.length - 1;
        int total = batch.nodes().length;
        int seeds = batch.seeds();
        // hop h's node count, padded (the seeds, hop 0, are the loss's rows and stay as they are)
        int[] width = new int[layers + 1];
        for (int h = 0; h <= layers; h++) {
            width[h] = h == 0 ? seeds : Math.max(padded(sizes[h]), widths[h]);
            widths[h] = width[h];
        }
        CsrMatrix features = Normalization.rowNormalizeFeatures(full.rawFeatures().gather(batch.nodes(), total));
        CsrMatrix propagation = rescaledRows(full.normalized(), true, batch, sizes[layers - 1], total);
        CsrMatrix[] blocks = new CsrMatrix[layers];
        for (int l = 0; l < layers; l++) {
            blocks[l] = pad(prefix(propagation, sizes[layers - 1 - l], sizes[layers - l]), width[layers - 1 - l], width[layers - l]);
        }
        return new BatchOperators(pad(features, width[layers], features.cols), blocks, prefix(features, seeds, features.cols),
                pad(rescaledRows(full.normalized(), false, batch, seeds, total), seeds, width[layers]),
                Normalization.reconstructionTarget(batch.seedPairs()), batch.nodes());
    }

    /**
     * A node count rounded up to its bucket: a multiple of 2^(floor(log2 n) - 3), at least 64, so at
     * most an eighth more rows (or 63) than it needs.
     */
    static int padded(int n) {
        int quantum = Math.max(64, Integer.highestOneBit(Math.max(n, 1)) >>> 3);
        return (int) Math.min(Integer.MAX_VALUE, ((long) n + quantum - 1) / quantum * quantum);
    }

    /** m as a rows x cols matrix, the rows after m's own empty. */
    static CsrMatrix pad(CsrMatrix m, int rows, int cols) {
        if (rows == m.rows && cols == m.cols) {
            return m;
        }
        int[] ptr = Arrays.copyOf(m.rowPtr, rows + 1);
        Arrays.fill(ptr, m.rows + 1, rows + 1, m.rowPtr[m.rows]);
        return new CsrMatrix(rows, cols, ptr, m.colIdx, m.values);
    }

    /** The batch's nodes, padding rows included: the rows of {@link #features} and of the first layer's input. */
    public int paddedNodes() {
        return features.rows;
    }

    /** B, the seed nodes of the batch: the rows of the embeddings a step computes. */
    public int seeds() {
        return seedFeatures.rows;
    }

    /**
     * The first {@code rows} rows of Â's ({@code propagation}) or M's rows of the batch nodes, over the
     * batch's columns: the diagonal entry where the matrix has one (Â always, M on a self-loop), and
     * each sampled neighbour's entry scaled by (neighbours) / (sampled), the neighbours counted from
     * A's row without its self-loop.
     */
    static CsrMatrix rescaledRows(NormalizedAdjacency full, boolean propagation, NeighbourSampler.Batch batch, int rows,
                                  int cols) {
        SparseRows a = full.adjacency();
        CsrMatrix sampled = batch.sampled();
        int[] nodes = batch.nodes();
        int[] ptr = new int[rows + 1];
        int[] col = new int[sampled.rowPtr[rows] + rows];
        float[] val = new float[col.length];
        // A's row u, read once (A may be mapped): its sampled neighbours are found there
        int[] row = new int[64];
        int p = 0;
        for (int r = 0; r < rows; r++) {
            int u = nodes[r];
            long lo = a.rowStart(u);
            int len = Math.toIntExact(a.rowStart(u + 1) - lo);
            if (row.length < len) {
                row = new int[Math.max(len, 2 * row.length)];
            }
            a.columns(lo, row, 0, len);
            int at = Arrays.binarySearch(row, 0, len, u);
            long loop = at >= 0 ? lo + at : -1;
            int neighbours = len - (loop >= 0 ? 1 : 0);
            boolean hasDiagonal = propagation || loop >= 0;
            float diagonal = propagation ? full.propagationDiagonal(u, loop) : loop >= 0 ? full.neighbourMean(u, loop) : 0f;
            int s0 = sampled.rowPtr[r];
            int s1 = sampled.rowPtr[r + 1];
            double scale = s1 > s0 ? (double) neighbours / (s1 - s0) : 0;
            boolean selfPlaced = !hasDiagonal;
            for (int k = s0; k < s1; k++) {
                int c = sampled.colIdx[k];
                if (c >= cols) {
                    throw new IllegalStateException("sampled neighbour " + c + " of batch node " + r + " lies beyond the block's " + cols + " columns");
                }
                if (!selfPlaced && c > r) {
                    col[p] = r;
                    val[p++] = diagonal;
                    selfPlaced = true;
                }
                int v = nodes[c];
                int i = Arrays.binarySearch(row, 0, len, v);
                if (i < 0) {
                    throw new IllegalStateException("sampled neighbour " + v + " of node " + u + " is not in its row");
                }
                float value = propagation ? full.propagation(u, v, lo + i) : full.neighbourMean(u, lo + i);
                col[p] = c;
                val[p++] = scale == 1 ? value : (float) (value * scale);
            }
            if (!selfPlaced) {
                col[p] = r;
                val[p++] = diagonal;
            }
            ptr[r + 1] = p;
        }
        return new CsrMatrix(rows, cols, ptr, Arrays.copyOf(col, p), Arrays.copyOf(val, p));
    }

    /** The first {@code rows} rows of {@code m} as a rows x cols matrix (its entries there lie below cols). */
    static CsrMatrix prefix(CsrMatrix m, int rows, int cols) {
        if (rows == m.rows && cols == m.cols) {
            return m;
        }
        int nnz = m.rowPtr[rows];
        for (int k = 0; k < nnz; k++) {
            if (m.colIdx[k] >= cols) {
                throw new IllegalStateException("entry in column " + m.colIdx[k] + " beyond the prefix's " + cols + " columns");
            }
        }
        return new CsrMatrix(rows, cols, Arrays.copyOf(m.rowPtr, rows + 1), Arrays.copyOf(m.colIdx, nnz), Arrays.copyOf(m.values, nnz));
    }
}
