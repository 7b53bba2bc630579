// The register-blocked GEMM of the OpenCL backend, built once per variant with the options
//   -DTA=0|1 -DTB=0|1   A or B read transposed
//   -DBM -DBN -DBK      the work-group's tile of C (BM x BN) and the depth of one step over k
//   -DTM -DTN           the work-item's block of C (TM x TN), kept in registers
// Work-group (BN/TN, BM/TM). Work-item (tx, ty) owns the entries (ty + u*(BM/TM), tx + v*(BN/TN)),
// u < TM, v < TN: strided rather than adjacent, so that the reads of one step from local memory fall
// on consecutive banks and the stores of C on consecutive addresses.
//
// C(i,j) (+)= sum_{p in this split} A(i,p) B(p,j), with
//   A(i,p) = a[aOff + (TA ? p*lda + i : i*lda + p)],  B(p,j) = b[bOff + (TB ? j*ldb + p : p*ldb + j)],
//   C(i,j) = c[cOff + split*cSplit + i*ldc + j].
// Split s (group id 2) sums p over [s*kChunk, min(k, (s+1)*kChunk)); with several splits each writes
// its own slab of c (cSplit apart) and gemm_sum_splits adds them in split order. Every p is added in
// increasing order into one fma chain per entry: the same inputs and variant give the same bits.

#define WX (BN / TN)
#define WY (BM / TM)
#define NT (WX * WY)
#if (BM * BK) % NT != 0 || (BK * BN) % NT != 0
#error "a tile's loads must divide evenly among the work-group"
#endif

__kernel __attribute__((reqd_work_group_size(WX, WY, 1)))
void gemm_tiled(__global const float* a, const int aOff, const int lda,
                __global const float* b, const int bOff, const int ldb,
                __global float* c, const int cOff, const int ldc, const int cSplit,
                const int m, const int n, const int k, const int kChunk, const int accumulate) {
    __local float as[BK][BM + 1];
    __local float bs[BK][BN + 1];
    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int tid = ty * WX + tx;
    const int i0 = get_group_id(1) * BM;
    const int j0 = get_group_id(0) * BN;
    const int split = get_group_id(2);
    const int kBegin = split * kChunk;
    const int kEnd = min(k, kBegin + kChunk);
    a += aOff;
    b += bOff;

    float acc[TM][TN];
#pragma unroll
    for (int u = 0; u < TM; u++) {
#pragma unroll
        for (int v = 0; v < TN; v++) acc[u][v] = 0.0f;
    }

    for (int p0 = kBegin; p0 < kEnd; p0 += BK) {
        // A's tile, BM x BK, read along its contiguous direction
#pragma unroll
        for (int t = 0; t < BM * BK / NT; t++) {
            const int e = tid + t * NT;
#if TA
            const int r = e % BM;
            const int q = e / BM;
#else
            const int q = e % BK;
            const int r = e / BK;
#endif
            const int gi = i0 + r;
            const int gp = p0 + q;
#if TA
            as[q][r] = (gi < m && gp < kEnd) ? a[gp * lda + gi] : 0.0f;
#else
            as[q][r] = (gi < m && gp < kEnd) ? a[gi * lda + gp] : 0.0f;
#endif
        }
        // B's tile, BK x BN
#pragma unroll
        for (int t = 0; t < BK * BN / NT; t++) {
            const int e = tid + t * NT;
#if TB
            const int q = e % BK;
            const int r = e / BK;
#else
            const int r = e % BN;
            const int q = e / BN;
#endif
            const int gj = j0 + r;
            const int gp = p0 + q;
#if TB
            bs[q][r] = (gj < n && gp < kEnd) ? b[gj * ldb + gp] : 0.0f;
#else
            bs[q][r] = (gj < n && gp < kEnd) ? b[gp * ldb + gj] : 0.0f;
#endif
        }
        barrier(CLK_LOCAL_MEM_FENCE);
#pragma unroll
        for (int q = 0; q < BK; q++) {
            float ar[TM];
            float br[TN];
#pragma unroll
            for (int u = 0; u < TM; u++) ar[u] = as[q][ty + u * WY];
#pragma unroll
            for (int v = 0; v < TN; v++) br[v] = bs[q][tx + v * WX];
#pragma unroll
            for (int u = 0; u < TM; u++) {
#pragma unroll
                for (int v = 0; v < TN; v++) acc[u][v] = fma(ar[u], br[v], acc[u][v]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    c += cOff + split * cSplit;
#pragma unroll
    for (int u = 0; u < TM; u++) {
        const int i = i0 + ty + u * WY;
        if (i < m) {
#pragma unroll
            for (int v = 0; v < TN; v++) {
                const int j = j0 + tx + v * WX;
                if (j < n) {
                    const int o = i * ldc + j;
                    c[o] = accumulate ? c[o] + acc[u][v] : acc[u][v];
                }
            }
        }
    }
}

// c[cOff + o] (+)= sum_{s < splits} part[s*total + o], the splits added in order (C contiguous, ldc = n).
__kernel void gemm_sum_splits(__global const float* part, const int splits, const int total,
                              __global float* c, const int cOff, const int accumulate) {
    const int o = get_global_id(0);
    if (o >= total) return;
    float s = part[o];
    for (int t = 1; t < splits; t++) s += part[t * total + o];
    c[cOff + o] = accumulate ? c[cOff + o] + s : s;
}
