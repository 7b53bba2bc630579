package org.gmi.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Datasets by name, downloaded once into a cache, as PyG's {@code Planetoid}, {@code Amazon} and
 * {@code Coauthor} do, from the same files PyG downloads.
 *
 * <p>The cache is {@code $GMI_DATA} (or the system property {@code gmi.data}), else
 * {@code $XDG_CACHE_HOME/gmi}, else {@code ~/.cache/gmi}; a dataset lives in {@code CACHE/NAME/}.
 * A download goes to {@code CACHE/.NAME.PID.tmp/}; every file is checked against its pinned
 * SHA-256 where the file's hash is known (the Planetoid Cora and Citeseer files, from the bundled
 * SOURCES.md) and the whole dataset through its loader's own validation; only then is the folder
 * renamed to {@code CACHE/NAME} in one step. A failure (offline, an HTTP error, a hash mismatch, an
 * invalid file) throws {@link GraphFormatException} with one line and leaves nothing in the cache.
 *
 * <p>{@code $GMI_DATA_MIRROR} (or the property {@code gmi.data.mirror}) replaces every source URL's
 * folder: a file is then fetched from {@code MIRROR/FILE_NAME} (for a local copy, and for the tests,
 * which serve fixture files from a local HTTP server).
 */
public final class Downloads {
    /** What each name downloads. {@code sha256}: pinned hashes, per file, where known. */
    public record Entry(String name, String pyg, String kind, String baseUrl, List<String> files, Map<String, String> sha256) {
        boolean planetoid() {
            return kind.equals("planetoid");
        }
    }

    private static final String PLANETOID_URL = "https://github.com/kimiyoung/planetoid/raw/master/data";
    private static final String SHCHUR_URL = "https://github.com/shchur/gnn-benchmark/raw/master/data/npz";

    private Downloads() {}

    /** Every dataset a name can download, in the order {@code gmi datasets} lists them. */
    public static List<Entry> entries() {
        List<Entry> list = new ArrayList<>();
        for (String p : List.of("cora", "citeseer", "pubmed")) {
            List<String> files = PlanetoidLoader.PARTS.stream().map(part -> "ind." + p + "." + part).toList();
            Map<String, String> pins = new java.util.LinkedHashMap<>();
            for (String f : files) {
                String sha = Datasets.checksums().get(f);
                if (sha != null) {
                    pins.put(f, sha);
                }
            }
            list.add(new Entry(p, "Planetoid(name=\"" + p.substring(0, 1).toUpperCase(Locale.ROOT) + p.substring(1) + "\")",
                    "planetoid", PLANETOID_URL, files, Map.copyOf(pins)));
        }
        list.add(npz("amazon-computers", "Amazon(name=\"Computers\")", "amazon_electronics_computers.npz"));
        list.add(npz("amazon-photo", "Amazon(name=\"Photo\")", "amazon_electronics_photo.npz"));
        list.add(npz("coauthor-cs", "Coauthor(name=\"CS\")", "ms_academic_cs.npz"));
        list.add(npz("coauthor-physics", "Coauthor(name=\"Physics\")", "ms_academic_phy.npz"));
        return list;
    }

    private static Entry npz(String name, String pyg, String file) {
        return new Entry(name, pyg, "npz", SHCHUR_URL, List.of(file), Map.of());
    }

    /** The entry a name means ({@code amazon-photo}, {@code amazon_photo}, any case), if any. */
    public static Optional<Entry> find(String spec) {
        String key = spec.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return entries().stream().filter(e -> e.name().equals(key)).findFirst();
    }

    /** The cache folder: $GMI_DATA (property gmi.data), else $XDG_CACHE_HOME/gmi, else ~/.cache/gmi. */
    public static Path cacheRoot() {
        String explicit = System.getProperty("gmi.data", System.getenv("GMI_DATA"));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "gmi");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "gmi");
    }

    public static Path folder(Entry e) {
        return cacheRoot().resolve(e.name());
    }

    /** Whether every file of {@code e} is in the cache. */
    public static boolean isCached(Entry e) {
        Path dir = folder(e);
        return e.files().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /** The URL a file is fetched from: the source's, or the mirror's. */
    public static String url(Entry e, String file) {
        String mirror = System.getProperty("gmi.data.mirror", System.getenv("GMI_DATA_MIRROR"));
        String base = mirror != null && !mirror.isBlank() ? mirror : e.baseUrl();
        return base.replaceAll("/+$", "") + "/" + file;
    }

    /** Loads {@code e} from the cache, downloading it first when it is not there; {@code log} hears what happens. */
    public static Graph load(Entry e, SplitOptions opts, Consumer<String> log) {
        if (!isCached(e)) {
            download(e, log);
        }
        Path dir = folder(e);
        for (Map.Entry<String, String> pin : e.sha256().entrySet()) {
            checkSha(dir.resolve(pin.getKey()), pin.getValue(), "cached");
        }
        Graph g = open(e, dir, opts);
        return new Graph(e.name(), g.adjacencyRows(), g.featureRows(), g.labels(), g.numClasses(), g.split(), g.report(), g.labelMatrix());
    }

    private static Graph open(Entry e, Path dir, SplitOptions opts) {
        return e.planetoid() ? PlanetoidLoader.load(dir, e.name()) : NpzLoader.load(dir.resolve(e.files().get(0)), opts);
    }

    /**
     * Downloads {@code e} into the cache (replacing an incomplete copy); returns its folder. Throws
     * {@link GraphFormatException} with one line on any failure, leaving the cache as it was.
     */
    public static Path download(Entry e, Consumer<String> log) {
        Path root = cacheRoot();
        Path target = folder(e);
        Path temp = root.resolve("." + e.name() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(root);
        } catch (IOException ex) {
            throw new GraphFormatException("cannot create the dataset cache " + root + " (" + DataFiles.oneLine(ex)
                    + "); set GMI_DATA to a writable folder", ex);
        }
        removeStale(root, e.name());
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        long t0 = System.nanoTime();
        long bytes = 0;
        try {
            deleteTree(temp);
            Files.createDirectories(temp);
            for (String file : e.files()) {
                String url = url(e, file);
                fetch(http, e, url, temp.resolve(file));
                bytes += Files.size(temp.resolve(file));
                String pin = e.sha256().get(file);
                if (pin != null) {
                    checkSha(temp.resolve(file), pin, "downloaded from " + url + ",");
                }
            }
            try {
                open(e, temp, SplitOptions.DEFAULT);
            } catch (GraphFormatException | IllegalArgumentException bad) {
                throw new GraphFormatException("downloaded " + e.name() + " is not a valid dataset: " + bad.getMessage()
                        + "; nothing was cached", bad);
            }
            deleteTree(target);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(temp, target);
            }
            // said once it is done, so that a failure stays the one line of its exception
            log.accept(String.format(Locale.ROOT, "downloaded %s (%d file%s, %.1f MB, %.1f s) from %s into %s", e.name(),
                    e.files().size(), e.files().size() == 1 ? "" : "s", bytes / 1e6, (System.nanoTime() - t0) / 1e9,
                    url(e, "").replaceAll("/$", ""), target));
            return target;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the dataset cache " + root + ": " + DataFiles.oneLine(ex), ex);
        } finally {
            deleteTree(temp);
        }
    }

    private static void fetch(HttpClient http, Entry e, String url, Path file) {
        HttpResponse<Path> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).GET().build();
            response = http.send(request, HttpResponse.BodyHandlers.ofFile(file));
        } catch (IllegalArgumentException bad) {
            throw new GraphFormatException("cannot download " + e.name() + ": '" + url + "' is not a URL (GMI_DATA_MIRROR?)", bad);
        } catch (IOException ex) {
            throw new GraphFormatException("cannot download " + e.name() + " from " + url + ": " + describe(ex)
                    + "; nothing was cached (offline? a local copy can be served through GMI_DATA_MIRROR)", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new GraphFormatException("download of " + e.name() + " interrupted; nothing was cached", ex);
        }
        if (response.statusCode() != 200) {
            throw new GraphFormatException("cannot download " + e.name() + " from " + url + ": HTTP " + response.statusCode()
                    + "; nothing was cached");
        }
    }

    private static String describe(IOException ex) {
        String m = DataFiles.oneLine(ex);
        return m.isBlank() || m.equals(ex.getClass().getName()) ? ex.getClass().getSimpleName() : m;
    }

    private static void checkSha(Path file, String expected, String what) {
        String actual;
        try {
            actual = Datasets.sha256(Files.readAllBytes(file));
        } catch (IOException ex) {
            throw new GraphFormatException(file + ": cannot read (" + DataFiles.oneLine(ex) + ")", ex);
        }
        if (!actual.equals(expected)) {
            throw new GraphFormatException(file.getFileName() + " " + what + " has sha256 " + actual + ", not the pinned "
                    + expected + (what.equals("cached") ? "; delete " + file.getParent() + " to download it again"
                    : "; nothing was cached"));
        }
    }

    /** Deletes {@code .NAME.PID.tmp} folders of downloads whose process is gone. */
    private static void removeStale(Path root, String name) {
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                String f = p.getFileName().toString();
                String prefix = "." + name + ".";
                if (f.startsWith(prefix) && f.endsWith(".tmp")) {
                    String pid = f.substring(prefix.length(), f.length() - 4);
                    if (pid.matches("[0-9]{1,18}") && ProcessHandle.of(Long.parseLong(pid)).map(h -> !h.isAlive()).orElse(true)) {
                        deleteTree(p);
                    }
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: the folder's name marks it temporary
        }
    }
}
