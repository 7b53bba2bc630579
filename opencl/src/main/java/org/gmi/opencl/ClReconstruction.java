package org.gmi.opencl;

import org.gmi.engine.CsrMatrix;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.ReconstructionKernel;
import org.jocl.cl_mem;

/**
 * The reconstruction on the device, the same mathematics as {@link org.gmi.engine.Reconstruction}:
 * {@code loss = w2/N^2 (sum_ij l0(s_ij) + sum_{(i,j) in T} (l1(s_ij) - l0(s_ij)))}, S = H H^T.
 *
 * <p>With the tuned kernels, S is computed a chunk of rows at a time (at most {@link #CHUNK_FLOATS}
 * floats of S live at once, never the whole N x N): S_c = H_c H^T by the tiled GEMM, {@code recon_terms}
 * turns S_c into g(S_c) in place and sums l0, and dH_c += g(S_c) H by the tiled GEMM again. Both
 * halves of the symmetric S are computed (4 N^2 d FLOP rather than the CPU's 3): each chunk then
 * writes only its own rows of dH, with no atomics. With the simple kernels, {@code recon_dense}
 * does the same in one kernel without the chunk buffer (each work-group owns 16 rows and keeps
 * their dH in registers). The correction over T is {@code recon_edges_grouped} (a work-group per
 * row) or {@code recon_edges} (a work-item per row). The loss sums come back as per-work-group
 * partials, added on the host in double.
 */
final class ClReconstruction implements ReconstructionKernel {
    /** The most floats of S held at once by the chunked form (256 MiB). */
    static final long CHUNK_FLOATS = 64L << 20;
    /** Work-groups of recon_terms per chunk. */
    private static final int TERM_GROUPS = 1024;

    private final OpenClBackend cl;
    private final int n;
    private final int d;
    private final int chunkRows;
    private final int rowBlocks;
    private final int maxp;
    private final cl_mem rowTerms;
    private cl_mem partial;
    private float[] partialHost;
    private cl_mem chunk;

    ClReconstruction(OpenClBackend cl, int n, int d) {
        this(cl, n, d, defaultChunkRows(n));
    }

    /** With chunks of {@code chunkRows} rows of S (tests choose small chunks to cross their edges). */
    ClReconstruction(OpenClBackend cl, int n, int d, int chunkRows) {
        this.cl = cl;
        this.n = n;
        this.d = d;
        this.chunkRows = Math.max(1, Math.min(Math.max(n, 1), chunkRows));
        this.rowBlocks = (n + OpenClBackend.TS - 1) / OpenClBackend.TS;
        this.maxp = OpenClBackend.maxp(d);
        this.rowTerms = cl.buffer(4L * n);
    }

    /** Rows per chunk: as many as CHUNK_FLOATS allow, a multiple of the large GEMM tile when that is less than N. */
    static int defaultChunkRows(int n) {
        if (n == 0) {
            return 1;
        }
        long rows = CHUNK_FLOATS / n;
        if (rows >= n) {
            return n;
        }
        int tile = OpenClBackend.GemmTile.LARGE.bm();
        return (int) Math.max(tile, rows / tile * tile);
    }

    int chunkRows() {
        return chunkRows;
    }

    @Override
    public double lossAndGradient(DeviceMatrix h, CsrMatrix target, float w1, float w2, float eps, float scale, DeviceMatrix dH) {
        if (h.rows() != n || h.cols() != d) {
            throw new IllegalArgumentException("reconstruction: H is (" + h.shape() + "), kernel planned for " + n + "x" + d);
        }
        if (target.rows != n || target.cols != n) {
            throw new IllegalArgumentException("reconstruction: target (" + target.shape() + ") for H (" + h.shape() + ")");
        }
        if (dH != null && (dH.rows() != n || dH.cols() != d)) {
            throw new IllegalArgumentException("reconstruction gradient: shapes differ (" + h.shape() + ") vs (" + dH.shape() + ")");
        }
        if (n == 0) {
            return 0;
        }
        double norm = (double) w2 / ((double) n * n);
        // dL/ds for one ordered pair is norm * l'(s); the factor 2 is the symmetric pair's share
        float gScale = (float) (2.0 * scale * norm);
        int grad = dH == null ? 0 : 1;
        cl_mem hm = cl.mem(h);
        cl_mem dh = dH == null ? hm : cl.mem(dH);
        OpenClBackend.ClCsr t = cl.csr(target);
        boolean tuned = cl.kernels() == OpenClBackend.Kernels.TUNED;
        double dense = tuned ? denseChunked(hm, dh, grad, eps, gScale) : denseFused(hm, dh, grad, eps, gScale);
        if (tuned) {
            cl.launch(cl.kernel("recon_edges_grouped"), new long[] {64L * n}, new long[] {64},
                    hm, n, d, t.ptr(), t.col(), w1, eps, gScale, dh, grad, rowTerms);
        } else {
            cl.launch(cl.kernel("recon_edges", maxp), new long[] {n}, null,
                    hm, n, d, t.ptr(), t.col(), w1, eps, gScale, dh, grad, rowTerms);
        }
        double correction = cl.sumToHost(rowTerms, n);
        return norm * (dense + correction);
    }

    private double denseFused(cl_mem hm, cl_mem dh, int grad, float eps, float gScale) {
        int ts = OpenClBackend.TS;
        cl_mem p = partials(rowBlocks);
        cl.launch(cl.kernel("recon_dense", maxp), new long[] {(long) ts * rowBlocks, ts}, new long[] {ts, ts},
                hm, n, d, eps, gScale, dh, grad, p);
        return sumPartials(rowBlocks);
    }

    private double denseChunked(cl_mem hm, cl_mem dh, int grad, float eps, float gScale) {
        if (chunk == null) {
            chunk = cl.buffer(4L * chunkRows * n);
        }
        int chunks = (n + chunkRows - 1) / chunkRows;
        cl_mem p = partials(chunks * TERM_GROUPS);
        for (int c = 0; c < chunks; c++) {
            int r0 = c * chunkRows;
            int rows = Math.min(chunkRows, n - r0);
            // S_c = H[r0 .. r0+rows) H^T, rows x n
            cl.gemmTiled(hm, r0 * d, d, false, hm, 0, d, true, chunk, 0, rows, n, d, false);
            int total = rows * n;
            cl.launch(cl.kernel("recon_terms"), new long[] {(long) OpenClBackend.RED * TERM_GROUPS}, new long[] {OpenClBackend.RED},
                    chunk, total, eps, gScale, grad, p, c * TERM_GROUPS);
            if (grad == 1) {
                // dH[r0 .. r0+rows) += g(S_c) H
                cl.gemmTiled(chunk, 0, n, false, hm, 0, d, false, dh, r0 * d, rows, d, n, true);
            }
        }
        return sumPartials(chunks * TERM_GROUPS);
    }

    private cl_mem partials(int count) {
        if (partialHost == null || partialHost.length < count) {
            if (partial != null) {
                cl.free(partial, 4L * partialHost.length);
            }
            partial = cl.buffer(4L * count);
            partialHost = new float[count];
        }
        return partial;
    }

    private double sumPartials(int count) {
        cl.readFloats(partial, partialHost, count);
        double s = 0;
        for (int i = 0; i < count; i++) {
            s += partialHost[i];
        }
        return s;
    }
}
