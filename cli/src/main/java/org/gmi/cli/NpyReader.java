package org.gmi.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gmi.engine.Matrix;
import org.gmi.graph.DataFiles;

/**
 * Reads a 2-D NumPy {@code .npy} file into a float matrix: format versions 1.0, 2.0 and 3.0,
 * dtype float32 or float64 ({@code <f4 >f4 <f8 >f8}; float64 is narrowed), C or Fortran order.
 * Anything else (another dtype, another rank, a truncated file) is refused with a
 * {@link NpyFormatException} naming the file and the problem.
 */
public final class NpyReader {
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {}

    public static Matrix read(Path file) throws IOException {
        String kind = DataFiles.notARegularFile(file);
        if (kind != null) {
            throw new NpyFormatException(DataFiles.notARegularFileMessage(file, kind));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, file, "its header");
            pre.flip();
            for (byte m : NpyWriter.MAGIC) {
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
            if (headerLen > 1 << 20 || prefix + headerLen > size) {
                throw bad(file, "truncated or corrupt .npy header");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.position(prefix);
            readFully(ch, hb, file, "its header");
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

            String descr = group(DESCR, header, file, "descr");
            boolean fortran = group(FORTRAN, header, file, "fortran_order").equals("True");
            String[] dims = group(SHAPE, header, file, "shape").split(",");
            long[] shape = parseShape(dims, file);
            if (shape.length != 2) {
                throw bad(file, "expected a 2-D array (nodes x dimensions), found shape (" + String.join(",", dims).strip() + ")");
            }
            ByteOrder order;
            int itemSize;
            switch (descr) {
                case "<f4" -> { order = ByteOrder.LITTLE_ENDIAN; itemSize = 4; }
                case ">f4" -> { order = ByteOrder.BIG_ENDIAN; itemSize = 4; }
                case "<f8" -> { order = ByteOrder.LITTLE_ENDIAN; itemSize = 8; }
                case ">f8" -> { order = ByteOrder.BIG_ENDIAN; itemSize = 8; }
                default -> throw bad(file, "dtype '" + descr + "' is not supported (float32 or float64 are)");
            }
            long rows = shape[0];
            long cols = shape[1];
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
            int r = (int) rows;
            int c = (int) cols;
            long done = 0;
            while (done < count) {
                buf.clear();
                long want = Math.min(buf.capacity() / itemSize, count - done);
                buf.limit((int) (want * itemSize));
                readFully(ch, buf, file, "its data");
                buf.flip();
                for (long k = 0; k < want; k++, done++) {
                    float v = itemSize == 4 ? buf.getFloat() : (float) buf.getDouble();
                    // Fortran order stores column after column: element (i, j) is the (j * rows + i)-th.
                    int idx = fortran ? (int) ((done % r) * c + done / r) : (int) done;
                    data[idx] = v;
                }
            }
            return new Matrix(r, c, data);
        }
    }

    private static long[] parseShape(String[] dims, Path file) {
        int n = 0;
        long[] shape = new long[dims.length];
        for (String d : dims) {
            String t = d.strip();
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1);
            }
            if (t.isEmpty()) {
                continue;
            }
            try {
                shape[n++] = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw bad(file, "bad shape entry '" + d.strip() + "' in the .npy header");
            }
            if (shape[n - 1] < 0) {
                throw bad(file, "negative shape entry in the .npy header");
            }
        }
        return java.util.Arrays.copyOf(shape, n);
    }

    private static String group(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw bad(file, "the .npy header has no readable '" + key + "'");
        }
        return m.group(1);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path file, String what) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw bad(file, "truncated: the file ends inside " + what);
            }
        }
    }

    private static NpyFormatException bad(Path file, String problem) {
        return new NpyFormatException(file + ": " + problem);
    }
}
