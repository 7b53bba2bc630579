package org.gmi.opencl;

import org.gmi.engine.CsrMatrix;
import org.gmi.engine.backend.DeviceMatrix;
import org.gmi.engine.backend.ReconstructionKernel;
import org.jocl.cl_mem;

/**
 * The fused reconstruction on the device, the same mathematics as {@link org.gmi.engine.Reconstruction}:
 * {@code loss = w2/N^2 (sum_ij l0(s_ij) + sum_{(i,j) in T} (l1(s_ij) - l0(s_ij)))}, S = H H^T never
 * stored. Kernel {@code recon_dense} walks every ordered pair (each work-group owns 16 rows and
 * keeps their dH in registers, so no two work-groups write one row: no atomics, and both halves of
 * the symmetric S are computed, twice the CPU's dot products, in exchange for no scatter);
 * {@code recon_edges} adds the correction over T, one row per work-item. The two loss sums come
 * back as per-work-group partials, added on the host in double.
 */
final class ClReconstruction implements ReconstructionKernel {
    private final OpenClBackend cl;
    private final int n;
    private final int d;
    private final int rowBlocks;
    private final int maxp;
    private final cl_mem partial;
    private final cl_mem rowTerms;
    private final float[] partialHost;

    ClReconstruction(OpenClBackend cl, int n, int d) {
        this.cl = cl;
        this.n = n;
        this.d = d;
        this.rowBlocks = (n + OpenClBackend.TS - 1) / OpenClBackend.TS;
        this.maxp = OpenClBackend.maxp(d);
        this.partial = cl.buffer(4L * rowBlocks);
        this.rowTerms = cl.buffer(4L * n);
        this.partialHost = new float[rowBlocks];
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
        int ts = OpenClBackend.TS;
        cl.launch(cl.kernel("recon_dense", maxp), new long[] {(long) ts * rowBlocks, ts}, new long[] {ts, ts},
                hm, n, d, eps, gScale, dh, grad, partial);
        OpenClBackend.ClCsr t = cl.csr(target);
        cl.launch(cl.kernel("recon_edges", maxp), new long[] {n}, null,
                hm, n, d, t.ptr(), t.col(), w1, eps, gScale, dh, grad, rowTerms);
        double correction = cl.sumToHost(rowTerms, n);
        cl.readFloats(partial, partialHost, rowBlocks);
        double dense = 0;
        for (float v : partialHost) {
            dense += v;
        }
        return norm * (dense + correction);
    }
}
