package org.gmi.models.eval;

import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.factory.DecompositionFactory_FDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F32;
import org.gmi.engine.Matrix;

/**
 * Principal component analysis of embeddings, for a 2-D picture of them ({@code gmi plot embeddings}).
 *
 * <p>Y = (X - mean) V_k, V_k the eigenvectors of the covariance C = (X - mean)^T (X - mean) / (N - 1)
 * with the k largest eigenvalues (EJML's symmetric eigen decomposition of the d x d matrix C: cheaper
 * than an SVD of the N x d data when N > d, which embeddings always are). Each component's sign is
 * fixed so that its largest entry is positive, so the picture does not flip between runs.
 *
 * @param components  d x k, the principal directions as columns
 * @param variances   the k largest eigenvalues of C, in decreasing order
 * @param totalVariance trace of C (the share explained is variances[c] / totalVariance)
 */
public record Pca(Matrix components, double[] variances, double totalVariance, float[] mean) {

    /** Fits the k leading components of the rows of {@code x} (N x d, N >= 2, 1 <= k <= d). */
    public static Pca fit(Matrix x, int k) {
        int n = x.rows;
        int d = x.cols;
        if (n < 2 || k < 1 || k > d) {
            throw new IllegalArgumentException("pca: " + k + " components of " + x.shape() + " (need N >= 2 and 1 <= k <= d)");
        }
        float[] mean = new float[d];
        double[] acc = new double[d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                acc[c] += x.data[i * d + c];
            }
        }
        for (int c = 0; c < d; c++) {
            mean[c] = (float) (acc[c] / n);
        }
        FMatrixRMaj centred = new FMatrixRMaj(n, d);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                centred.data[i * d + c] = x.data[i * d + c] - mean[c];
            }
        }
        FMatrixRMaj cov = new FMatrixRMaj(d, d);
        CommonOps_FDRM.multTransA(centred, centred, cov);
        CommonOps_FDRM.scale(1f / (n - 1), cov);
        double trace = 0;
        for (int c = 0; c < d; c++) {
            trace += cov.get(c, c);
        }
        EigenDecomposition_F32<FMatrixRMaj> eig = DecompositionFactory_FDRM.eig(d, true, true);
        if (!eig.decompose(cov)) {
            throw new IllegalStateException("pca: the eigen decomposition of the " + d + " x " + d + " covariance failed");
        }
        Integer[] order = new Integer[d];
        for (int c = 0; c < d; c++) {
            order[c] = c;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer c) -> eig.getEigenvalue(c).real).reversed());
        Matrix components = new Matrix(d, k);
        double[] variances = new double[k];
        for (int j = 0; j < k; j++) {
            FMatrixRMaj v = eig.getEigenVector(order[j]);
            variances[j] = eig.getEigenvalue(order[j]).real;
            int largest = 0;
            for (int c = 1; c < d; c++) {
                if (Math.abs(v.get(c, 0)) > Math.abs(v.get(largest, 0))) {
                    largest = c;
                }
            }
            float sign = v.get(largest, 0) < 0 ? -1f : 1f;
            for (int c = 0; c < d; c++) {
                components.set(c, j, sign * v.get(c, 0));
            }
        }
        return new Pca(components, variances, trace, mean);
    }

    /** The rows of {@code x} in the principal coordinates: (X - mean) V_k, N x k. */
    public Matrix project(Matrix x) {
        int d = components.rows;
        int k = components.cols;
        if (x.cols != d) {
            throw new IllegalArgumentException("pca: project " + x.shape() + " onto components of " + d + " dimensions");
        }
        Matrix y = new Matrix(x.rows, k);
        for (int i = 0; i < x.rows; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    s += (double) (x.data[i * d + c] - mean[c]) * components.data[c * k + j];
                }
                y.data[i * k + j] = (float) s;
            }
        }
        return y;
    }

    /** Share of the total variance each component explains. */
    public double[] explainedRatio() {
        double[] r = new double[variances.length];
        for (int j = 0; j < r.length; j++) {
            r[j] = totalVariance > 0 ? variances[j] / totalVariance : 0;
        }
        return r;
    }
}
