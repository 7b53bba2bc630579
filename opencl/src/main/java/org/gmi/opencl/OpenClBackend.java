package org.gmi.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateCommandQueueWithProperties;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clReleaseProgram;
import static org.jocl.CL.clSetKernelArg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.Backend;
import org.gmi.engine.DeviceMatrix;
import org.gmi.engine.IndexInversion;
import org.gmi.engine.Indices;
import org.gmi.engine.ReconstructionKernel;
import org.gmi.engine.SampledReconstructionKernel;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;
import org.jocl.cl_queue_properties;

/**
 * The OpenCL backend (JOCL): every {@link Backend} op as a kernel of {@code kernels.cl}, on one
 * device, one in-order queue. Matrices live in device buffers ({@link ClMatrix}); kernels are
 * enqueued without waiting, and only {@link #read}, {@link #jsd} and the reconstruction's loss wait
 * for the device (they bring a value back).
 *
 * <p>Constant sparse matrices are uploaded once per {@link CsrMatrix} instance (and their transposes
 * once each, for the backward products); the negatives' index lists once per {@link #indices} call,
 * with their inverse (which (k, i) point at row r) built on the host, so that the scatter of the
 * backward is a gather: no atomics anywhere, and the same inputs give the same bits.
 *
 * <p>Not thread safe: one training loop drives it.
 */
public final class OpenClBackend implements Backend {
    static final int TS = 16;
    static final int RED = 256;
    /** Work-groups of a reduction (its partial sums are added in a fixed order). */
    static final int RED_GROUPS = 64;
    /** Dot products per work-group of row_dots_grouped. */
    static final int DOTS = 8;

    /**
     * Which kernels run the products, scores, column sums and the reconstruction: {@code tuned}
     * (register-blocked GEMM tiles, the reconstruction through chunks of S = H H^T and GEMMs, dot
     * products by work-groups) or {@code simple} (one output per work-item, the fused reconstruction:
     * the first kernels, kept as the baseline the tuned ones are measured and tested against). The
     * system property {@code gmi.opencl.kernels} chooses; tuned by default.
     */
    public enum Kernels {
        TUNED, SIMPLE;

        static Kernels fromProperty() {
            String v = System.getProperty("gmi.opencl.kernels", "tuned");
            return switch (v) {
                case "tuned" -> TUNED;
                case "simple" -> SIMPLE;
                default -> throw new IllegalArgumentException("gmi.opencl.kernels=" + v + ": expected tuned or simple");
            };
        }
    }

    /**
     * A GEMM variant of gemm.cl: the work-group's tile of C (bm x bn, bk deep per step) and each
     * work-item's tm x tn block. LARGE where the tiles fill the device, SMALL otherwise.
     */
    record GemmTile(int bm, int bn, int bk, int tm, int tn) {
        static final GemmTile LARGE = new GemmTile(128, 128, 16, 8, 8);
        static final GemmTile SMALL = new GemmTile(64, 64, 16, 4, 4);

        long tiles(int m, int n) {
            return ((long) m + bm - 1) / bm * (((long) n + bn - 1) / bn);
        }
    }

    /** The k range below which a GEMM is not split (each split sums at least this many products per entry). */
    static final int MIN_SPLIT_K = 512;
    private static final long[] LOCAL_1D = {64};
    private static final long[] LOCAL_2D = {16, 4};

    private final OpenClDevices.Device device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final String source;
    private final String gemmSource;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernelCache = new HashMap<>();
    private final Map<CsrMatrix, ClCsr> sparse = new IdentityHashMap<>();
    private final Map<Object, ClIndices> indexLists = new IdentityHashMap<>();
    private final List<cl_mem> owned = new ArrayList<>();
    private final cl_mem dummy;
    private final cl_mem partials;
    private final int computeUnits;
    private Kernels kernels;
    private cl_mem gemmPart;
    private long gemmPartFloats;
    private long liveBytes;
    private long peakBytes;
    private boolean closed;

    /** Opens the device {@code spec} names (gpu, opencl, opencl:P:D); IllegalArgumentException when there is none. */
    public static OpenClBackend open(String spec) {
        return new OpenClBackend(OpenClDevices.select(spec));
    }

    public OpenClBackend(OpenClDevices.Device device) {
        this.device = device;
        CL.setExceptionsEnabled(true);
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, device.platformId());
        this.context = clCreateContext(props, 1, new cl_device_id[] {device.deviceId()}, null, null, null);
        this.queue = clCreateCommandQueueWithProperties(context, device.deviceId(), new cl_queue_properties(), null);
        this.source = loadSource("kernels.cl");
        this.gemmSource = loadSource("gemm.cl");
        this.computeUnits = Math.max(1, device.computeUnits());
        this.kernels = Kernels.fromProperty();
        program(1);
        this.dummy = buffer(4);
        this.partials = buffer(4L * RED_GROUPS);
    }

    public OpenClDevices.Device device() {
        return device;
    }

    @Override
    public String name() {
        return device.spec() + " (" + device.name() + ")";
    }

    // ---- programs and launches -------------------------------------------------------------------

    private static String loadSource(String file) {
        try (InputStream in = OpenClBackend.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is missing from the gmi-opencl jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kernels of kernels.cl built with MAXP = maxp (the reconstruction's registers per work-item); built once per value. */
    private cl_program program(int maxp) {
        return program(source, "-DTS=" + TS + " -DRED=" + RED + " -DDOTS=" + DOTS + " -DMAXP=" + maxp);
    }

    /** {@code src} built with {@code options}, once per pair. */
    private cl_program program(String src, String options) {
        String key = (src == source ? "kernels.cl " : "gemm.cl ") + options;
        cl_program p = programs.get(key);
        if (p == null) {
            p = clCreateProgramWithSource(context, 1, new String[] {src}, null, null);
            try {
                clBuildProgram(p, 1, new cl_device_id[] {device.deviceId()}, options, null, null);
            } catch (CLException e) {
                throw new IllegalStateException("OpenCL kernels failed to build on " + name() + " (" + key + "): " + buildLog(p), e);
            }
            programs.put(key, p);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        clGetProgramBuildInfo(p, device.deviceId(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device.deviceId(), CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
        return new String(b, StandardCharsets.UTF_8).trim();
    }

    cl_kernel kernel(String name) {
        return kernel(name, 1);
    }

    cl_kernel kernel(String name, int maxp) {
        String key = name + "/" + maxp;
        cl_kernel k = kernelCache.get(key);
        if (k == null) {
            k = clCreateKernel(program(maxp), name, null);
            kernelCache.put(key, k);
        }
        return k;
    }

    /** gemm_tiled of gemm.cl for one transposition and tile. */
    private cl_kernel gemmKernel(boolean ta, boolean tb, GemmTile t) {
        return gemmSourceKernel("gemm_tiled", ta, tb, t);
    }

    /** gemm_sum_splits of gemm.cl (the sum of split-K partial products); it reads no tile, any build serves. */
    private cl_kernel gemmSumKernel() {
        return gemmSourceKernel("gemm_sum_splits", false, false, GemmTile.SMALL);
    }

    /** The kernel {@code name} of gemm.cl built for one transposition and tile, once. */
    private cl_kernel gemmSourceKernel(String name, boolean ta, boolean tb, GemmTile t) {
        String options = "-DTA=" + (ta ? 1 : 0) + " -DTB=" + (tb ? 1 : 0) + " -DBM=" + t.bm + " -DBN=" + t.bn + " -DBK=" + t.bk
                + " -DTM=" + t.tm + " -DTN=" + t.tn;
        String key = name + " " + options;
        cl_kernel k = kernelCache.get(key);
        if (k == null) {
            k = clCreateKernel(program(gemmSource, options), name, null);
            kernelCache.put(key, k);
        }
        return k;
    }

    /**
     * Sets the arguments (cl_mem, Integer, Float) and enqueues {@code k} over {@code global}. Without
     * a {@code local} size the work-groups are 64 (1D) or 16 x 4 (2D) and the global size is rounded
     * up to them (every kernel checks its bounds): one fixed work-group size per kernel, so a
     * compiling driver (PoCL compiles per work-group size) compiles each kernel once, not per shape.
     */
    void launch(cl_kernel k, long[] global, long[] local, Object... args) {
        for (long g : global) {
            if (g == 0) {
                return;
            }
        }
        if (local == null) {
            local = global.length == 1 ? LOCAL_1D : LOCAL_2D;
            long[] rounded = new long[global.length];
            for (int i = 0; i < global.length; i++) {
                rounded[i] = roundUp(global[i], local[i]);
            }
            global = rounded;
        }
        for (int a = 0; a < args.length; a++) {
            Object o = args[a];
            if (o instanceof cl_mem m) {
                clSetKernelArg(k, a, Sizeof.cl_mem, Pointer.to(m));
            } else if (o instanceof Integer i) {
                clSetKernelArg(k, a, Sizeof.cl_int, Pointer.to(new int[] {i}));
            } else if (o instanceof Float f) {
                clSetKernelArg(k, a, Sizeof.cl_float, Pointer.to(new float[] {f}));
            } else {
                throw new IllegalArgumentException("kernel argument " + a + " of unknown type " + o);
            }
        }
        clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
    }

    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }

    private static long[] g1(long n) {
        return new long[] {n};
    }

    // ---- memory ----------------------------------------------------------------------------------

    /** A device buffer of {@code bytes} (at least 4), counted in the peak. */
    cl_mem buffer(long bytes) {
        long size = Math.max(4, bytes);
        cl_mem m = clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, null);
        owned.add(m);
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes);
        return m;
    }

    void free(cl_mem m, long bytes) {
        if (owned.remove(m)) {
            clReleaseMemObject(m);
            liveBytes -= Math.max(4, bytes);
        }
    }

    cl_mem intBuffer(int[] values) {
        cl_mem m = buffer(4L * values.length);
        writeInts(m, values);
        return m;
    }

    void writeInts(cl_mem m, int[] values) {
        if (values.length > 0) {
            clEnqueueWriteBuffer(queue, m, CL_TRUE, 0, 4L * values.length, Pointer.to(values), 0, null, null);
        }
    }

    void readFloats(cl_mem m, float[] out, int count) {
        if (count > 0) {
            clEnqueueReadBuffer(queue, m, CL_TRUE, 0, 4L * count, Pointer.to(out), 0, null, null);
        }
    }

    /** The device buffer behind a handle of this backend. */
    cl_mem mem(DeviceMatrix m) {
        if (m instanceof ClMatrix c && c.owner == this) {
            if (c.released) {
                throw new IllegalStateException("a released OpenCL matrix (" + c.shape() + ") was used");
            }
            return c.mem;
        }
        throw new IllegalArgumentException("backend " + name() + " got a matrix (" + m.shape() + ") of backend " + m.backend().name());
    }

    private cl_mem memOrDummy(DeviceMatrix m) {
        return m == null ? dummy : mem(m);
    }

    @Override
    public DeviceMatrix allocate(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        ClMatrix m = new ClMatrix(this, buffer(4L * rows * cols), rows, cols);
        fill(m, 0f);
        return m;
    }

    @Override
    public void write(Matrix src, DeviceMatrix dst) {
        requireShape("write", src, dst);
        if (src.data.length > 0) {
            clEnqueueWriteBuffer(queue, mem(dst), CL_TRUE, 0, 4L * src.data.length, Pointer.to(src.data), 0, null, null);
        }
    }

    @Override
    public void read(DeviceMatrix src, Matrix dst) {
        requireShape("read", dst, src);
        readFloats(mem(src), dst.data, dst.data.length);
    }

    @Override
    public void release(DeviceMatrix m) {
        if (m instanceof ClMatrix c && c.owner == this && !c.released) {
            c.released = true;
            free(c.mem, 4L * c.elements());
        }
    }

    @Override
    public void fill(DeviceMatrix x, float v) {
        launch(kernel("fill"), g1(x.elements()), null, mem(x), (int) x.elements(), v);
    }

    @Override
    public void copy(DeviceMatrix src, DeviceMatrix dst) {
        requireSame("copy", src, dst);
        if (src.elements() > 0) {
            clEnqueueCopyBuffer(queue, mem(src), mem(dst), 0, 0, 4L * src.elements(), 0, null, null);
        }
    }

    @Override
    public void addScaled(float alpha, DeviceMatrix x, DeviceMatrix y) {
        requireSame("addScaled", x, y);
        launch(kernel("add_scaled"), g1(y.elements()), null, mem(y), mem(x), (int) y.elements(), alpha);
    }

    // ---- products ----------------------------------------------------------------------------------

    /** A CSR matrix on the device. */
    record ClCsr(cl_mem ptr, cl_mem col, cl_mem val) {}

    ClCsr csr(CsrMatrix s) {
        ClCsr c = sparse.get(s);
        if (c == null) {
            cl_mem val = buffer(4L * s.values.length);
            if (s.values.length > 0) {
                clEnqueueWriteBuffer(queue, val, CL_TRUE, 0, 4L * s.values.length, Pointer.to(s.values), 0, null, null);
            }
            c = new ClCsr(intBuffer(s.rowPtr), intBuffer(s.colIdx), val);
            sparse.put(s, c);
        }
        return c;
    }

    @Override
    public void spmm(CsrMatrix s, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        if (s.cols != b.rows() || c.rows() != s.rows || c.cols() != b.cols()) {
            throw new IllegalArgumentException("spmm: (" + s.shape() + ") x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        ClCsr d = csr(s);
        launch(kernel("spmm"), new long[] {b.cols(), s.rows}, null, d.ptr, d.col, d.val, mem(b), mem(c), s.rows, b.cols(),
                accumulate ? 1 : 0);
    }

    @Override
    public void spmmTransA(CsrMatrix s, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        if (s.rows != b.rows() || c.rows() != s.cols || c.cols() != b.cols()) {
            throw new IllegalArgumentException("spmmTransA: (" + s.shape() + ")^T x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        spmm(s.transpose(), b, c, accumulate);
    }

    /** The kernel set in use. */
    public Kernels kernels() {
        return kernels;
    }

    /** Switches the kernel set (tests and benchmarks compare the two on one backend). */
    public void useKernels(Kernels k) {
        this.kernels = java.util.Objects.requireNonNull(k);
    }

    private void gemmStrided(DeviceMatrix a, int sai, int sap, DeviceMatrix b, int sbp, int sbj, DeviceMatrix c,
                             int m, int n, int k, boolean accumulate) {
        if (kernels == Kernels.SIMPLE) {
            launch(kernel("gemm"), new long[] {roundUp(n, TS), roundUp(m, TS)}, new long[] {TS, TS},
                    mem(a), sai, sap, mem(b), sbp, sbj, mem(c), m, n, k, accumulate ? 1 : 0);
            return;
        }
        // the tiled kernel reads A as (i,p) -> i*lda + p or, transposed, p*lda + i; B likewise
        boolean ta = sap != 1;
        boolean tb = sbj != 1;
        gemmTiled(mem(a), 0, ta ? sap : sai, ta, mem(b), 0, tb ? sbj : sbp, tb, mem(c), 0, m, n, k, accumulate);
    }

    /**
     * C (m x n, contiguous from element cOff) (+)= op(A) op(B) through gemm.cl, A read from element
     * aOff with leading dimension lda (transposed when ta), B likewise. The tile is LARGE when its
     * tiles alone fill the device's compute units, else SMALL; when even then there are fewer than
     * two tiles per compute unit and k is long, k is split and the slabs added in order.
     */
    void gemmTiled(cl_mem a, int aOff, int lda, boolean ta, cl_mem b, int bOff, int ldb, boolean tb,
                   cl_mem c, int cOff, int m, int n, int k, boolean accumulate) {
        GemmTile t = GemmTile.LARGE.tiles(m, n) >= computeUnits ? GemmTile.LARGE : GemmTile.SMALL;
        long tiles = t.tiles(m, n);
        int splits = 1;
        if (tiles < 2L * computeUnits && k >= 4 * MIN_SPLIT_K) {
            splits = (int) Math.min((2L * computeUnits + tiles - 1) / tiles, k / MIN_SPLIT_K);
        }
        gemmTiled(a, aOff, lda, ta, b, bOff, ldb, tb, c, cOff, m, n, k, accumulate, t, splits);
    }

    /** As above with the tile and the number of splits given (tests reach every path through this). */
    void gemmTiled(cl_mem a, int aOff, int lda, boolean ta, cl_mem b, int bOff, int ldb, boolean tb,
                   cl_mem c, int cOff, int m, int n, int k, boolean accumulate, GemmTile t, int splits) {
        if (m == 0 || n == 0) {
            return;
        }
        int kChunk = splits <= 1 ? Math.max(k, 1) : (int) roundUp((k + splits - 1) / splits, t.bk);
        int used = splits <= 1 ? 1 : (k + kChunk - 1) / kChunk;
        long[] global = {((long) n + t.bn - 1) / t.bn * (t.bn / t.tn), ((long) m + t.bm - 1) / t.bm * (t.bm / t.tm), used};
        long[] local = {t.bn / t.tn, t.bm / t.tm, 1};
        cl_kernel kernel = gemmKernel(ta, tb, t);
        if (used == 1) {
            launch(kernel, global, local, a, aOff, lda, b, bOff, ldb, c, cOff, n, 0, m, n, k, kChunk, accumulate ? 1 : 0);
            return;
        }
        long total = (long) m * n;
        cl_mem part = gemmPart(used * total);
        launch(kernel, global, local, a, aOff, lda, b, bOff, ldb, part, 0, n, (int) total, m, n, k, kChunk, 0);
        launch(gemmSumKernel(), g1(total), null, part, used, (int) total, c, cOff, accumulate ? 1 : 0);
    }

    /** The split GEMM's slabs: a buffer of at least {@code floats}, kept and grown across calls. */
    private cl_mem gemmPart(long floats) {
        if (gemmPartFloats < floats) {
            if (gemmPart != null) {
                free(gemmPart, 4L * gemmPartFloats);
            }
            gemmPartFloats = floats;
            gemmPart = buffer(4L * floats);
        }
        return gemmPart;
    }

    @Override
    public void gemm(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        if (a.cols() != b.rows() || c.rows() != a.rows() || c.cols() != b.cols()) {
            throw new IllegalArgumentException("gemm: (" + a.shape() + ") x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        gemmStrided(a, a.cols(), 1, b, b.cols(), 1, c, a.rows(), b.cols(), a.cols(), accumulate);
    }

    @Override
    public void gemmTransA(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        if (a.rows() != b.rows() || c.rows() != a.cols() || c.cols() != b.cols()) {
            throw new IllegalArgumentException("gemmTransA: (" + a.shape() + ")^T x (" + b.shape() + ") -> (" + c.shape() + ")");
        }
        // C(i,j) = sum_p a[p,i] b[p,j]
        gemmStrided(a, 1, a.cols(), b, b.cols(), 1, c, a.cols(), b.cols(), a.rows(), accumulate);
    }

    @Override
    public void gemmTransB(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate) {
        if (a.cols() != b.cols() || c.rows() != a.rows() || c.cols() != b.rows()) {
            throw new IllegalArgumentException("gemmTransB: (" + a.shape() + ") x (" + b.shape() + ")^T -> (" + c.shape() + ")");
        }
        // C(i,j) = sum_p a[i,p] b[j,p]
        gemmStrided(a, a.cols(), 1, b, 1, b.cols(), c, a.rows(), b.rows(), a.cols(), accumulate);
    }

    // ---- elementwise layers ------------------------------------------------------------------------

    @Override
    public void addBias(DeviceMatrix x, DeviceMatrix bias, DeviceMatrix out) {
        requireSame("addBias", x, out);
        if (bias.rows() != 1 || bias.cols() != x.cols()) {
            throw new IllegalArgumentException("addBias: bias (" + bias.shape() + ") for (" + x.shape() + ")");
        }
        launch(kernel("add_bias"), g1(x.elements()), null, mem(x), mem(bias), mem(out), (int) x.elements(), Math.max(1, x.cols()));
    }

    @Override
    public void addColumnSums(DeviceMatrix dy, DeviceMatrix db) {
        if (db.rows() != 1 || db.cols() != dy.cols()) {
            throw new IllegalArgumentException("addColumnSums: (" + dy.shape() + ") into (" + db.shape() + ")");
        }
        columnSums(mem(dy), dy.rows(), dy.cols(), mem(db), false, true);
    }

    @Override
    public void prelu(DeviceMatrix x, DeviceMatrix a, DeviceMatrix out) {
        requireSame("prelu", x, out);
        requireScalar("prelu", a);
        launch(kernel("prelu"), g1(x.elements()), null, mem(x), mem(a), mem(out), (int) x.elements());
    }

    @Override
    public void preluBackward(DeviceMatrix x, DeviceMatrix a, DeviceMatrix dy, DeviceMatrix dx, DeviceMatrix da) {
        requireSame("preluBackward", x, dy);
        if (dx != null) {
            requireSame("preluBackward", x, dx);
        }
        requireScalar("preluBackward", a);
        int total = (int) x.elements();
        cl_mem terms = scratch(total);
        launch(kernel("prelu_backward"), g1(total), null, mem(x), mem(a), mem(dy), memOrDummy(dx), dx == null ? 0 : 1, terms, total);
        if (da != null) {
            sumInto(terms, total, mem(da), 1f);
        }
    }

    /**
     * out[j] (+)= the sum (or mean) of column j of the rows x cols matrix x: slices of at least 64 rows
     * summed by one work-item each, then the slices in order.
     */
    private void columnSums(cl_mem x, int rows, int cols, cl_mem out, boolean mean, boolean accumulate) {
        if (cols == 0) {
            return;
        }
        int slices = Math.max(1, Math.min(64, rows / 64));
        int perSlice = Math.max(1, (rows + slices - 1) / slices);
        cl_mem part = scratch((long) slices * cols);
        launch(kernel("column_partials"), new long[] {cols, slices}, null, x, rows, cols, perSlice, slices, part);
        launch(kernel("column_finish"), g1(cols), null, part, slices, cols, out, rows, mean ? 1 : 0, accumulate ? 1 : 0);
    }

    /** A scratch buffer of at least {@code floats} floats, kept and grown across calls. */
    private cl_mem scratch;
    private long scratchFloats;

    private cl_mem scratch(long floats) {
        if (scratchFloats < floats) {
            if (scratch != null) {
                free(scratch, 4L * scratchFloats);
            }
            scratchFloats = Math.max(floats, 1);
            scratch = buffer(4L * scratchFloats);
        }
        return scratch;
    }

    /** partials[0 .. RED_GROUPS) = the partial sums of src[0 .. n); returns how many groups ran. */
    private int reducePartials(cl_mem src, int n) {
        int groups = (int) Math.max(1, Math.min(RED_GROUPS, (n + RED - 1) / RED));
        launch(kernel("reduce_partials"), g1((long) groups * RED), g1(RED), src, n, partials);
        return groups;
    }

    /** dst[0] += scale * sum src[0 .. n), on the device. */
    private void sumInto(cl_mem src, int n, cl_mem dst, float scale) {
        int groups = reducePartials(src, n);
        launch(kernel("sum_into"), g1(1), null, partials, groups, dst, scale);
    }

    /** sum src[0 .. n), brought to the host (partial sums added in double there). */
    double sumToHost(cl_mem src, int n) {
        int groups = reducePartials(src, n);
        float[] p = new float[groups];
        readFloats(partials, p, groups);
        double s = 0;
        for (float v : p) {
            s += v;
        }
        return s;
    }

    // ---- discriminator scores ------------------------------------------------------------------------

    /** K index lists on the device: idx[k*n + i] (identity lists filled in), and their inverse. */
    static final class ClIndices implements Indices {
        final int lists;
        final int length;
        final int leftRows;
        final int[] flat;
        final int[] invPtr;
        final int[] inv;
        final cl_mem idxMem;
        final cl_mem invPtrMem;
        final cl_mem invMem;

        ClIndices(OpenClBackend b, int lists, int length, int leftRows) {
            this.lists = lists;
            this.length = length;
            this.leftRows = leftRows;
            this.flat = new int[lists * length];
            this.invPtr = new int[leftRows + 1];
            this.inv = new int[lists * length];
            this.idxMem = b.buffer(4L * flat.length);
            this.invPtrMem = b.buffer(4L * invPtr.length);
            this.invMem = b.buffer(4L * inv.length);
        }

        @Override
        public int lists() {
            return lists;
        }

        @Override
        public int length() {
            return length;
        }
    }

    @Override
    public Indices indices(int[] list, int leftRows) {
        return indices(list, new int[][] {list}, leftRows);
    }

    @Override
    public Indices indices(int[][] lists, int leftRows) {
        return indices(lists, lists, leftRows);
    }

    /** The lists' device copy, kept per {@code key} (the caller's array) and refilled from {@code lists}. */
    private Indices indices(Object key, int[][] lists, int leftRows) {
        int n = -1;
        for (int[] l : lists) {
            if (l != null) {
                if (n >= 0 && l.length != n) {
                    throw new IllegalArgumentException("indices: lists of different lengths " + n + " and " + l.length);
                }
                n = l.length;
            }
        }
        if (n < 0) {
            n = leftRows; // only identity lists: they pair row i with row i
        }
        ClIndices c = indexLists.get(key);
        if (c == null || c.length != n || c.leftRows != leftRows || c.lists != lists.length) {
            if (c != null) {
                free(c.idxMem, 4L * c.flat.length);
                free(c.invPtrMem, 4L * c.invPtr.length);
                free(c.invMem, 4L * c.inv.length);
            }
            c = new ClIndices(this, lists.length, n, leftRows);
            indexLists.put(key, c);
        }
        int[] flat = c.flat;
        for (int k = 0; k < lists.length; k++) {
            int[] l = lists[k];
            for (int i = 0; i < n; i++) {
                int r = l == null ? i : l[i];
                if (r < 0 || r >= leftRows) {
                    throw new IllegalArgumentException("indices: list " + k + " points at row " + r + " of " + leftRows);
                }
                flat[k * n + i] = r;
            }
        }
        // the inverse, in index order: entries of row r are the o = k*n + i with flat[o] = r
        int[] ptr = c.invPtr;
        IndexInversion.invert(flat, flat.length, leftRows, ptr, c.inv, new int[leftRows]);
        writeInts(c.idxMem, flat);
        writeInts(c.invPtrMem, ptr);
        writeInts(c.invMem, c.inv);
        return c;
    }

    private static ClIndices own(Indices idx) {
        if (idx instanceof ClIndices c) {
            return c;
        }
        throw new IllegalArgumentException("the OpenCL backend got index lists of another backend");
    }

    @Override
    public void rowDots(DeviceMatrix left, Indices idx, DeviceMatrix right, DeviceMatrix c, DeviceMatrix out) {
        ClIndices ix = own(idx);
        checkScores("rowDots", left, ix, right, out);
        requireScalar("rowDots", c);
        if (kernels == Kernels.SIMPLE) {
            launch(kernel("row_dots"), new long[] {right.rows(), ix.lists}, null, mem(left), ix.idxMem, mem(right), mem(c), mem(out),
                    right.rows(), right.cols(), ix.lists);
        } else {
            long dots = (long) right.rows() * ix.lists;
            launch(kernel("row_dots_grouped"), new long[] {32, roundUp(dots, DOTS)}, new long[] {32, DOTS}, mem(left), ix.idxMem,
                    mem(right), mem(c), mem(out), right.rows(), right.cols(), ix.lists);
        }
    }

    @Override
    public void rowDotsBackward(DeviceMatrix left, Indices idx, DeviceMatrix right, DeviceMatrix dy,
                                DeviceMatrix dLeft, DeviceMatrix dRight, DeviceMatrix dc) {
        ClIndices ix = own(idx);
        checkScores("rowDotsBackward", left, ix, right, dy);
        int n = right.rows();
        int d = right.cols();
        if (dRight != null) {
            requireSame("rowDotsBackward", right, dRight);
            launch(kernel("row_dots_backward_right"), new long[] {d, n}, null, mem(left), ix.idxMem, mem(dy), mem(dRight), n, d, ix.lists);
        }
        if (dLeft != null) {
            requireSame("rowDotsBackward", left, dLeft);
            launch(kernel("row_dots_backward_left"), new long[] {d, left.rows()}, null, mem(right), ix.invPtrMem, ix.invMem, mem(dy),
                    mem(dLeft), left.rows(), n, d);
        }
        if (dc != null) {
            requireScalar("rowDotsBackward", dc);
            sumInto(mem(dy), (int) dy.elements(), mem(dc), 1f);
        }
    }

    private static void checkScores(String op, DeviceMatrix left, ClIndices ix, DeviceMatrix right, DeviceMatrix out) {
        if (left.cols() != right.cols()) {
            throw new IllegalArgumentException(op + ": row lengths differ (" + left.shape() + ") vs (" + right.shape() + ")");
        }
        if (ix.length != right.rows() || ix.leftRows != left.rows()) {
            throw new IllegalArgumentException(op + ": " + ix.lists + " lists of " + ix.length + " indices into " + ix.leftRows
                    + " rows, for (" + left.shape() + ") and (" + right.shape() + ")");
        }
        if (out.rows() != ix.lists || out.cols() != right.rows()) {
            throw new IllegalArgumentException(op + ": scores (" + out.shape() + ") for " + ix.lists + " x " + right.rows());
        }
    }

    // ---- DGI ---------------------------------------------------------------------------------------------

    @Override
    public void gatherRows(DeviceMatrix src, Indices idx, DeviceMatrix out) {
        ClIndices ix = own(idx);
        if (ix.leftRows != src.rows() || out.rows() != ix.length || out.cols() != src.cols()) {
            throw new IllegalArgumentException("gatherRows: " + ix.length + " rows of (" + src.shape() + ") -> (" + out.shape() + ")");
        }
        launch(kernel("gather_rows"), new long[] {src.cols(), ix.length}, null, mem(src), ix.idxMem, mem(out), ix.length, src.cols());
    }

    @Override
    public void scatterAddRows(DeviceMatrix g, Indices idx, DeviceMatrix dSrc) {
        ClIndices ix = own(idx);
        if (ix.leftRows != dSrc.rows() || g.rows() != ix.length || g.cols() != dSrc.cols()) {
            throw new IllegalArgumentException("scatterAddRows: (" + g.shape() + ") into (" + dSrc.shape() + ")");
        }
        launch(kernel("scatter_add_rows"), new long[] {g.cols(), dSrc.rows()}, null, mem(g), ix.invPtrMem, ix.invMem, mem(dSrc),
                dSrc.rows(), g.cols());
    }

    @Override
    public void rowMean(DeviceMatrix x, DeviceMatrix out) {
        if (out.rows() != 1 || out.cols() != x.cols()) {
            throw new IllegalArgumentException("rowMean: (" + x.shape() + ") -> (" + out.shape() + ")");
        }
        columnSums(mem(x), x.rows(), x.cols(), mem(out), true, false);
    }

    @Override
    public void rowMeanBackward(DeviceMatrix dy, DeviceMatrix dx) {
        if (dy.rows() != 1 || dy.cols() != dx.cols()) {
            throw new IllegalArgumentException("rowMeanBackward: (" + dy.shape() + ") into (" + dx.shape() + ")");
        }
        launch(kernel("row_mean_backward"), g1(dx.elements()), null, mem(dy), mem(dx), (int) dx.elements(), dx.rows(),
                Math.max(1, dx.cols()));
    }

    @Override
    public void sigmoid(DeviceMatrix x, DeviceMatrix out) {
        requireSame("sigmoid", x, out);
        launch(kernel("sigmoid"), g1(x.elements()), null, mem(x), mem(out), (int) x.elements());
    }

    @Override
    public void sigmoidBackward(DeviceMatrix y, DeviceMatrix dy, DeviceMatrix dx) {
        requireSame("sigmoidBackward", y, dy);
        requireSame("sigmoidBackward", y, dx);
        launch(kernel("sigmoid_backward"), g1(y.elements()), null, mem(y), mem(dy), mem(dx), (int) y.elements());
    }

    /** sum softplus(sign * s) over s, on the host (the JSD terms kernel with f the identity). */
    private double softplusSum(DeviceMatrix s, float sign) {
        int total = (int) s.elements();
        cl_mem terms = scratch(total);
        launch(kernel("jsd_terms"), g1(total), null, mem(s), terms, total, 0, sign);
        return sumToHost(terms, total);
    }

    @Override
    public double bceWithLogits(DeviceMatrix pos, DeviceMatrix neg) {
        return (softplusSum(pos, -1f) + softplusSum(neg, 1f)) / (pos.elements() + neg.elements());
    }

    @Override
    public void bceWithLogitsBackward(DeviceMatrix pos, DeviceMatrix neg, double up, DeviceMatrix dPos, DeviceMatrix dNeg) {
        // d/ds softplus(-s) = -sigmoid(-s), d/ds softplus(s) = sigmoid(s): the JSD backward with f the identity
        float scale = (float) (up / (pos.elements() + neg.elements()));
        if (dPos != null) {
            requireSame("bceWithLogitsBackward", pos, dPos);
            launch(kernel("jsd_backward"), g1(pos.elements()), null, mem(pos), mem(dPos), (int) pos.elements(), 0, -1f, scale);
        }
        if (dNeg != null) {
            requireSame("bceWithLogitsBackward", neg, dNeg);
            launch(kernel("jsd_backward"), g1(neg.elements()), null, mem(neg), mem(dNeg), (int) neg.elements(), 0, 1f, scale);
        }
    }

    // ---- JSD -------------------------------------------------------------------------------------------

    @Override
    public double jsd(DeviceMatrix pos, DeviceMatrix neg, boolean probabilities) {
        return jsdMean(pos, probabilities, -1f) + jsdMean(neg, probabilities, 1f);
    }

    private double jsdMean(DeviceMatrix s, boolean probabilities, float sign) {
        int total = (int) s.elements();
        cl_mem terms = scratch(total);
        launch(kernel("jsd_terms"), g1(total), null, mem(s), terms, total, probabilities ? 1 : 0, sign);
        return sumToHost(terms, total) / total;
    }

    @Override
    public void jsdBackward(DeviceMatrix pos, DeviceMatrix neg, boolean probabilities, double up, DeviceMatrix dPos, DeviceMatrix dNeg) {
        if (dPos != null) {
            requireSame("jsdBackward", pos, dPos);
            launch(kernel("jsd_backward"), g1(pos.elements()), null, mem(pos), mem(dPos), (int) pos.elements(),
                    probabilities ? 1 : 0, -1f, (float) (up / pos.elements()));
        }
        if (dNeg != null) {
            requireSame("jsdBackward", neg, dNeg);
            launch(kernel("jsd_backward"), g1(neg.elements()), null, mem(neg), mem(dNeg), (int) neg.elements(),
                    probabilities ? 1 : 0, 1f, (float) (up / neg.elements()));
        }
    }

    // ---- reconstruction and Adam -----------------------------------------------------------------------

    @Override
    public ReconstructionKernel reconstruction(int n, int d) {
        return new ClReconstruction(this, n, d);
    }

    @Override
    public SampledReconstructionKernel sampledReconstruction(int n, int d, int k, int edgePairs) {
        return new ClSampledReconstruction(this, n, d, k, edgePairs);
    }

    /** The gradient columns each work-item of the reconstruction keeps in registers for width d. */
    static int maxp(int d) {
        return Math.max(1, (d + TS - 1) / TS);
    }

    @Override
    public void adamStep(DeviceMatrix w, DeviceMatrix grad, DeviceMatrix m, DeviceMatrix v,
                         float b1, float b2, float c1, float c2, float lr, float eps, float wd) {
        requireSame("adamStep", w, m);
        requireSame("adamStep", w, v);
        if (grad != null) {
            requireSame("adamStep", w, grad);
        }
        launch(kernel("adam"), g1(w.elements()), null, mem(w), memOrDummy(grad), grad == null ? 0 : 1, mem(m), mem(v),
                (int) w.elements(), b1, b2, c1, c2, lr, eps, wd);
    }

    // ---- bookkeeping -----------------------------------------------------------------------------------

    @Override
    public long peakBytes() {
        return peakBytes;
    }

    /** Bytes held now in this backend's buffers. */
    public long liveBytes() {
        return liveBytes;
    }

    @Override
    public void finish() {
        clFinish(queue);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (cl_mem m : owned) {
            clReleaseMemObject(m);
        }
        owned.clear();
        liveBytes = 0;
        for (cl_kernel k : kernelCache.values()) {
            clReleaseKernel(k);
        }
        for (cl_program p : programs.values()) {
            clReleaseProgram(p);
        }
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    private static void requireShape(String op, Matrix host, DeviceMatrix dev) {
        if (host.rows != dev.rows() || host.cols != dev.cols()) {
            throw new IllegalArgumentException(op + ": shapes differ (" + host.shape() + ") vs (" + dev.shape() + ")");
        }
    }

    private static void requireSame(String op, DeviceMatrix a, DeviceMatrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": shapes differ (" + a.shape() + ") vs (" + b.shape() + ")");
        }
    }

    private static void requireScalar(String op, DeviceMatrix a) {
        if (a.rows() != 1 || a.cols() != 1) {
            throw new IllegalArgumentException(op + ": (" + a.shape() + ") is not a 1 x 1 scalar");
        }
    }

    @Override
    public String toString() {
        return "OpenClBackend(" + name() + ")";
    }
}
