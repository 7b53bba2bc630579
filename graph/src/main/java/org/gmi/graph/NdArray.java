package org.gmi.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A numpy array as read from a pickle or a {@code .npy} file: shape, dtype, memory order and the
 * raw bytes (or, for dtype object, the list of objects). Nothing here trusts the input: the byte
 * count is checked against shape and dtype before any conversion.
 */
final class NdArray {

    /**
     * A numpy dtype reduced to what these files use: a kind ({@code b} bool, {@code i} signed,
     * {@code u} unsigned, {@code f} float, {@code O} object), an item size and a byte order.
     */
    static final class DType {
        final char kind;
        final int itemSize;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        boolean structured;

        private DType(char kind, int itemSize) {
            this.kind = kind;
            this.itemSize = itemSize;
        }

        /** Parses a descr such as {@code <i4}, {@code |b1}, {@code f8}, {@code O8} or {@code |O}. */
        static DType parse(String descr) {
            String d = descr;
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            if (!d.isEmpty() && "<>|=".indexOf(d.charAt(0)) >= 0) {
                order = d.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                d = d.substring(1);
            }
            if (d.equals("?")) {
                d = "b1";
            }
            if (d.isEmpty() || "biufO".indexOf(d.charAt(0)) < 0) {
                throw new FormatProblem("unsupported numpy dtype " + FormatProblem.quote(descr)
                        + " (supported: bool, int, uint, float, object)");
            }
            char kind = d.charAt(0);
            int size;
            if (d.length() == 1 && kind == 'O') {
                size = 8;
            } else {
                try {
                    size = Integer.parseInt(d.substring(1));
                } catch (NumberFormatException e) {
                    throw new FormatProblem("unsupported numpy dtype " + FormatProblem.quote(descr));
                }
            }
            boolean ok = switch (kind) {
                case 'b' -> size == 1;
                case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
                case 'f' -> size == 2 || size == 4 || size == 8;
                default -> size == 4 || size == 8; // object pointers
            };
            if (!ok) {
                throw new FormatProblem("unsupported numpy dtype " + FormatProblem.quote(descr));
            }
            DType t = new DType(kind, size);
            t.order = order;
            return t;
        }

        /** numpy's pickled dtype state: (version, byteorder, subarray, names, fields, elsize, alignment, flags). */
        void setState(Object state) {
            if (!(state instanceof List<?> t) || t.size() < 2) {
                throw new FormatProblem("malformed numpy dtype state");
            }
            if (t.get(1) instanceof String bo && !bo.isEmpty()) {
                order = bo.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            }
            if (t.size() > 3 && (t.get(2) != null || t.get(3) != null)) {
                structured = true;
            }
        }

        boolean isObject() {
            return kind == 'O';
        }

        @Override
        public String toString() {
            String name = switch (kind) {
                case 'b' -> "bool";
                case 'i' -> "int" + itemSize * 8;
                case 'u' -> "uint" + itemSize * 8;
                case 'f' -> "float" + itemSize * 8;
                default -> "object";
            };
            return structured ? "structured " + name : name;
        }
    }

    long[] shape = {0};
    DType dtype;
    boolean fortran;
    byte[] raw;
    List<Object> objects;

    /** numpy's pickled ndarray state: ([version,] shape, dtype, is_fortran, data). */
    void setState(Object state) {
        if (!(state instanceof List<?> t) || (t.size() != 4 && t.size() != 5)) {
            throw new FormatProblem("malformed numpy array state (expected a tuple of 4 or 5 items)");
        }
        int o = t.size() - 4;
        if (!(t.get(o) instanceof List<?> dims)) {
            throw new FormatProblem("malformed numpy array state: shape is not a tuple");
        }
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            if (!(dims.get(i) instanceof Long v) || v < 0) {
                throw new FormatProblem("malformed numpy array shape: item " + i + " is not a non-negative integer");
            }
            s[i] = v;
        }
        if (!(t.get(o + 1) instanceof DType d)) {
            throw new FormatProblem("malformed numpy array state: no dtype");
        }
        Object f = t.get(o + 2);
        boolean fort = Boolean.TRUE.equals(f) || (f instanceof Long l && l != 0);
        Object data = t.get(o + 3);
        shape = s;
        dtype = d;
        fortran = fort;
        if (d.isObject()) {
            if (!(data instanceof List<?> list)) {
                throw new FormatProblem("object array without a list of items");
            }
            @SuppressWarnings("unchecked")
            List<Object> items = (List<Object>) list;
            objects = items;
            if (items.size() != size()) {
                throw new FormatProblem("object array of shape " + shapeString() + " holds " + items.size() + " items");
            }
        } else {
            if (data instanceof byte[] b) {
                raw = b;
            } else if (data instanceof String str) {
                raw = str.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1); // Python 2 str, read as latin-1
            } else {
                throw new FormatProblem("numpy array data is not a byte string");
            }
            checkByteCount(raw.length);
        }
    }

    void checkByteCount(long have) {
        if (dtype.structured) {
            throw new FormatProblem("structured numpy dtypes are not supported");
        }
        long need = size() * dtype.itemSize;
        if (have != need) {
            throw new FormatProblem("array " + shapeString() + " of " + dtype + " needs " + need
                    + " bytes of data, found " + have + (have < need ? " (truncated)" : ""));
        }
    }

    /** Number of elements (product of the shape), refusing anything that would not fit a Java array. */
    long size() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
            if (n > Integer.MAX_VALUE - 8) {
                throw new FormatProblem("array " + shapeString() + " is too large");
            }
        }
        return n;
    }

    int ndim() {
        return shape.length;
    }

    int dim(int i) {
        return (int) shape[i];
    }

    String shapeString() {
        String inner = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        return "(" + inner + (shape.length == 1 ? ",)" : ")");
    }

    /** The single item of a 0-d (or one-element) object array. */
    Object item() {
        if (!dtype.isObject() || objects.size() != 1) {
            throw new FormatProblem("expected a 0-d object array holding one object, found " + dtype
                    + " array " + shapeString());
        }
        return objects.get(0);
    }

    private ByteBuffer buffer() {
        if (dtype.isObject()) {
            throw new FormatProblem("expected a numeric array, found an object array");
        }
        return ByteBuffer.wrap(raw).order(dtype.order);
    }

    /** The elements as ints in row-major order; integers and bools only, each must fit an int. */
    int[] ints() {
        if (dtype.kind == 'f' || dtype.isObject()) {
            throw new FormatProblem("expected integers, found " + dtype + " array " + shapeString());
        }
        ByteBuffer b = buffer();
        int n = (int) size();
        int[] out = new int[n];
        switch (dtype.itemSize) {
            case 1 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = dtype.kind == 'i' ? b.get(i) : b.get(i) & 0xff;
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    short v = b.getShort(2 * i);
                    out[i] = dtype.kind == 'i' ? v : v & 0xffff;
                }
            }
            case 4 -> {
                for (int i = 0; i < n; i++) {
                    int v = b.getInt(4 * i);
                    if (dtype.kind == 'u' && v < 0) {
                        throw new FormatProblem("value " + Integer.toUnsignedString(v) + " at index " + i + " does not fit an int");
                    }
                    out[i] = v;
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    long v = b.getLong(8 * i);
                    if (v != (int) v || (dtype.kind == 'u' && v < 0)) {
                        String shown = dtype.kind == 'u' ? Long.toUnsignedString(v) : Long.toString(v);
                        throw new FormatProblem("value " + shown + " at index " + i + " does not fit an int");
                    }
                    out[i] = (int) v;
                }
            }
        }
        return rowMajor(out);
    }

    /** The elements as floats in row-major order (float64 rounded to float32; integers converted). */
    float[] floats() {
        if (dtype.isObject()) {
            throw new FormatProblem("expected numbers, found an object array");
        }
        int n = (int) size();
        if (dtype.kind != 'f') {
            int[] v = ints();
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = v[i];
            }
            return out; // ints() already returned row-major order
        }
        ByteBuffer b = buffer();
        float[] out = new float[n];
        switch (dtype.itemSize) {
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.float16ToFloat(b.getShort(2 * i));
                }
            }
            case 4 -> b.asFloatBuffer().get(out);
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
        }
        return rowMajor(out);
    }

    private int[] rowMajor(int[] a) {
        if (!fortran || shape.length < 2) {
            return a;
        }
        requireMatrixForFortran();
        int rows = dim(0), cols = dim(1);
        int[] out = new int[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = a[j * rows + i];
            }
        }
        return out;
    }

    private float[] rowMajor(float[] a) {
        if (!fortran || shape.length < 2) {
            return a;
        }
        requireMatrixForFortran();
        int rows = dim(0), cols = dim(1);
        float[] out = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = a[j * rows + i];
            }
        }
        return out;
    }

    private void requireMatrixForFortran() {
        if (shape.length != 2) {
            throw new FormatProblem("Fortran-ordered arrays of " + shape.length + " dimensions are not supported");
        }
    }

    /** Checks the array has {@code n} dimensions, naming {@code what} otherwise. */
    NdArray requireDims(int n, String what) {
        if (shape.length != n) {
            throw new FormatProblem(what + " must be a " + n + "-d array, found shape " + shapeString());
        }
        return this;
    }
}
