package org.gmi.graph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry point for every dataset a user can name: a bundled name ({@code cora},
 * {@code citeseer}; any case), a folder of Planetoid {@code ind.NAME.*} files (or such a folder
 * plus {@code /ind.NAME} to pick one of several), a {@code .npz} file, a folder with
 * {@code edges.csv}, or a folder in the binary layout of {@code gmi convert} ({@link BinaryGraph}).
 *
 * <p>Bundled data are the unmodified Planetoid files, on the classpath under
 * {@code org/gmi/graph/data/} with their {@code SOURCES.md}; every file is checked against the
 * sha256 listed there when it is loaded.
 */
public final class Datasets {
    private static final String DATA = "data/";
    private static final List<String> BUNDLED = List.of("cora", "citeseer");
    private static final Pattern CHECKSUM_ROW =
            Pattern.compile("^\\|\\s*(ind\\.[A-Za-z0-9_]+\\.[a-z.]+)\\s*\\|\\s*(\\d+)\\s*\\|\\s*([0-9a-f]{64})\\s*\\|", Pattern.MULTILINE);

    private Datasets() {}

    /** The bundled dataset names, in the order {@code gmi datasets} lists them. */
    public static List<String> bundled() {
        return BUNDLED;
    }

    public static Graph load(String spec) {
        return load(spec, SplitOptions.DEFAULT);
    }

    /**
     * Loads {@code spec}; {@code opts} applies to graphs without a public split (npz and plain
     * folders; the Planetoid datasets keep their public split).
     */
    public static Graph load(String spec, SplitOptions opts) {
        return load(spec, opts, message -> { });
    }

    /**
     * Loads {@code spec}: a bundled name, else an existing path, else a name {@link Downloads} knows
     * (downloaded into the cache on first use; {@code log} hears about the download).
     */
    public static Graph load(String spec, SplitOptions opts, java.util.function.Consumer<String> log) {
        String lower = spec.strip().toLowerCase(Locale.ROOT);
        if (BUNDLED.contains(lower)) {
            return loadBundled(lower);
        }
        if (lower.isEmpty()) {
            throw unknown(spec);
        }
        Path p;
        try {
            p = Paths.get(spec);
        } catch (java.nio.file.InvalidPathException e) {
            throw unknown(spec);
        }
        if (Files.isRegularFile(p)) {
            if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")) {
                return NpzLoader.load(p, opts);
            }
            throw new GraphFormatException(p + ": not a dataset; expected a .npz file or a folder (Planetoid ind.NAME.* "
                    + "files, or edges.csv)");
        }
        if (Files.exists(p) && !Files.isDirectory(p)) {
            DataFiles.requireRegularFile(p); // a FIFO or a device is refused unread
        }
        if (Files.isDirectory(p)) {
            if (BinaryGraph.isBinaryGraph(p)) {
                return BinaryGraph.load(p, opts);
            }
            if (Files.exists(p.resolve(PlainLoader.EDGES), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return PlainLoader.load(p, opts);
            }
            if (!PlanetoidLoader.namesIn(p).isEmpty()) {
                return PlanetoidLoader.load(p);
            }
            // a folder holding one .npz (gmi generate writes DIR/graph.npz)
            List<Path> npz = npzFiles(p);
            if (npz.size() == 1) {
                return NpzLoader.load(npz.get(0), opts);
            }
            if (npz.size() > 1) {
                throw new GraphFormatException(p + ": holds " + npz.size() + " .npz files (" + npz.stream()
                        .map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.joining(", "))
                        + "); give one of them, e.g. --dataset " + npz.get(0));
            }
            throw new GraphFormatException(p + ": neither edges.csv, nor Planetoid ind.NAME.* files, nor the graph.json of gmi "
                    + "convert, nor a .npz file in this folder");
        }
        // folder/ind.NAME picks one Planetoid dataset of a folder holding several
        Path parent = p.toAbsolutePath().getParent();
        String file = p.getFileName() == null ? "" : p.getFileName().toString();
        if (file.startsWith("ind.") && file.length() > 4 && parent != null && Files.isDirectory(parent)) {
            return PlanetoidLoader.load(parent, file.substring(4));
        }
        var download = Downloads.find(spec);
        if (download.isPresent()) {
            return Downloads.load(download.get(), opts, log);
        }
        throw unknown(spec);
    }

    /** The regular .npz files directly in {@code folder}, by name. */
    private static List<Path> npzFiles(Path folder) {
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")
                    && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (java.io.IOException e) {
            throw new GraphFormatException(folder + ": cannot list the folder: " + e.getMessage(), e);
        }
    }

    private static GraphFormatException unknown(String spec) {
        return new GraphFormatException("unknown dataset " + FormatProblem.quote(spec) + ": not a bundled name "
                + BUNDLED + ", not a downloadable one " + Downloads.entries().stream().map(Downloads.Entry::name)
                .filter(n -> !BUNDLED.contains(n)).toList() + " and no such file or folder; give one of those names, a folder "
                + "of Planetoid ind.NAME.* files, a .npz file, or a folder with edges.csv");
    }

    /** A bundled dataset from the classpath, each file checked against its sha256 in SOURCES.md. */
    public static Graph loadBundled(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!BUNDLED.contains(lower)) {
            throw new GraphFormatException("unknown bundled dataset " + FormatProblem.quote(name) + "; bundled: " + BUNDLED);
        }
        return PlanetoidLoader.load(lower, new PlanetoidLoader.Source() {
            @Override
            public byte[] read(String fileName) {
                return verifyBundled(fileName, resource(fileName));
            }

            @Override
            public String where(String fileName) {
                return bundledPath(fileName);
            }

            @Override
            public boolean has(String fileName) {
                return Datasets.class.getResource(DATA + fileName) != null;
            }

            @Override
            public String describe() {
                return "bundled " + lower + " (classpath:org/gmi/graph/" + DATA + ")";
            }
        });
    }

    /** Returns {@code bytes} if their sha256 is the one SOURCES.md lists for {@code fileName}; throws otherwise. */
    static byte[] verifyBundled(String fileName, byte[] bytes) {
        String expected = checksums().get(fileName);
        if (expected == null) {
            throw new GraphFormatException(bundledPath(fileName) + ": no sha256 for this file in " + bundledPath("SOURCES.md"));
        }
        String actual = sha256(bytes);
        if (!actual.equals(expected)) {
            throw new GraphFormatException(bundledPath(fileName) + ": sha256 " + actual + " differs from " + expected
                    + " listed in SOURCES.md: the bundled file is damaged");
        }
        return bytes;
    }

    private static String bundledPath(String fileName) {
        return "classpath:org/gmi/graph/" + DATA + fileName;
    }

    private static volatile Map<String, String> checksums;

    /** file name -> sha256, from the table of the bundled SOURCES.md. */
    static Map<String, String> checksums() {
        Map<String, String> c = checksums;
        if (c == null) {
            String text = new String(resource("SOURCES.md"), StandardCharsets.UTF_8);
            Map<String, String> m = new HashMap<>();
            Matcher rows = CHECKSUM_ROW.matcher(text);
            while (rows.find()) {
                m.put(rows.group(1), rows.group(3));
            }
            c = Map.copyOf(m);
            checksums = c;
        }
        return c;
    }

    private static byte[] resource(String fileName) {
        try (InputStream in = Datasets.class.getResourceAsStream(DATA + fileName)) {
            if (in == null) {
                throw new GraphFormatException(bundledPath(fileName) + ": missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new GraphFormatException(bundledPath(fileName) + ": cannot read ("
                    + DataFiles.oneLine(e) + ")", e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
