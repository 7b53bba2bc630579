package org.gmi.models;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private static final ChecksummedFile FORMAT = new ChecksummedFile("checkpoint",
            "GMICKPT\n".getBytes(StandardCharsets.US_ASCII), VERSION, "GMICEND\n".getBytes(StandardCharsets.US_ASCII),
            CheckpointFormatException::new);

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
        FORMAT.write(file(folder), tempFile(folder), out -> writeBody(out, config, state));
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
        if (size < FORMAT.minimumSize()) {
            throw new CheckpointFormatException("checkpoint " + f + " is truncated: " + size + " bytes, too short for a checkpoint");
        }
        Contents c = FORMAT.read(f, size, Checkpoint::readBody);
        String problem = inconsistency(c);
        if (problem != null) {
            throw new CheckpointFormatException("checkpoint " + f + " is inconsistent (its checksum is intact): " + problem
                    + "; refused");
        }
        return c;
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
        ChecksummedFile.writeDoubles(o, s.loss());
        ChecksummedFile.writeDoubles(o, s.epochSeconds());
        o.writeInt(s.terms().size());
        for (Map.Entry<String, double[]> t : s.terms().entrySet()) {
            o.writeUTF(t.getKey());
            ChecksummedFile.writeDoubles(o, t.getValue());
        }
        o.writeInt(s.names().length);
        for (int k = 0; k < s.names().length; k++) {
            o.writeUTF(s.names()[k]);
            o.writeInt(s.shapes()[k][0]);
            o.writeInt(s.shapes()[k][1]);
            ChecksummedFile.writeFloats(o, s.values()[k]);
            ChecksummedFile.writeFloats(o, s.firstMoments()[k]);
            ChecksummedFile.writeFloats(o, s.secondMoments()[k]);
            ChecksummedFile.writeFloats(o, s.best()[k]);
        }
    }

    private static Contents readBody(ChecksummedFile.Reader r) throws IOException {
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
            int size = r.shape(names[k], rows, cols, 4);
            shapes[k] = new int[] {rows, cols};
            values[k] = r.floats(size);
            m[k] = r.floats(size);
            v[k] = r.floats(size);
            best[k] = r.floats(size);
        }
        return new Contents(config, new TrainState(epochs, fin == 1, names, shapes, values, m, v, adamSteps, best,
                bestLoss, bestEpoch, sinceBest, loss, terms, seconds));
    }
}
