package org.gmi.opencl;

import org.gmi.engine.CsrMatrix;
import org.gmi.engine.MirroredPairs;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.SampledReconstructionKernel;
import org.jocl.cl_mem;

/**
 * The sampled reconstruction on the device, the mathematics of {@link org.gmi.engine.SampledReconstruction}.
 * Pass 1 (one work-item per row) computes every pair's loss and dL/ds into coefficient arrays; pass 2
 * gathers each row's gradient from its own pairs and from the pairs that point at it: the mirrored
 * edges through T's transpose (with each entry's index into T, built once on the host) and the
 * mirrored samples through the inverse of this epoch's draws (built on the host at each call, as the
 * negatives' inverse is). No atomics; the same inputs give the same bits.
 */
final class ClSampledReconstruction implements SampledReconstructionKernel {
    private final OpenClBackend cl;
    private final int n;
    private final int d;
    private final int k;
    private final int edgePairs;
    private final cl_mem edgeCoef;
    private final cl_mem sampleCoef;
    private final cl_mem rowLoss;
    private final cl_mem sampledMem;
    private final cl_mem invPtrMem;
    private final cl_mem invMem;
    private final int[] invPtr;
    private final int[] inv;
    private final int[] next;
    /** The target this plan's transpose arrays were built for, and those arrays on the device. */
    private CsrMatrix transposedFor;
    private cl_mem tPtr;
    private cl_mem tRow;
    private cl_mem tEdge;

    ClSampledReconstruction(OpenClBackend cl, int n, int d, int k, int edgePairs) {
        if (k < 1) {
            throw new IllegalArgumentException("sampled reconstruction needs k >= 1 non-edges per node, got " + k);
        }
        this.cl = cl;
        this.n = n;
        this.d = d;
        this.k = k;
        this.edgePairs = edgePairs;
        this.edgeCoef = cl.buffer(4L * edgePairs);
        this.sampleCoef = cl.buffer(4L * n * k);
        this.rowLoss = cl.buffer(4L * n);
        this.sampledMem = cl.buffer(4L * n * k);
        this.invPtrMem = cl.buffer(4L * (n + 1));
        this.invMem = cl.buffer(4L * n * k);
        this.invPtr = new int[n + 1];
        this.inv = new int[n * k];
        this.next = new int[n];
    }

    @Override
    public int samplesPerNode() {
        return k;
    }

    @Override
    public double lossAndGradient(DeviceMatrix h, CsrMatrix target, int[] sampled, float w1, float w2, float eps, float scale,
                                  DeviceMatrix dH) {
        if (h.rows() != n || h.cols() != d || target.rows != n || target.cols != n) {
            throw new IllegalArgumentException("sampledReconstruction: H (" + h.shape() + "), target (" + target.shape()
                    + ") for a kernel planned for " + n + "x" + d);
        }
        if (sampled.length != n * k || target.nnz() != edgePairs) {
            throw new IllegalArgumentException("sampledReconstruction: " + sampled.length + " samples for " + n + " x " + k
                    + ", target nnz " + target.nnz() + " for " + edgePairs + " planned");
        }
        if (dH != null && (dH.rows() != n || dH.cols() != d)) {
            throw new IllegalArgumentException("sampledReconstruction gradient: shapes differ (" + h.shape() + ") vs (" + dH.shape() + ")");
        }
        double norm = (double) w2 / ((double) n * n);
        float gScale = (float) (scale * norm);
        OpenClBackend.ClCsr t = cl.csr(target);
        uploadSamples(sampled);
        cl_mem hm = cl.mem(h);
        cl.launch(cl.kernel("sampled_pass1"), new long[] {n}, null, hm, n, d, t.ptr(), t.col(), sampledMem, k, w1, eps, gScale,
                edgeCoef, sampleCoef, rowLoss);
        if (dH != null) {
            transposeOf(target);
            cl.launch(cl.kernel("sampled_pass2"), new long[] {d, n}, null, hm, n, d, t.ptr(), t.col(), tPtr, tRow, tEdge,
                    sampledMem, k, invPtrMem, invMem, edgeCoef, sampleCoef, cl.mem(dH));
        }
        return norm * cl.sumToHost(rowLoss, n);
    }

    /** The draws and their inverse (which (i, t) drew row j, in index order), to the device. */
    private void uploadSamples(int[] sampled) {
        MirroredPairs.invertDraws(sampled, n, invPtr, inv, next);
        cl.writeInts(sampledMem, sampled);
        cl.writeInts(invPtrMem, invPtr);
        cl.writeInts(invMem, inv);
    }

    /** T's transpose with, for each of its entries, the index of the same pair in T; built once per target. */
    private void transposeOf(CsrMatrix target) {
        if (transposedFor == target) {
            return;
        }
        MirroredPairs.Transposed t = MirroredPairs.transposeWithPositions(target);
        tPtr = cl.intBuffer(t.ptr());
        tRow = cl.intBuffer(t.row());
        tEdge = cl.intBuffer(t.edge());
        transposedFor = target;
    }
}
