// The OpenCL kernels of gmi-java: the engine's kernels (org.gmi.engine) as device code.
// Every matrix is row-major float; sizes, strides and offsets count elements. Each kernel's first
// comment states its mathematics. No atomics: every output element is written by one work-item, so
// results do not depend on scheduling. Built without fast-math options: exp and log are the
// standard (correctly rounded to a few ulp) float functions, as the CPU's (float) Math.exp/log.
//
// Build options: -DTS=16 (the tile side of gemm and the reconstruction), -DMAXP=ceil(d/TS) (the
// per-work-item gradient columns of the reconstruction), -DRED=256 (reduction work-group size),
// -DDOTS=8 (dot products per work-group of row_dots_grouped). The register-blocked GEMM is gemm.cl.

// ---- memory --------------------------------------------------------------------------------

// x[i] = v
__kernel void fill(__global float* x, const int n, const float v) {
    int i = get_global_id(0);
    if (i < n) x[i] = v;
}

// y[i] += alpha * x[i]
__kernel void add_scaled(__global float* y, __global const float* x, const int n, const float alpha) {
    int i = get_global_id(0);
    if (i < n) y[i] += alpha * x[i];
}

// ---- reductions ----------------------------------------------------------------------------

// red[0] = the sum of red[0 .. size) by a fixed-order pairwise tree (size a power of two), so the same
// values give the same bits. Every work-item of the group calls it, after writing its own red[l].
void tree_sum(__local float* red, const int l, const int size) {
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int w = size / 2; w > 0; w >>= 1) {
        if (l < w) red[l] += red[l + w];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

// partial[g] = sum of src[i] over i = g*RED + l + k*(groups*RED): a fixed order per group size,
// so the same inputs give the same bits.
__kernel __attribute__((reqd_work_group_size(RED, 1, 1)))
void reduce_partials(__global const float* src, const int n, __global float* partial) {
    __local float red[RED];
    int l = get_local_id(0);
    int stride = get_global_size(0);
    float s = 0.0f;
    for (int i = get_global_id(0); i < n; i += stride) s += src[i];
    red[l] = s;
    tree_sum(red, l, RED);
    if (l == 0) partial[get_group_id(0)] = red[0];
}

// dst[0] += scale * sum_g partial[g]  (one work-item: a handful of partials)
__kernel void sum_into(__global const float* partial, const int groups, __global float* dst, const float scale) {
    if (get_global_id(0) != 0) return;
    float s = 0.0f;
    for (int g = 0; g < groups; g++) s += partial[g];
    dst[0] += scale * s;
}

// ---- products ------------------------------------------------------------------------------

// c[i,j] (+)= sum_{e in row i} val[e] * b[col[e], j];  global (n, rows)
__kernel void spmm(__global const int* ptr, __global const int* col, __global const float* val,
                   __global const float* b, __global float* c, const int rows, const int n, const int accumulate) {
    int j = get_global_id(0);
    int i = get_global_id(1);
    if (i >= rows || j >= n) return;
    float acc = 0.0f;
    for (int e = ptr[i]; e < ptr[i + 1]; e++) acc += val[e] * b[col[e] * n + j];
    int o = i * n + j;
    c[o] = accumulate ? c[o] + acc : acc;
}

// c[i,j] (+)= sum_p A(i,p) B(p,j), A(i,p) = a[i*sai + p*sap], B(p,j) = b[p*sbp + j*sbj]; c is m x n.
// The strides give A B, A^T B and A B^T from one kernel. Tiles of TS x TS in local memory;
// global (roundup(n, TS), roundup(m, TS)), local (TS, TS).
__kernel __attribute__((reqd_work_group_size(TS, TS, 1)))
void gemm(__global const float* a, const int sai, const int sap,
          __global const float* b, const int sbp, const int sbj,
          __global float* c, const int m, const int n, const int k, const int accumulate) {
    __local float as[TS][TS + 1];
    __local float bs[TS][TS + 1];
    int tj = get_local_id(0);
    int ti = get_local_id(1);
    int j = get_group_id(0) * TS + tj;
    int i = get_group_id(1) * TS + ti;
    float acc = 0.0f;
    for (int p0 = 0; p0 < k; p0 += TS) {
        int pa = p0 + tj;
        as[ti][tj] = (i < m && pa < k) ? a[i * sai + pa * sap] : 0.0f;
        int pb = p0 + ti;
        bs[ti][tj] = (pb < k && j < n) ? b[pb * sbp + j * sbj] : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int q = 0; q < TS; q++) acc += as[ti][q] * bs[q][tj];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (i < m && j < n) {
        int o = i * n + j;
        c[o] = accumulate ? c[o] + acc : acc;
    }
}

// ---- elementwise layers --------------------------------------------------------------------

// out[i,j] = x[i,j] + bias[j]
__kernel void add_bias(__global const float* x, __global const float* bias, __global float* out, const int total, const int n) {
    int o = get_global_id(0);
    if (o < total) out[o] = x[o] + bias[o % n];
}

// Column sums in two stages, so that a tall matrix is read by many work-items:
// partial[s*cols + j] = sum of x[i,j] over the rows i of slice s (rowsPerSlice rows each, in order);
// global (cols, slices)
__kernel void column_partials(__global const float* x, const int rows, const int cols, const int rowsPerSlice,
                              const int slices, __global float* partial) {
    int j = get_global_id(0);
    int sl = get_global_id(1);
    if (j >= cols || sl >= slices) return;
    int end = min(rows, (sl + 1) * rowsPerSlice);
    float s = 0.0f;
    for (int i = sl * rowsPerSlice; i < end; i++) s += x[i * cols + j];
    partial[sl * cols + j] = s;
}

// t = sum_s partial[s*cols + j] (slices in order), divided by rows when mean;
// out[j] = accumulate ? out[j] + t : t
__kernel void column_finish(__global const float* partial, const int slices, const int cols, __global float* out,
                            const int rows, const int mean, const int accumulate) {
    int j = get_global_id(0);
    if (j >= cols) return;
    float s = 0.0f;
    for (int sl = 0; sl < slices; sl++) s += partial[sl * cols + j];
    if (mean) s = s / rows;
    out[j] = accumulate ? out[j] + s : s;
}

// out = x > 0 ? x : a[0] x
__kernel void prelu(__global const float* x, __global const float* a, __global float* out, const int total) {
    int o = get_global_id(0);
    if (o >= total) return;
    float v = x[o];
    out[o] = v > 0.0f ? v : a[0] * v;
}

// dx += x > 0 ? dy : a[0] dy (when hasDx);  terms[o] = x <= 0 ? x dy : 0, reduced into da afterwards
__kernel void prelu_backward(__global const float* x, __global const float* a, __global const float* dy,
                             __global float* dx, const int hasDx, __global float* terms, const int total) {
    int o = get_global_id(0);
    if (o >= total) return;
    float v = x[o];
    float g = dy[o];
    if (hasDx) dx[o] += v > 0.0f ? g : a[0] * g;
    terms[o] = v > 0.0f ? 0.0f : v * g;
}

// ---- discriminator scores ------------------------------------------------------------------

// out[k*n + i] = left[idx[k*n + i], :] . right[i, :] + c[0];  global (n, K)
__kernel void row_dots(__global const float* left, __global const int* idx, __global const float* right,
                       __global const float* c, __global float* out, const int n, const int d, const int lists) {
    int i = get_global_id(0);
    int k = get_global_id(1);
    if (i >= n || k >= lists) return;
    int o = k * n + i;
    __global const float* l = left + idx[o] * d;
    __global const float* r = right + i * d;
    float s = 0.0f;
    for (int p = 0; p < d; p++) s += l[p] * r[p];
    out[o] = s + c[0];
}

// out[o] = left[idx[o], :] . right[o % n, :] + c[0] for o < n * lists, DOTS dot products a work-group,
// each by 32 work-items over strided columns and a fixed-order tree over those 32 partial sums;
// global (32, roundup(n * lists, DOTS)), local (32, DOTS)
__kernel __attribute__((reqd_work_group_size(32, DOTS, 1)))
void row_dots_grouped(__global const float* left, __global const int* idx, __global const float* right,
                      __global const float* c, __global float* out, const int n, const int d, const int lists) {
    __local float red[DOTS][33];
    int lane = get_local_id(0);
    int slot = get_local_id(1);
    int o = get_group_id(1) * DOTS + slot;
    float s = 0.0f;
    if (o < n * lists) {
        __global const float* l = left + idx[o] * d;
        __global const float* r = right + (o % n) * d;
        for (int p = lane; p < d; p += 32) s = fma(l[p], r[p], s);
    }
    red[slot][lane] = s;
    tree_sum(red[slot], lane, 32);
    if (lane == 0 && o < n * lists) out[o] = red[slot][0] + c[0];
}

// dRight[i,p] += sum_k dy[k*n + i] * left[idx[k*n + i], p];  global (d, n)
__kernel void row_dots_backward_right(__global const float* left, __global const int* idx, __global const float* dy,
                                      __global float* dRight, const int n, const int d, const int lists) {
    int p = get_global_id(0);
    int i = get_global_id(1);
    if (p >= d || i >= n) return;
    float s = 0.0f;
    for (int k = 0; k < lists; k++) {
        int o = k * n + i;
        s += dy[o] * left[idx[o] * d + p];
    }
    dRight[i * d + p] += s;
}

// dLeft[r,p] += sum over the entries o = k*n + i with idx[o] = r of dy[o] * right[i, p]; the
// entries pointing at r are inv[invPtr[r] .. invPtr[r+1]) (the inverse of the lists, built on the
// host, in index order);  global (d, leftRows)
__kernel void row_dots_backward_left(__global const float* right, __global const int* invPtr, __global const int* inv,
                                     __global const float* dy, __global float* dLeft, const int leftRows,
                                     const int n, const int d) {
    int p = get_global_id(0);
    int r = get_global_id(1);
    if (p >= d || r >= leftRows) return;
    float s = 0.0f;
    for (int e = invPtr[r]; e < invPtr[r + 1]; e++) {
        int o = inv[e];
        s += dy[o] * right[(o % n) * d + p];
    }
    dLeft[r * d + p] += s;
}

// ---- DGI's corruption and readout ------------------------------------------------------------

// out[i,p] = src[idx[i], p];  global (d, n)
__kernel void gather_rows(__global const float* src, __global const int* idx, __global float* out, const int n, const int d) {
    int p = get_global_id(0);
    int i = get_global_id(1);
    if (p >= d || i >= n) return;
    out[i * d + p] = src[idx[i] * d + p];
}

// dSrc[r,p] += sum of g[i,p] over the i with idx[i] = r (the inverse inv[invPtr[r] .. invPtr[r+1]));
// global (d, srcRows)
__kernel void scatter_add_rows(__global const float* g, __global const int* invPtr, __global const int* inv,
                               __global float* dSrc, const int srcRows, const int d) {
    int p = get_global_id(0);
    int r = get_global_id(1);
    if (p >= d || r >= srcRows) return;
    float s = 0.0f;
    for (int e = invPtr[r]; e < invPtr[r + 1]; e++) s += g[inv[e] * d + p];
    dSrc[r * d + p] += s;
}

// dx[i,j] += dy[j] / n
__kernel void row_mean_backward(__global const float* dy, __global float* dx, const int total, const int n, const int d) {
    int o = get_global_id(0);
    if (o < total) dx[o] += dy[o % d] / n;
}

// ---- the JSD estimator -----------------------------------------------------------------------

float sigmoid_stable(float x) {
    if (x >= 0.0f) return 1.0f / (1.0f + exp(-x));
    float e = exp(x);
    return e / (1.0f + e);
}

float softplus_stable(float x) {
    return fmax(x, 0.0f) + log1p(exp(-fabs(x)));
}

// terms[i] = softplus(sign * f(s[i])), f = sigmoid when probabilities, else the identity
__kernel void jsd_terms(__global const float* s, __global float* terms, const int total, const int probabilities, const float sign) {
    int i = get_global_id(0);
    if (i >= total) return;
    float f = probabilities ? sigmoid_stable(s[i]) : s[i];
    terms[i] = softplus_stable(sign * f);
}

// g[i] += sign * scale * sigmoid(sign * f(s)) * f'(s)  (sign -1: the positives, +1: the negatives)
__kernel void jsd_backward(__global const float* s, __global float* g, const int total, const int probabilities,
                           const float sign, const float scale) {
    int i = get_global_id(0);
    if (i >= total) return;
    float v = s[i];
    float f = v;
    float fp = 1.0f;
    if (probabilities) {
        f = sigmoid_stable(v);
        fp = f * (1.0f - f);
    }
    g[i] += sign * scale * sigmoid_stable(sign * f) * fp;
}

// out = sigmoid(x)
__kernel void sigmoid(__global const float* x, __global float* out, const int total) {
    int o = get_global_id(0);
    if (o < total) out[o] = sigmoid_stable(x[o]);
}

// dx += dy y (1 - y), from the output y
__kernel void sigmoid_backward(__global const float* y, __global const float* dy, __global float* dx, const int total) {
    int o = get_global_id(0);
    if (o < total) dx[o] += dy[o] * y[o] * (1.0f - y[o]);
}

// ---- the reconstruction (org.gmi.engine.Reconstruction) ----------------------------------------

// The dense "non-edge" part over every ordered pair (i, j): l0(s) = -log(1 - R + eps), R = sigmoid(s)
// in float, s = h_i . h_j; and, when grad, dh_i += gScale * sum_j l0'(s_ij) h_j with
// l0'(s) = R (1 - R) / (1 - R + eps). One work-group owns TS rows of H and walks every column block:
// S tile from TS x TS local tiles over d, l0' kept in local memory, dh_i accumulated in registers
// (MAXP columns per work-item) and written once: no N x N buffer, no atomics.
// partial[group] = the sum of l0 over its rows. Global (TS * rowBlocks, TS), local (TS, TS).
__kernel __attribute__((reqd_work_group_size(TS, TS, 1)))
void recon_dense(__global const float* h, const int n, const int d, const float eps, const float gScale,
                 __global float* dh, const int grad, __global float* partial) {
    __local float hi[TS][TS + 1];
    __local float hj[TS][TS + 1];
    __local float gt[TS][TS + 1];
    __local float red[TS * TS];
    int tj = get_local_id(0);
    int ti = get_local_id(1);
    int i = get_group_id(0) * TS + ti;
    float acc[MAXP];
    for (int q = 0; q < MAXP; q++) acc[q] = 0.0f;
    float loss = 0.0f;
    for (int j0 = 0; j0 < n; j0 += TS) {
        int j = j0 + tj;
        float s = 0.0f;
        for (int p0 = 0; p0 < d; p0 += TS) {
            int p = p0 + tj;
            hi[ti][tj] = (i < n && p < d) ? h[i * d + p] : 0.0f;
            hj[ti][tj] = (j0 + ti < n && p < d) ? h[(j0 + ti) * d + p] : 0.0f;
            barrier(CLK_LOCAL_MEM_FENCE);
            for (int q = 0; q < TS; q++) s += hi[ti][q] * hj[tj][q];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        float g = 0.0f;
        if (i < n && j < n) {
            float r = 1.0f / (1.0f + exp(-s));
            float q = 1.0f - r + eps;
            loss -= log(q);
            g = r * (1.0f - r) / q;
        }
        if (grad) {
            gt[ti][tj] = g;
            barrier(CLK_LOCAL_MEM_FENCE);
            int bEnd = min(TS, n - j0);
            for (int b = 0; b < bEnd; b++) {
                float gv = gt[ti][b];
                __global const float* hr = h + (j0 + b) * d;
                for (int q = 0; q < MAXP; q++) {
                    int p = tj + q * TS;
                    if (p < d) acc[q] += gv * hr[p];
                }
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
    }
    if (grad && i < n) {
        for (int q = 0; q < MAXP; q++) {
            int p = tj + q * TS;
            if (p < d) dh[i * d + p] += gScale * acc[q];
        }
    }
    int l = ti * TS + tj;
    red[l] = loss;
    tree_sum(red, l, TS * TS);
    if (l == 0) partial[get_group_id(0)] = red[0];
}

// The sparse correction over the ordered pairs of T (the Reconstruction's edgeCorrection): for each
// (i, j) in T, terms[i] += l1(s) - l0(s) = -w1 log(R + eps) + log(1 - R + eps) and, when grad,
// dh_i += gScale * (l1'(s) - l0'(s)) h_j with l1' = -w1 R (1 - R) / (R + eps). One work-item per row.
__kernel void recon_edges(__global const float* h, const int n, const int d, __global const int* ptr, __global const int* col,
                          const float w1, const float eps, const float gScale, __global float* dh, const int grad,
                          __global float* terms) {
    int i = get_global_id(0);
    if (i >= n) return;
    __global const float* hi = h + i * d;
    float sum = 0.0f;
    for (int e = ptr[i]; e < ptr[i + 1]; e++) {
        __global const float* hj = h + col[e] * d;
        float s = 0.0f;
        for (int p = 0; p < d; p++) s += hi[p] * hj[p];
        float r = 1.0f / (1.0f + exp(-s));
        float rr = r * (1.0f - r);
        float qPos = r + eps;
        float qNeg = 1.0f - r + eps;
        sum += -w1 * log(qPos) + log(qNeg);
        if (grad) {
            float gv = gScale * (-w1 * rr / qPos - rr / qNeg);
            for (int p = 0; p < d; p++) dh[i * d + p] += gv * hj[p];
        }
    }
    terms[i] = sum;
}

// The dense part through GEMMs (ClReconstruction): S, a chunk of rows of H H^T, is overwritten in
// place by g(s) = gScale l0'(s) (when grad); partial[partialOff + group] = the sum of l0(s) over the
// group's entries (a fixed grid-stride order). Global (RED * groups), local (RED).
__kernel __attribute__((reqd_work_group_size(RED, 1, 1)))
void recon_terms(__global float* s, const int total, const float eps, const float gScale, const int grad,
                 __global float* partial, const int partialOff) {
    __local float red[RED];
    int l = get_local_id(0);
    int stride = get_global_size(0);
    float loss = 0.0f;
    for (int o = get_global_id(0); o < total; o += stride) {
        float r = 1.0f / (1.0f + exp(-s[o]));
        float q = 1.0f - r + eps;
        loss -= log(q);
        if (grad) s[o] = gScale * (r * (1.0f - r) / q);
    }
    red[l] = loss;
    tree_sum(red, l, RED);
    if (l == 0) partial[partialOff + get_group_id(0)] = red[0];
}

// recon_edges with one work-group of 64 per row: each pair's dot product by the 64 work-items over
// strided columns and a fixed-order tree, the row's gradient updated by all of them. Global (64 n), local (64).
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void recon_edges_grouped(__global const float* h, const int n, const int d, __global const int* ptr,
                         __global const int* col, const float w1, const float eps, const float gScale,
                         __global float* dh, const int grad, __global float* terms) {
    __local float red[64];
    int i = get_group_id(0);
    int l = get_local_id(0);
    __global const float* hi = h + i * d;
    float sum = 0.0f;
    for (int e = ptr[i]; e < ptr[i + 1]; e++) {
        __global const float* hj = h + col[e] * d;
        float part = 0.0f;
        for (int p = l; p < d; p += 64) part = fma(hi[p], hj[p], part);
        red[l] = part;
        tree_sum(red, l, 64);
        float s = red[0];
        barrier(CLK_LOCAL_MEM_FENCE);
        float r = 1.0f / (1.0f + exp(-s));
        float rr = r * (1.0f - r);
        float qPos = r + eps;
        float qNeg = 1.0f - r + eps;
        sum += -w1 * log(qPos) + log(qNeg);
        if (grad) {
            float gv = gScale * (-w1 * rr / qPos - rr / qNeg);
            for (int p = l; p < d; p += 64) dh[i * d + p] += gv * hj[p];
        }
    }
    if (l == 0) terms[i] = sum;
}

// ---- the sampled reconstruction (org.gmi.engine.SampledReconstruction) ------------------------------

// Pass 1, one work-item per row i: over the pairs (i, j) of T, rowLoss += l1(s) = -w1 log(R + eps) and
// edgeCoef[e] = gScale l1'(s); over the k sampled non-edges j (-1: none), weighted n_i / k with n_i the
// row's non-edge count, rowLoss += weight l0(s) = -weight log(1 - R + eps) and
// sampleCoef[i*k + t] = gScale weight l0'(s).
__kernel void sampled_pass1(__global const float* h, const int n, const int d, __global const int* ptr, __global const int* col,
                            __global const int* sampled, const int k, const float w1, const float eps, const float gScale,
                            __global float* edgeCoef, __global float* sampleCoef, __global float* rowLoss) {
    int i = get_global_id(0);
    if (i >= n) return;
    __global const float* hi = h + i * d;
    float sum = 0.0f;
    for (int e = ptr[i]; e < ptr[i + 1]; e++) {
        __global const float* hj = h + col[e] * d;
        float s = 0.0f;
        for (int p = 0; p < d; p++) s += hi[p] * hj[p];
        float r = 1.0f / (1.0f + exp(-s));
        float q = r + eps;
        sum += -w1 * log(q);
        edgeCoef[e] = gScale * (-w1 * r * (1.0f - r) / q);
    }
    float weight = (float) (n - (ptr[i + 1] - ptr[i])) / k;
    for (int t = 0; t < k; t++) {
        int j = sampled[i * k + t];
        if (j < 0) {
            sampleCoef[i * k + t] = 0.0f;
            continue;
        }
        __global const float* hj = h + j * d;
        float s = 0.0f;
        for (int p = 0; p < d; p++) s += hi[p] * hj[p];
        float r = 1.0f / (1.0f + exp(-s));
        float q = 1.0f - r + eps;
        sum += -weight * log(q);
        sampleCoef[i * k + t] = gScale * weight * (r * (1.0f - r) / q);
    }
    rowLoss[i] = sum;
}

// Pass 2, global (d, n): each pair's gradient reaches both ends, gathered per row i:
// dh[i,p] += sum_{e in row i} edgeCoef[e] h[col[e],p] + sum_t sampleCoef[i*k+t] h[sampled[i*k+t],p]
//          + sum over the pairs (j, i) of T (the transpose tPtr/tRow/tEdge) of edgeCoef[that pair] h[j,p]
//          + sum over the samples (j, t) that drew i (inverse invPtr/inv) of sampleCoef[j*k+t] h[j,p]
__kernel void sampled_pass2(__global const float* h, const int n, const int d, __global const int* ptr, __global const int* col,
                            __global const int* tPtr, __global const int* tRow, __global const int* tEdge,
                            __global const int* sampled, const int k, __global const int* invPtr, __global const int* inv,
                            __global const float* edgeCoef, __global const float* sampleCoef, __global float* dh) {
    int p = get_global_id(0);
    int i = get_global_id(1);
    if (p >= d || i >= n) return;
    float acc = 0.0f;
    for (int e = ptr[i]; e < ptr[i + 1]; e++) acc += edgeCoef[e] * h[col[e] * d + p];
    for (int t = 0; t < k; t++) {
        int j = sampled[i * k + t];
        if (j >= 0) acc += sampleCoef[i * k + t] * h[j * d + p];
    }
    for (int e = tPtr[i]; e < tPtr[i + 1]; e++) acc += edgeCoef[tEdge[e]] * h[tRow[e] * d + p];
    for (int e = invPtr[i]; e < invPtr[i + 1]; e++) {
        int o = inv[e];
        acc += sampleCoef[o] * h[(o / k) * d + p];
    }
    dh[i * d + p] += acc;
}

// ---- Adam ------------------------------------------------------------------------------------

// g = grad + wd w; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr (m / c1) / (sqrt(v / c2) + eps)
__kernel void adam(__global float* w, __global const float* grad, const int hasGrad, __global float* m, __global float* v,
                   const int total, const float b1, const float b2, const float c1, const float c2,
                   const float lr, const float eps, const float wd) {
    int i = get_global_id(0);
    if (i >= total) return;
    float gi = (hasGrad ? grad[i] : 0.0f) + wd * w[i];
    float mi = b1 * m[i] + (1.0f - b1) * gi;
    float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= lr * (mi / c1) / (sqrt(vi / c2) + eps);
}
