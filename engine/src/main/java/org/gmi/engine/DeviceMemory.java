package org.gmi.engine;

/**
 * The backend's storage: matrices allocated, copied between host and backend, filled, copied and
 * scaled-added where they live.
 * Part of {@link Backend}.
 */
public interface DeviceMemory {
    /** A rows x cols matrix of zeros. */
    DeviceMatrix allocate(int rows, int cols);

    /** dst = src (host to backend); shapes must match. */
    void write(Matrix src, DeviceMatrix dst);

    /** dst = src (backend to host); shapes must match. */
    void read(DeviceMatrix src, Matrix dst);

    /** A new matrix holding a copy of {@code src}. */
    default DeviceMatrix upload(Matrix src) {
        DeviceMatrix m = allocate(src.rows, src.cols);
        write(src, m);
        return m;
    }

    /** A host copy of {@code src}. */
    default Matrix download(DeviceMatrix src) {
        Matrix m = new Matrix(src.rows(), src.cols());
        read(src, m);
        return m;
    }

    /** Gives the storage back; the handle must not be used afterwards. */
    void release(DeviceMatrix m);

    /** x[:] = v. */
    void fill(DeviceMatrix x, float v);

    /** dst = src (same shape). */
    void copy(DeviceMatrix src, DeviceMatrix dst);

    /** y += alpha x elementwise (same shape). */
    void addScaled(float alpha, DeviceMatrix x, DeviceMatrix y);

    /**
     * y = alpha x + y when {@code accumulate}, else y = alpha x (y's old contents unread): the first
     * gradient written into a buffer overwrites it instead of adding to a pass of zeros.
     */
    default void addScaled(float alpha, DeviceMatrix x, DeviceMatrix y, boolean accumulate) {
        if (!accumulate) {
            fill(y, 0f);
        }
        addScaled(alpha, x, y);
    }
}
