package org.gmi.engine;

/**
 * The host backend: the engine's kernels (Vector API or scalar, {@link org.gmi.engine.Simd}) over
 * plain {@link Matrix} handles, zero copy. The loops here are the ones the autodiff ops ran before
 * the backend seam existed, unchanged, so CPU results keep their bits.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean isCpu() {
        return true;
    }

    /** Runs every kernel once on small shapes ({@link JitWarmUp#warmUp()}, once per JVM). */
    @Override
    public void warmUp() {
        JitWarmUp.warmUp();
    }

    /** The host matrix behind a handle of this backend. */
    public static Matrix host(DeviceMatrix m) {
        if (m instanceof Matrix h) {
            return h;
        }
        throw new IllegalArgumentException("the CPU backend got a matrix (" + m.shape() + ") of backend " + m.backend().name());
    }

    private static float[] data(DeviceMatrix m) {
        return host(m).data;
    }

    @Override
    public DeviceMatrix allocate(int rows, int cols) {
        return new Matrix(rows, cols);
    }

    @Override
    public void write(Matrix src, DeviceMatrix dst) {
        host(dst).copyFrom(src);
    }

    @Override
    public void read(DeviceMatrix src, Matrix dst) {
        dst.copyFrom(host(src));
    }

    @Override
    public void release(DeviceMatrix m) {
        // the garbage collector's job
    }

    @Override
    public void fill(DeviceMatrix x, float v) {
        float[] d = data(x);
        Elementwise.fill(d, d.length, v);
    }

    @Override
    public void copy(DeviceMatrix src, DeviceMatrix dst) {
        host(dst).copyFrom(host(src));
    }

    @Override
    public void addScaled(float alpha, DeviceMatrix x, DeviceMatrix y) {
        addScaled(alpha, x, y, true);
    }

    @Override
    public void addScaled(float alpha, DeviceMatrix x, DeviceMatrix y, boolean accumulate) {
        Matrix.requireSameShape("addScaled", host(x), host(y));
        float[] g = data(y);
        Elementwise.addScaled(alpha, data(x), g, g.length, accumulate);
    }

    @Override
    public void spmm(CsrMatrix s, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        Spmm.spmm(s, host(b), host(c), accumulate);
    }

    @Override
    public void spmmTransA(CsrMatrix s, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        Spmm.spmmTransA(s, host(b), host(c), accumulate);
    }

    @Override
    public boolean hasNeighbourWeights() {
        return true;
    }

    @Override
    public NeighbourWeights neighbourWeights(CsrMatrix pattern, DeviceMatrix h) {
        return NeighbourWeights.compute(pattern, host(h));
    }

    @Override
    public void weightedNeighbourSum(NeighbourWeights w, DeviceMatrix z, DeviceMatrix out, boolean accumulate) {
        Spmm.spmm(w.matrix(), host(z), host(out), accumulate);
    }

    @Override
    public void weightedNeighbourSumTransA(NeighbourWeights w, DeviceMatrix dy, DeviceMatrix out, boolean accumulate) {
        Spmm.spmmTransA(w.matrix(), host(dy), host(out), accumulate);
    }

    @Override
    public void neighbourWeightsBackward(NeighbourWeights w, DeviceMatrix h, DeviceMatrix z, DeviceMatrix dy, DeviceMatrix dh) {
        w.backwardIntoH(host(h), host(z), host(dy), host(dh));
    }

    @Override
    public void gemm(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        Gemm.gemm(host(a), host(b), host(c), accumulate);
    }

    @Override
    public void gemmTransA(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        Gemm.gemmTransA(host(a), host(b), host(c), accumulate);
    }

    @Override
    public void gemmTransB(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        Gemm.gemmTransB(host(a), host(b), host(c), accumulate);
    }

    @Override
    public void addBias(DeviceMatrix x, DeviceMatrix bias, DeviceMatrix out) {
        Matrix o = host(out);
        Matrix.requireSameShape("addBias", host(x), o);
        if (bias.rows() != 1 || bias.cols() != o.cols) {
            throw new IllegalArgumentException("addBias: bias (" + bias.shape() + ") for (" + o.shape() + ")");
        }
        Elementwise.addBias(data(x), data(bias), o.data, o.rows, o.cols);
    }

    @Override
    public void addColumnSums(DeviceMatrix dy, DeviceMatrix db) {
        Matrix g = host(dy);
        if (db.rows() != 1 || db.cols() != g.cols) {
            throw new IllegalArgumentException("addColumnSums: (" + g.shape() + ") into (" + db.shape() + ")");
        }
        Elementwise.addColumnSums(g.data, g.rows, g.cols, data(db));
    }

    @Override
    public void prelu(DeviceMatrix x, DeviceMatrix a, DeviceMatrix out) {
        Matrix.requireSameShape("prelu", host(x), host(out));
        float[] o = data(out);
        Elementwise.prelu(data(x), data(a)[0], o, o.length);
    }

    @Override
    public void preluBackward(DeviceMatrix x, DeviceMatrix a, DeviceMatrix dyM, DeviceMatrix dxM, DeviceMatrix daM) {
        preluBackward(x, a, dyM, dxM, true, daM);
    }

    @Override
    public void preluBackward(DeviceMatrix x, DeviceMatrix a, DeviceMatrix dyM, DeviceMatrix dxM, boolean accumulateDx,
                              DeviceMatrix daM) {
        Matrix.requireSameShape("preluBackward", host(x), host(dyM));
        if (dxM != null) {
            Matrix.requireSameShape("preluBackward", host(x), host(dxM));
        }
        float[] xv = data(x);
        double da = Elementwise.preluBackward(xv, data(a)[0], data(dyM), dxM != null ? data(dxM) : null, xv.length,
                accumulateDx);
        if (daM != null) {
            data(daM)[0] += (float) da;
        }
    }

    /** The CPU's index lists: the host arrays themselves. */
    private record HostIndices(int[][] arrays, int length) implements Indices {
        @Override
        public int lists() {
            return arrays.length;
        }
    }

    @Override
    public Indices indices(int[][] lists, int leftRows) {
        int n = -1;
        for (int[] l : lists) {
            if (l != null) {
                n = l.length;
            }
        }
        return new HostIndices(lists, n);
    }

    private static int[][] lists(Indices idx) {
        if (idx instanceof HostIndices h) {
            return h.arrays;
        }
        throw new IllegalArgumentException("the CPU backend got index lists of another backend");
    }

    @Override
    public void rowDots(DeviceMatrix left, Indices idx, DeviceMatrix right, DeviceMatrix c, DeviceMatrix outM) {
        int[][] lists = lists(idx);
        Matrix out = host(outM);
        int n = right.rows();
        for (int k = 0; k < lists.length; k++) {
            RowOps.rowDots(host(left), lists[k], host(right), out.data, k * n);
        }
        float cv = data(c)[0];
        if (cv != 0f) {
            for (int i = 0; i < out.data.length; i++) {
                out.data[i] += cv;
            }
        }
    }

    @Override
    public void rowDotsBackward(DeviceMatrix left, Indices idx, DeviceMatrix right, DeviceMatrix dyM,
                                DeviceMatrix dLeft, DeviceMatrix dRight, DeviceMatrix dc) {
        rowDotsBackward(left, idx, right, dyM, dLeft, true, dRight, true, dc);
    }

    @Override
    public void rowDotsBackward(DeviceMatrix left, Indices idx, DeviceMatrix right, DeviceMatrix dyM,
                                DeviceMatrix dLeft, boolean accumulateLeft, DeviceMatrix dRight, boolean accumulateRight,
                                DeviceMatrix dc) {
        int[][] lists = lists(idx);
        float[] dy = data(dyM);
        Matrix dl = dLeft != null ? host(dLeft) : null;
        Matrix dr = dRight != null ? host(dRight) : null;
        RowOps.rowDotsBackwardLists(host(left), lists, host(right), dy, dl, accumulateLeft, dr, accumulateRight);
        if (dc != null) {
            double s = 0;
            for (float v : dy) {
                s += v;
            }
            data(dc)[0] += (float) s;
        }
    }

    @Override
    public double jsd(DeviceMatrix pos, DeviceMatrix neg, boolean probabilities) {
        double ePos = 0;
        for (float s : data(pos)) {
            ePos += ScalarMath.softplus(-f(s, probabilities));
        }
        double eNeg = 0;
        for (float s : data(neg)) {
            eNeg += ScalarMath.softplus(f(s, probabilities));
        }
        return ePos / host(pos).size() + eNeg / host(neg).size();
    }

    private static double f(double s, boolean probabilities) {
        return probabilities ? ScalarMath.sigmoid(s) : s;
    }

    /** df/ds at s. */
    private static double fPrime(double s, boolean probabilities) {
        if (!probabilities) {
            return 1;
        }
        double p = ScalarMath.sigmoid(s);
        return p * (1 - p);
    }

    @Override
    public void jsdBackward(DeviceMatrix posM, DeviceMatrix negM, boolean probabilities, double up,
                            DeviceMatrix dPos, DeviceMatrix dNeg) {
        if (dPos != null) {
            float[] s = data(posM);
            float[] g = data(dPos);
            double scale = up / s.length;
            for (int i = 0; i < s.length; i++) {
                // d/ds softplus(-f(s)) = -sigmoid(-f(s)) f'(s)
                g[i] += (float) (-scale * ScalarMath.sigmoid(-f(s[i], probabilities)) * fPrime(s[i], probabilities));
            }
        }
        if (dNeg != null) {
            float[] s = data(negM);
            float[] g = data(dNeg);
            double scale = up / s.length;
            for (int i = 0; i < s.length; i++) {
                g[i] += (float) (scale * ScalarMath.sigmoid(f(s[i], probabilities)) * fPrime(s[i], probabilities));
            }
        }
    }

    @Override
    public void gatherRows(DeviceMatrix src, Indices idx, DeviceMatrix out) {
        RowOps.gatherRows(host(src), lists(idx)[0], host(out));
    }

    @Override
    public void scatterAddRows(DeviceMatrix g, Indices idx, DeviceMatrix dSrc) {
        scatterAddRows(g, idx, dSrc, true);
    }

    @Override
    public void scatterAddRows(DeviceMatrix g, Indices idx, DeviceMatrix dSrc, boolean accumulate) {
        RowOps.scatterAddRows(host(g), lists(idx)[0], host(dSrc), accumulate);
    }

    @Override
    public void rowMean(DeviceMatrix xM, DeviceMatrix outM) {
        Matrix x = host(xM);
        int n = x.rows;
        int d = x.cols;
        double[] acc = new double[d];
        float[] xv = x.data;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                acc[j] += xv[i * d + j];
            }
        }
        float[] out = data(outM);
        for (int j = 0; j < d; j++) {
            out[j] = (float) (acc[j] / n);
        }
    }

    @Override
    public void rowMeanBackward(DeviceMatrix dyM, DeviceMatrix dxM) {
        Matrix x = host(dxM);
        int n = x.rows;
        int d = x.cols;
        float[] dy = data(dyM);
        float[] dx = x.data;
        float[] share = new float[d];
        for (int j = 0; j < d; j++) {
            share[j] = dy[j] / n;
        }
        // dx[i, :] += share, each row once: the bias's kernel, the same single rounding per element
        Elementwise.addBias(dx, share, dx, n, d);
    }

    @Override
    public void sigmoid(DeviceMatrix x, DeviceMatrix out) {
        float[] xv = data(x);
        float[] o = data(out);
        for (int i = 0; i < xv.length; i++) {
            o[i] = (float) ScalarMath.sigmoid(xv[i]);
        }
    }

    @Override
    public void sigmoidBackward(DeviceMatrix y, DeviceMatrix dyM, DeviceMatrix dxM) {
        float[] yv = data(y);
        float[] dy = data(dyM);
        float[] dx = data(dxM);
        for (int i = 0; i < yv.length; i++) {
            dx[i] += dy[i] * yv[i] * (1f - yv[i]);
        }
    }

    @Override
    public double bceWithLogits(DeviceMatrix pos, DeviceMatrix neg) {
        double sum = 0;
        for (float s : data(pos)) {
            sum += ScalarMath.softplus(-s);
        }
        for (float s : data(neg)) {
            sum += ScalarMath.softplus(s);
        }
        return sum / (host(pos).size() + host(neg).size());
    }

    @Override
    public void bceWithLogitsBackward(DeviceMatrix posM, DeviceMatrix negM, double up, DeviceMatrix dPos, DeviceMatrix dNeg) {
        // a float division, as the op always computed it (up is the float upstream gradient)
        double scale = (float) up / (host(posM).size() + host(negM).size());
        if (dPos != null) {
            float[] s = data(posM);
            float[] g = data(dPos);
            for (int i = 0; i < s.length; i++) {
                g[i] += (float) (-scale * ScalarMath.sigmoid(-s[i]));
            }
        }
        if (dNeg != null) {
            float[] s = data(negM);
            float[] g = data(dNeg);
            for (int i = 0; i < s.length; i++) {
                g[i] += (float) (scale * ScalarMath.sigmoid(s[i]));
            }
        }
    }

    @Override
    public ReconstructionKernel reconstruction(int n, int d) {
        return new Reconstruction(n, d);
    }

    @Override
    public SampledReconstructionKernel sampledReconstruction(int n, int d, int k, int edgePairs) {
        return new SampledReconstruction(n, d, k, edgePairs);
    }

    @Override
    public void adamStep(DeviceMatrix wM, DeviceMatrix gM, DeviceMatrix mM, DeviceMatrix vM,
                         float b1, float b2, float c1, float c2, float lrf, float epsf, float wd) {
        float[] w = data(wM);
        float[] g = gM == null ? null : data(gM);
        float[] mk = data(mM);
        float[] vk = data(vM);
        Parallel.forRange(w.length, 1 << 15, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float gi = (g == null ? 0f : g[i]) + wd * w[i];
                mk[i] = b1 * mk[i] + (1 - b1) * gi;
                vk[i] = b2 * vk[i] + (1 - b2) * gi * gi;
                float mh = mk[i] / c1;
                float vh = vk[i] / c2;
                w[i] -= lrf * mh / ((float) Math.sqrt(vh) + epsf);
            }
        });
    }

    @Override
    public long peakBytes() {
        return 0;
    }

    @Override
    public void close() {
        // nothing held
    }
}
