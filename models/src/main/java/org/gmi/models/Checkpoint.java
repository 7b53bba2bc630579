package org.gmi.models;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import org.gmi.graph.DataFiles;

/**
 * A training checkpoint on disk: one file, {@code FOLDER/state.ckpt}, holding a {@link TrainState}
 * and the configuration it was trained with (string keys and values, to check a resumed run
 * against). It is written to {@code FOLDER/.state.ckpt.PID.tmp}, flushed to disk, then renamed onto
 * {@code state.ckpt} in one atomic step, so the file is always either the previous complete
 * checkpoint or the new complete one.
 *
 * <p>Format version {@value #VERSION}, big-endian (Java's {@code DataOutput}); {@code utf} is
 * {@code writeUTF} (2-byte length, modified UTF-8), {@code f32[n]} and {@code f64[n]} are n IEEE values:
 * <pre>
 *   header   8 bytes "GMICKPT\n", int32 version
 *   config   int32 n, n x (utf key, utf value)
 *   counters int32 epochsDone, int8 finished (0|1), int32 bestEpoch, int32 sinceBest, f64 bestLoss, int32 adamSteps
 *   history  f64[epochsDone] loss, f64[epochsDone] epochSeconds, int32 terms, terms x (utf name, f64[epochsDone])
 *   params   int32 p, p x (utf name, int32 rows, int32 cols, f32[rows*cols] value, m, v, best)
 *   trailer  int64 length (bytes before the trailer), int64 CRC-32 of those bytes, 8 bytes "GMICEND\n"
 * </pre>
 * A reader checks the end marker, the length against the file size and the checksum before it
 * trusts anything it parsed, and every array length against the bytes left, so a truncated or
 * altered file is refused with a {@link CheckpointFormatException} and never allocates more than the
 * file could hold.
 */
public final class Checkpoint {
    /** The folder name inside a run's output folder. */
    public static final String FOLDER = "checkpoint";
    /** The file name inside that folder. */
    public static final String FILE = "state.ckpt";
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "GMICKPT\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "GMICEND\n".getBytes(StandardCharsets.US_ASCII);
    private static final int TRAILER = 8 + 8 + 8;

    /** What a checkpoint file holds. */
    public record Contents(Map<String, String> config, TrainState state) {}

    private Checkpoint() {}

    /** The checkpoint file of {@code folder}. */
    public static Path file(Path folder) {
        return folder.resolve(FILE);
    }

    /** The temporary name {@link #write} uses in {@code folder} (starts with '.' and ends with ".tmp"). */
    public static Path tempFile(Path folder) {
        return folder.resolve("." + FILE + "." + ProcessHandle.current().pid() + ".tmp");
    }

    /** Writes {@code state} and {@code config} to {@code folder/state.ckpt} atomically (creating the folder). */
    public static void write(Path folder, Map<String, String> config, TrainState state) throws IOException {
        Files.createDirectories(folder);
        Path temp = tempFile(folder);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream raw = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                Writer w = new Writer(raw);
                w.out.write(MAGIC);
                w.out.writeInt(VERSION);
                writeBody(w.out, config, state);
                w.out.flush();
                DataOutputStream trailer = new DataOutputStream(raw);
                trailer.writeLong(w.count);
                trailer.writeLong(w.crc.getValue());
                trailer.write(END);
                trailer.flush();
                ch.force(true);
            }
            try {
                Files.move(temp, file(folder), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file(folder), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncFolder(folder);
    }

    /** Reads {@code folder/state.ckpt}; throws {@link CheckpointFormatException} naming the file when it is missing or damaged. */
    public static Contents read(Path folder) {
        Path f = file(folder);
        String kind = DataFiles.notARegularFile(f);
        if (kind != null && !kind.equals("missing")) {
            throw new CheckpointFormatException("checkpoint " + DataFiles.notARegularFileMessage(f, kind));
        }
        long size;
        try {
            size = Files.size(f);
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException("no checkpoint in " + folder + " (" + f + " does not exist)", e);
        } catch (IOException e) {
            throw new CheckpointFormatException("cannot read checkpoint " + f + ": " + e.getMessage(), e);
        }
        if (size < MAGIC.length + 4 + TRAILER) {
            throw new CheckpointFormatException("checkpoint " + f + " is truncated: " + size + " bytes, too short for a checkpoint");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
            // the trailer first: a file cut short has no end marker or a wrong length
            byte[] tail = readTail(f, size);
            ByteBuffer tb = ByteBuffer.wrap(tail);
            long length = tb.getLong();
            long crc = tb.getLong();
            byte[] end = Arrays.copyOfRange(tail, 16, 24);
            if (!Arrays.equals(end, END)) {
                throw new CheckpointFormatException("checkpoint " + f + " is truncated or not a checkpoint: no end marker (" + size + " bytes)");
            }
            if (length != size - TRAILER) {
                throw new CheckpointFormatException("checkpoint " + f + " is damaged: it records " + length
                        + " bytes of data but holds " + (size - TRAILER));
            }
            Reader r = new Reader(in, length);
            byte[] magic = r.bytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CheckpointFormatException("checkpoint " + f + " is not a gmi checkpoint (wrong magic bytes)");
            }
            int version = r.in.readInt();
            if (version != VERSION) {
                throw new CheckpointFormatException("checkpoint " + f + " has format version " + version
                        + "; this gmi reads version " + VERSION);
            }
            Contents c = readBody(r);
            if (r.left() != 0) {
                throw new CheckpointFormatException("checkpoint " + f + " is damaged: " + r.left() + " unread bytes before the trailer");
            }
            if (r.crc.getValue() != crc) {
                throw new CheckpointFormatException("checkpoint " + f + " is damaged: checksum mismatch (CRC-32 "
                        + Long.toHexString(r.crc.getValue()) + ", recorded " + Long.toHexString(crc) + ")");
            }
            String problem = inconsistency(c);
            if (problem != null) {
                throw new CheckpointFormatException("checkpoint " + f + " is inconsistent (its checksum is intact): " + problem
                        + "; refused");
            }
            return c;
        } catch (EOFException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new CheckpointFormatException("checkpoint " + f + " is damaged: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CheckpointFormatException("cannot read checkpoint " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a checkpoint's contents say that no run could have reached ({@link TrainState#inconsistency},
     * and, where its configuration records {@code epochs} and {@code patience},
     * {@link TrainState#inconsistencyWith}), or null.
     */
    static String inconsistency(Contents c) {
        String problem = c.state().inconsistency();
        if (problem != null) {
            return problem;
        }
        try {
            String epochs = c.config().get("epochs");
            String patience = c.config().get("patience");
            if (epochs != null && patience != null) {
                return c.state().inconsistencyWith(Integer.parseInt(epochs), Integer.parseInt(patience));
            }
        } catch (NumberFormatException e) {
            return "its configuration holds epochs '" + c.config().get("epochs") + "' and patience '"
                    + c.config().get("patience") + "'";
        }
        return null;
    }

    /**
     * The keys whose values differ between a checkpoint's configuration and a run's, in the run's
     * order, then those only the checkpoint has; a key missing on one side counts as differing.
     */
    public static List<String> differingKeys(Map<String, String> saved, Map<String, String> now) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : now.entrySet()) {
            if (!Objects.equals(saved.get(e.getKey()), e.getValue())) {
                out.add(e.getKey());
            }
        }
        for (String k : saved.keySet()) {
            if (!now.containsKey(k)) {
                out.add(k);
            }
        }
        return out;
    }

    // ---- body ----

    private static void writeBody(DataOutputStream o, Map<String, String> config, TrainState s) throws IOException {
        o.writeInt(config.size());
        for (Map.Entry<String, String> e : config.entrySet()) {
            o.writeUTF(e.getKey());
            o.writeUTF(e.getValue());
        }
        o.writeInt(s.epochsDone());
        o.writeByte(s.finished() ? 1 : 0);
        o.writeInt(s.bestEpoch());
        o.writeInt(s.sinceBest());
        o.writeDouble(s.bestLoss());
        o.writeInt(s.adamSteps());
        writeDoubles(o, s.loss());
        writeDoubles(o, s.epochSeconds());
        o.writeInt(s.terms().size());
        for (Map.Entry<String, double[]> t : s.terms().entrySet()) {
            o.writeUTF(t.getKey());
            writeDoubles(o, t.getValue());
        }
        o.writeInt(s.names().length);
        for (int k = 0; k < s.names().length; k++) {
            o.writeUTF(s.names()[k]);
            o.writeInt(s.shapes()[k][0]);
            o.writeInt(s.shapes()[k][1]);
            writeFloats(o, s.values()[k]);
            writeFloats(o, s.firstMoments()[k]);
            writeFloats(o, s.secondMoments()[k]);
            writeFloats(o, s.best()[k]);
        }
    }

    private static Contents readBody(Reader r) throws IOException {
        int n = r.count(2 + 2, "config entries");
        Map<String, String> config = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            config.put(r.in.readUTF(), r.in.readUTF());
        }
        int epochs = r.count(8 + 8, "epochs");
        int fin = r.in.readByte();
        if (fin != 0 && fin != 1) {
            throw new IllegalArgumentException("finished flag " + fin);
        }
        int bestEpoch = r.in.readInt();
        int sinceBest = r.in.readInt();
        double bestLoss = r.in.readDouble();
        int adamSteps = r.in.readInt();
        double[] loss = r.doubles(epochs);
        double[] seconds = r.doubles(epochs);
        int nt = r.count(2 + 8L * epochs, "loss terms");
        Map<String, double[]> terms = new LinkedHashMap<>();
        for (int i = 0; i < nt; i++) {
            terms.put(r.in.readUTF(), r.doubles(epochs));
        }
        int p = r.count(2 + 8, "parameters");
        String[] names = new String[p];
        int[][] shapes = new int[p][];
        float[][] values = new float[p][];
        float[][] m = new float[p][];
        float[][] v = new float[p][];
        float[][] best = new float[p][];
        for (int k = 0; k < p; k++) {
            names[k] = r.in.readUTF();
            int rows = r.in.readInt();
            int cols = r.in.readInt();
            long size = (long) rows * cols;
            if (rows < 0 || cols < 0 || size > Integer.MAX_VALUE || 16 * size > r.left()) {
                throw new IllegalArgumentException("parameter " + names[k] + " of shape " + rows + "x" + cols
                        + " does not fit in the " + r.left() + " bytes left");
            }
            shapes[k] = new int[] {rows, cols};
            values[k] = r.floats((int) size);
            m[k] = r.floats((int) size);
            v[k] = r.floats((int) size);
            best[k] = r.floats((int) size);
        }
        return new Contents(config, new TrainState(epochs, fin == 1, names, shapes, values, m, v, adamSteps, best,
                bestLoss, bestEpoch, sinceBest, loss, terms, seconds));
    }

    private static void writeDoubles(DataOutputStream o, double[] a) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * a.length).order(ByteOrder.BIG_ENDIAN);
        b.asDoubleBuffer().put(a);
        o.write(b.array());
    }

    private static void writeFloats(DataOutputStream o, float[] a) throws IOException {
        int chunk = 1 << 14;
        ByteBuffer b = ByteBuffer.allocate(4 * Math.min(chunk, Math.max(a.length, 1))).order(ByteOrder.BIG_ENDIAN);
        for (int off = 0; off < a.length; off += chunk) {
            int len = Math.min(chunk, a.length - off);
            b.clear();
            b.asFloatBuffer().put(a, off, len);
            o.write(b.array(), 0, 4 * len);
        }
    }

    private static byte[] readTail(Path f, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(TRAILER);
            long pos = size - TRAILER;
            while (b.hasRemaining()) {
                int got = ch.read(b, pos + b.position());
                if (got < 0) {
                    throw new EOFException("file shorter than its size");
                }
            }
            return b.array();
        }
    }

    private static void syncFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not every platform can sync a folder; the rename itself is atomic
        }
    }

    /** Counts and checksums what goes through it. */
    private static final class Writer {
        final CRC32 crc = new CRC32();
        long count;
        final DataOutputStream out;

        Writer(OutputStream raw) {
            this.out = new DataOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    raw.write(b);
                    crc.update(b);
                    count++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    raw.write(b, off, len);
                    crc.update(b, off, len);
                    count += len;
                }

                @Override
                public void flush() throws IOException {
                    raw.flush();
                }
            });
        }
    }

    /** Reads at most {@code limit} bytes, checksumming them, and checks array sizes against what is left. */
    private static final class Reader {
        final CRC32 crc = new CRC32();
        final long limit;
        long count;
        final DataInputStream in;

        Reader(InputStream raw, long limit) {
            this.limit = limit;
            this.in = new DataInputStream(new InputStream() {
                @Override
                public int read() throws IOException {
                    if (count >= Reader.this.limit) {
                        throw new EOFException("data ends before the trailer");
                    }
                    int b = raw.read();
                    if (b >= 0) {
                        crc.update(b);
                        count++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    long left = Reader.this.limit - count;
                    if (left <= 0) {
                        throw new EOFException("data ends before the trailer");
                    }
                    int got = raw.read(b, off, (int) Math.min(len, left));
                    if (got > 0) {
                        crc.update(b, off, got);
                        count += got;
                    }
                    return got;
                }
            });
        }

        long left() {
            return limit - count;
        }

        byte[] bytes(int n) throws IOException {
            byte[] b = new byte[n];
            in.readFully(b);
            return b;
        }

        /** An int32 count of items taking at least {@code minBytesEach} bytes, checked against the bytes left. */
        int count(long minBytesEach, String what) throws IOException {
            int n = in.readInt();
            if (n < 0 || (long) n * Math.max(minBytesEach, 1) > left()) {
                throw new IllegalArgumentException(n + " " + what + " cannot fit in the " + left() + " bytes left");
            }
            return n;
        }

        double[] doubles(int n) throws IOException {
            if (8L * n > left()) {
                throw new IllegalArgumentException(n + " values cannot fit in the " + left() + " bytes left");
            }
            byte[] b = bytes(8 * n);
            double[] a = new double[n];
            ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).asDoubleBuffer().get(a);
            return a;
        }

        float[] floats(int n) throws IOException {
            float[] a = new float[n];
            int chunk = 1 << 14;
            byte[] b = new byte[4 * Math.min(chunk, Math.max(n, 1))];
            for (int off = 0; off < n; off += chunk) {
                int len = Math.min(chunk, n - off);
                in.readFully(b, 0, 4 * len);
                ByteBuffer.wrap(b, 0, 4 * len).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(a, off, len);
            }
            return a;
        }
    }
}
