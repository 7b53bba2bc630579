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
import java.util.Locale;
import java.util.Map;
import org.gmi.autodiff.Parameter;
import org.gmi.engine.Matrix;
import org.gmi.graph.DataFiles;

/**
 * {@code encoder.gmi}: a trained encoder ({@link SavedEncoder}) on disk, in the container of
 * {@link ChecksummedFile} (written to a temporary name, forced and renamed; length and CRC-32 checked
 * before anything is trusted). Format version {@value #VERSION}, big-endian; {@code utf} is
 * {@code writeUTF}, {@code f32[n]} n IEEE floats:
 * <pre>
 *   header   8 bytes "GMIENCD\n", int32 version
 *   info     int32 n, n x (utf key, utf value): method, layers, hidden, features, feature_normalisation,
 *            propagation, activation, then what the trainer recorded (trained_on, seed, ...)
 *   params   int32 p, p x (utf name, int32 rows, int32 cols, f32[rows*cols]): gcn1.weight (features x hidden),
 *            gcn1.bias (1 x hidden), gcn1.prelu (1 x 1) [, gcn2.weight (hidden x hidden), gcn2.bias, gcn2.prelu]
 *   trailer  int64 length, int64 CRC-32 of the bytes before the trailer, 8 bytes "GMIEEND\n"
 * </pre>
 * A file whose checksum is intact but whose contents no training could have written (a method,
 * normalisation or activation this gmi does not know, shapes that disagree with the info, a
 * non-finite parameter) is refused too.
 */
public final class EncoderFile {
    /** The file name inside a run's output folder. */
    public static final String FILE = "encoder.gmi";
    public static final int VERSION = 1;
    private static final ChecksummedFile FORMAT = new ChecksummedFile("encoder file",
            "GMIENCD\n".getBytes(StandardCharsets.US_ASCII), VERSION, "GMIEEND\n".getBytes(StandardCharsets.US_ASCII),
            EncoderFormatException::new);

    private EncoderFile() {}

    /** Writes {@code encoder} to {@code file} through {@code temp} (same folder), atomically. */
    public static void write(Path file, Path temp, SavedEncoder encoder) throws IOException {
        FORMAT.write(file, temp, out -> writeBody(out, encoder));
    }

    /**
     * Writes {@code encoder} to {@code file} itself and forces it to disk: for a caller that writes
     * to a temporary name of its own and renames it (as gmi train does with all its outputs together).
     */
    public static void writeFile(Path file, SavedEncoder encoder) throws IOException {
        FORMAT.writeFile(file, out -> writeBody(out, encoder));
    }

    /** Reads {@code file}; throws {@link EncoderFormatException} naming it when it is missing, damaged or unusable. */
    public static SavedEncoder read(Path file) {
        String kind = DataFiles.notARegularFile(file);
        if (kind != null && !kind.equals("missing")) {
            throw new EncoderFormatException("encoder file " + DataFiles.notARegularFileMessage(file, kind));
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new EncoderFormatException("encoder file " + file + " does not exist (gmi train writes DIR/" + FILE + ")", e);
        } catch (IOException e) {
            throw new EncoderFormatException("cannot read encoder file " + file + ": " + e.getMessage(), e);
        }
        if (size < FORMAT.minimumSize()) {
            throw new EncoderFormatException("encoder file " + file + " is truncated: " + size + " bytes, too short for an encoder file");
        }
        Parsed p = FORMAT.read(file, size, EncoderFile::readBody);
        try {
            return check(p);
        } catch (IllegalArgumentException e) {
            throw new EncoderFormatException("encoder file " + file + " is unusable (its checksum is intact): " + e.getMessage()
                    + "; refused", e);
        }
    }

    private record Parsed(Map<String, String> info, List<Parameter> params) {}

    private static void writeBody(DataOutputStream o, SavedEncoder e) throws IOException {
        o.writeInt(e.info().size());
        for (Map.Entry<String, String> kv : e.info().entrySet()) {
            o.writeUTF(kv.getKey());
            o.writeUTF(kv.getValue());
        }
        List<Parameter> ps = e.encoder().parameters();
        o.writeInt(ps.size());
        for (Parameter p : ps) {
            o.writeUTF(p.name());
            o.writeInt(p.rows());
            o.writeInt(p.cols());
            ChecksummedFile.writeFloats(o, p.value().data);
        }
    }

    private static Parsed readBody(ChecksummedFile.Reader r) throws IOException {
        int n = r.count(2 + 2, "info entries");
        Map<String, String> info = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            info.put(r.in.readUTF(), r.in.readUTF());
        }
        int count = r.count(2 + 8, "parameters");
        List<Parameter> params = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            String name = r.in.readUTF();
            int rows = r.in.readInt();
            int cols = r.in.readInt();
            int size = r.shape(name, rows, cols, 1);
            params.add(new Parameter(name, new Matrix(rows, cols, r.floats(size))));
        }
        return new Parsed(info, params);
    }

    /** The encoder the parsed contents describe, or IllegalArgumentException saying what no training writes. */
    private static SavedEncoder check(Parsed p) {
        Map<String, String> info = p.info();
        Method method = switch (String.valueOf(info.get("method"))) {
            case "gmi" -> Method.GMI;
            case "dgi" -> Method.DGI;
            default -> throw new IllegalArgumentException("method '" + info.get("method") + "' (gmi or dgi)");
        };
        expect(info, "feature_normalisation", SavedEncoder.FEATURE_NORMALISATION);
        expect(info, "propagation", SavedEncoder.PROPAGATION);
        expect(info, "activation", SavedEncoder.ACTIVATION);
        GcnEncoder encoder = new GcnEncoder(p.params());
        Map<String, String> described = SavedEncoder.describe(method, encoder);
        for (String key : List.of("layers", "hidden", "features")) {
            if (!described.get(key).equals(info.get(key))) {
                throw new IllegalArgumentException("its info says " + key + " " + info.get(key) + ", its parameters "
                        + described.get(key));
            }
        }
        for (Parameter q : p.params()) {
            float[] v = q.value().data;
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "parameter %s holds %s at entry %d",
                            q.name(), v[i], i));
                }
            }
        }
        return new SavedEncoder(method, info, encoder);
    }

    private static void expect(Map<String, String> info, String key, String value) {
        if (!value.equals(info.get(key))) {
            throw new IllegalArgumentException(key + " '" + info.get(key) + "' (this gmi computes '" + value + "')");
        }
    }
}
