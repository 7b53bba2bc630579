package org.gmi.engine;

/**
 * Dense and sparse matrix products: the GCN propagation, the encoder's weights and their
 * gradients. Every {@code accumulate} flag means {@code C += ...}, otherwise {@code C = ...}.
 * Part of {@link Backend}.
 */
public interface LinearAlgebra {
    /** C (+)= S B: S m x k sparse, B k x n, C m x n. */
    void spmm(CsrMatrix s, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    /** C (+)= S^T B: S m x k sparse, B m x n, C k x n. */
    void spmmTransA(CsrMatrix s, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    /** C (+)= A B: A m x k, B k x n. */
    void gemm(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    /** C (+)= A^T B: A m x k, B m x n, C k x n. */
    void gemmTransA(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate);

    /** C (+)= A B^T: A m x k, B n x k, C m x n. */
    void gemmTransB(DeviceMatrix a, DeviceMatrix b, DeviceMatrix c, boolean accumulate);
}
