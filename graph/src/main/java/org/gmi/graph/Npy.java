package org.gmi.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.Matrix;

/**
 * numpy's {@code .npy} format, the project's one codec for it: the magic {@code \x93NUMPY}, a
 * version (1.0, 2.0 or 3.0), a header length, a header that is a Python dict literal
 * ({@code {'descr': '<i4', 'fortran_order': False, 'shape': (7650,), }}) and the data.
 *
 * <p>Arrays inside archives ({@link #read(byte[])}, for {@code .npz} and Planetoid files) take any
 * numeric dtype; arrays of dtype object hold a pickle of the whole array after the header, read
 * with the strict {@link Pickle} interpreter. Embedding matrices ({@link #readMatrix(Path)},
 * {@link #writeMatrix(Path, Matrix)}) are 2-D float32 or float64 files streamed from and to disk.
 */
public final class Npy {
    /** The six bytes every .npy file starts with. */
    public static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int CHUNK_FLOATS = 1 << 16;
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private Npy() {}

    static NdArray read(byte[] data) {
        if (data.length < 10) {
            throw new FormatProblem("not a .npy array: " + data.length + " bytes, too short for the header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                throw new FormatProblem("not a .npy array: wrong magic (expected \\x93NUMPY)");
            }
        }
        int major = data[6] & 0xff;
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = (data[8] & 0xff) | (data[9] & 0xff) << 8;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (data.length < 12) {
                throw new FormatProblem("truncated .npy header");
            }
            long n = (data[8] & 0xffL) | (data[9] & 0xffL) << 8 | (data[10] & 0xffL) << 16 | (data[11] & 0xffL) << 24;
            if (n > Integer.MAX_VALUE) {
                throw new FormatProblem("truncated .npy header");
            }
            headerLen = (int) n;
            start = 12;
        } else {
            throw new FormatProblem(".npy version " + major + "." + (data[7] & 0xff) + " is not supported (1, 2 or 3)");
        }
        if (headerLen > data.length - start) {
            throw new FormatProblem("truncated .npy header: " + headerLen + " bytes announced, "
                    + (data.length - start) + " present");
        }
        String header = new String(data, start, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = parseHeader(header);
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shape = dict.get("shape");
        if (descr instanceof List<?>) {
            throw new FormatProblem("structured numpy dtypes are not supported");
        }
        if (!(descr instanceof String d) || !(fortran instanceof Boolean f) || !(shape instanceof List<?> s)) {
            throw new FormatProblem(".npy header lacks descr, fortran_order or shape: " + FormatProblem.quote(header.strip()));
        }
        NdArray.DType dtype = NdArray.DType.parse(d);
        long[] dims = new long[s.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!(s.get(i) instanceof Long v) || v < 0) {
                throw new FormatProblem(".npy header has a bad shape " + FormatProblem.quote(header.strip()));
            }
            dims[i] = v;
        }
        int dataStart = start + headerLen;
        if (dtype.isObject()) {
            Object o = Pickle.load(data, dataStart);
            if (!(o instanceof NdArray a) || !a.dtype.isObject()) {
                throw new FormatProblem("object .npy array does not hold a pickled object array");
            }
            if (!java.util.Arrays.equals(a.shape, dims)) {
                throw new FormatProblem("object .npy array: header shape and pickled shape " + a.shapeString() + " differ");
            }
            return a;
        }
        NdArray a = new NdArray();
        a.shape = dims;
        a.dtype = dtype;
        a.fortran = f;
        a.checkByteCount(data.length - dataStart);
        a.raw = java.util.Arrays.copyOfRange(data, dataStart, data.length);
        return a;
    }

    /** A 1-D little-endian int64 .npy file (numpy's default integer) holding {@code values}. */
    public static byte[] int64(int[] values) {
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            raw.putLong(v);
        }
        return write("<i8", false, new long[] {values.length}, raw.array());
    }

    /** Writes a numeric array as .npy version 1.0 (for tests and fixtures). */
    static byte[] write(String descr, boolean fortranOrder, long[] shape, byte[] raw) {
        byte[] head = header(descr, fortranOrder, shape);
        byte[] out = Arrays.copyOf(head, head.length + raw.length);
        System.arraycopy(raw, 0, out, head.length, raw.length);
        return out;
    }

    /** Magic, version 1.0, header length and the padded header dictionary of a numeric array: what precedes its data. */
    static byte[] header(String descr, boolean fortranOrder, long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        s.append(')');
        StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': "
                + (fortranOrder ? "True" : "False") + ", 'shape': " + s + ", }");
        while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + header.length];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) header.length;
        out[9] = (byte) (header.length >> 8);
        System.arraycopy(header, 0, out, 10, header.length);
        return out;
    }

    /**
     * Reads a 2-D float matrix (nodes x dimensions): format 1.0, 2.0 or 3.0, dtype float32 or
     * float64 of either byte order (float64 is narrowed), C or Fortran order. Anything else (another
     * dtype, another rank, a truncated file, not a regular file) is a {@link GraphFormatException}
     * naming the file and the problem.
     */
    public static Matrix readMatrix(Path file) throws IOException {
        String kind = DataFiles.notARegularFile(file);
        if (kind != null) {
            throw new GraphFormatException(DataFiles.notARegularFileMessage(file, kind));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, file, "its header");
            pre.flip();
            for (byte m : MAGIC) {
                if (pre.get() != m) {
                    throw bad(file, "not a .npy file (no \\x93NUMPY magic at the start)");
                }
            }
            int major = pre.get() & 0xff;
            pre.get();
            long headerLen;
            int prefix;
            if (major == 1) {
                headerLen = pre.getShort() & 0xffff;
                prefix = 10;
            } else if (major == 2 || major == 3) {
                headerLen = pre.getInt() & 0xffffffffL;
                prefix = 12;
            } else {
                throw bad(file, ".npy format version " + major + " is not supported (1, 2 or 3 are)");
            }
            if (headerLen > MAX_HEADER_BYTES || prefix + headerLen > size) {
                throw bad(file, "truncated or corrupt .npy header");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.position(prefix);
            readFully(ch, hb, file, "its header");
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Map<String, Object> dict;
            try {
                dict = parseHeader(header);
            } catch (FormatProblem e) {
                throw e.in(file.toString());
            }
            if (!(dict.get("descr") instanceof String descr) || !(dict.get("fortran_order") instanceof Boolean fortran)
                    || !(dict.get("shape") instanceof List<?> dims)) {
                throw bad(file, "the .npy header lacks descr, fortran_order or shape: " + FormatProblem.quote(header.strip()));
            }
            if (dims.size() != 2 || !(dims.get(0) instanceof Long rows) || !(dims.get(1) instanceof Long cols)
                    || rows < 0 || cols < 0) {
                throw bad(file, "expected a 2-D array (nodes x dimensions), found shape " + FormatProblem.quote(dims.toString()));
            }
            ByteOrder order;
            int itemSize;
            switch (descr) {
                case "<f4" -> { order = ByteOrder.LITTLE_ENDIAN; itemSize = 4; }
                case ">f4" -> { order = ByteOrder.BIG_ENDIAN; itemSize = 4; }
                case "<f8" -> { order = ByteOrder.LITTLE_ENDIAN; itemSize = 8; }
                case ">f8" -> { order = ByteOrder.BIG_ENDIAN; itemSize = 8; }
                default -> throw bad(file, "dtype " + FormatProblem.quote(descr) + " is not supported (float32 or float64 are)");
            }
            long count = rows * cols;
            if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || count > Integer.MAX_VALUE - 16) {
                throw bad(file, "array of shape (" + rows + ", " + cols + ") is too large");
            }
            long dataStart = prefix + headerLen;
            long expected = dataStart + count * itemSize;
            if (size < expected) {
                throw bad(file, "truncated: shape (" + rows + ", " + cols + ") needs " + expected + " bytes, the file has " + size);
            }
            float[] data = new float[(int) count];
            ch.position(dataStart);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(order);
            int r = (int) (long) rows;
            int c = (int) (long) cols;
            long done = 0;
            while (done < count) {
                buf.clear();
                long want = Math.min(buf.capacity() / itemSize, count - done);
                buf.limit((int) (want * itemSize));
                readFully(ch, buf, file, "its data");
                buf.flip();
                for (long k = 0; k < want; k++, done++) {
                    float v = itemSize == 4 ? buf.getFloat() : (float) buf.getDouble();
                    // Fortran order stores column after column: element (i, j) is the (j * rows + i)-th
                    int idx = fortran ? (int) ((done % r) * c + done / r) : (int) done;
                    data[idx] = v;
                }
            }
            return new Matrix(r, c, data);
        }
    }

    /**
     * Writes a float matrix as format 1.0: the header
     * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (rows, cols), }} padded with spaces
     * and ended by a newline so that magic + version + length + header is a multiple of 64 bytes, then
     * float32, little-endian, C order. {@code numpy.load} reads it as is.
     */
    public static void writeMatrix(Path file, Matrix m) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writeMatrix(out, m);
        }
    }

    /** As {@link #writeMatrix(Path, Matrix)}, onto a stream. */
    public static void writeMatrix(OutputStream out, Matrix m) throws IOException {
        out.write(matrixHeader(m.rows, m.cols));
        ByteBuffer buf = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
        float[] data = m.data;
        for (int off = 0; off < data.length; off += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, data.length - off);
            buf.clear();
            buf.asFloatBuffer().put(data, off, n);
            out.write(buf.array(), 0, 4 * n);
        }
        out.flush();
    }

    /** Magic, version, header length and the padded header dictionary of a float32 (rows, cols) array. */
    public static byte[] matrixHeader(int rows, int cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int prefix = MAGIC.length + 2 + 2;
        int total = prefix + dict.length() + 1;
        int padded = (total + ALIGN - 1) / ALIGN * ALIGN;
        String header = dict + " ".repeat(padded - total) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        return b.array();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path file, String what) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw bad(file, "truncated: the file ends inside " + what);
            }
        }
    }

    private static GraphFormatException bad(Path file, String problem) {
        return new GraphFormatException(file + ": " + problem);
    }

    // ---- a parser for the Python literals a .npy header holds ----

    private static Map<String, Object> parseHeader(String header) {
        Literal p = new Literal(header);
        Object o = p.value();
        p.skipSpace();
        if (!(o instanceof Map<?, ?> m) || p.pos != header.length()) {
            throw new FormatProblem(".npy header is not a dict literal: " + FormatProblem.quote(header.strip()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static final class Literal {
        /** numpy headers nest two levels ({'shape': (..)}); anything much deeper is not a header. */
        static final int MAX_DEPTH = 16;
        final String s;
        int pos;
        int depth;

        Literal(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        FormatProblem bad() {
            return new FormatProblem(".npy header is not a valid literal at character " + pos + ": "
                    + FormatProblem.quote(s.strip()));
        }

        Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw bad();
            }
            char c = s.charAt(pos);
            if ((c == '{' || c == '(' || c == '[') && ++depth > MAX_DEPTH) {
                throw new FormatProblem(".npy header nests more than " + MAX_DEPTH + " levels deep");
            }
            if (c == '{') {
                pos++;
                Map<Object, Object> m = new LinkedHashMap<>();
                while (true) {
                    skipSpace();
                    if (pos < s.length() && s.charAt(pos) == '}') {
                        pos++;
                        depth--;
                        return m;
                    }
                    Object k = value();
                    skipSpace();
                    expect(':');
                    Object v = value();
                    m.put(k, v);
                    if (!separator('}')) {
                        depth--;
                        return m;
                    }
                }
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                pos++;
                List<Object> l = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (pos < s.length() && s.charAt(pos) == close) {
                        pos++;
                        depth--;
                        return l;
                    }
                    l.add(value());
                    if (!separator(close)) {
                        depth--;
                        return l;
                    }
                }
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) {
                    throw bad();
                }
                String v = s.substring(pos + 1, end);
                pos = end + 1;
                return v;
            }
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '-' || s.charAt(pos) == '_')) {
                pos++;
            }
            String word = s.substring(start, pos);
            switch (word) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                case "None":
                    return null;
                default:
                    String digits = word.endsWith("L") ? word.substring(0, word.length() - 1) : word;
                    try {
                        return Long.parseLong(digits);
                    } catch (NumberFormatException e) {
                        throw bad();
                    }
            }
        }

        /** After an item: a comma (true: more may follow) or the closing bracket (false: consumed). */
        boolean separator(char close) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ',') {
                pos++;
                return true;
            }
            expect(close);
            return false;
        }

        void expect(char c) {
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw bad();
            }
            pos++;
        }
    }
}
