package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.gmi.graph.Datasets;
import org.gmi.graph.PlanetoidLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets by name against a local mirror: an HTTP server started here on 127.0.0.1 serves fixture
 * files under the real file names (nothing reaches the internet). The cache and the mirror are set
 * through the system properties gmi.data and gmi.data.mirror, as $GMI_DATA and $GMI_DATA_MIRROR.
 */
class DownloadTest {
    @TempDir
    Path dir;

    private HttpServer server;
    /** File name -> bytes served; a missing name answers 404. */
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private Path cache;
    private final String cacheBefore = System.getProperty("gmi.data");
    private final String mirrorBefore = System.getProperty("gmi.data.mirror");

    @BeforeEach
    void startMirror() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data/", exchange -> {
            requests.incrementAndGet();
            String name = exchange.getRequestURI().getPath().substring("/data/".length());
            byte[] body = served.get(name);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        cache = dir.resolve("cache");
        System.setProperty("gmi.data", cache.toString());
        System.setProperty("gmi.data.mirror", "http://127.0.0.1:" + server.getAddress().getPort() + "/data");
    }

    @AfterEach
    void stopMirror() {
        server.stop(0);
        // back to what the build set (a closed local port: no test reaches the internet)
        restore("gmi.data", cacheBefore);
        restore("gmi.data.mirror", mirrorBefore);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static byte[] bundled(String file) throws IOException {
        try (InputStream in = Datasets.class.getResourceAsStream("data/" + file)) {
            return in.readAllBytes();
        }
    }

    /** The bundled Cora files, served as the files a name downloads ({@code ind.NAME.*}). */
    private void serveCoraAs(String name) throws IOException {
        for (String part : PlanetoidLoader.PARTS) {
            served.put("ind." + name + "." + part, bundled("ind.cora." + part));
        }
    }

    private List<String> cacheListing() throws IOException {
        if (!Files.exists(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(cache)) {
            return s.filter(p -> !p.equals(cache)).map(p -> cache.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aNameIsDownloadedCheckedCachedLoadedAndTheSecondCallReadsTheCache() throws Exception {
        serveCoraAs("pubmed");
        Path out = dir.resolve("run");
        Cli first = Cli.run("train", "--method", "dgi", "--dataset", "pubmed", "--out", out.toString(), "--hidden", "4",
                "--epochs", "1", "--threads", "1", "--no-eval");
        assertEquals(0, first.code(), first.toString());
        assertEquals(8, requests.get(), "the eight Planetoid files, once each");
        assertTrue(first.err().contains("downloaded pubmed (8 files"), first.err());
        assertTrue(first.err().contains("dataset pubmed: 2708 nodes, 5278 edges"), first.err());
        List<String> cached = cacheListing();
        assertEquals(9, cached.size(), "the folder and its eight files, no temporary folder: " + cached);
        assertTrue(cached.stream().allMatch(f -> f.startsWith("pubmed")), cached.toString());

        Cli second = Cli.run("train", "--method", "dgi", "--dataset", "pubmed", "--out", dir.resolve("again").toString(),
                "--hidden", "4", "--epochs", "1", "--threads", "1", "--no-eval");
        assertEquals(0, second.code(), second.toString());
        assertEquals(8, requests.get(), "the second call reads the cache");
        assertFalse(second.err().contains("downloaded"), second.err());
        assertEquals(Files.readString(out.resolve("metrics.json")).contains("\"nodes\": 2708"),
                Files.readString(dir.resolve("again").resolve("metrics.json")).contains("\"nodes\": 2708"));

        // gmi datasets says it is cached
        Cli list = Cli.run("datasets");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("pubmed") && l.contains("cached")), list.out());
    }

    @Test
    void pinnedHashesAreChecked() throws Exception {
        // the Planetoid Cora files have pinned hashes (bundled SOURCES.md): the true files pass ...
        serveCoraAs("cora");
        Cli ok = Cli.run("datasets", "download", "cora");
        assertEquals(0, ok.code(), ok.toString());
        assertEquals(9, cacheListing().size(), cacheListing().toString());

        // ... one changed byte in a fresh cache does not, and nothing is cached
        cache = dir.resolve("cache2");
        System.setProperty("gmi.data", cache.toString());
        byte[] x = served.get("ind.cora.x").clone();
        x[x.length / 2] ^= 1;
        served.put("ind.cora.x", x);
        Cli bad = Cli.run("datasets", "download", "cora");
        assertEquals(2, bad.code(), bad.toString());
        assertEquals(1, bad.errLines().size(), bad.toString());
        assertTrue(bad.err().contains("ind.cora.x") && bad.err().contains("not the pinned"), bad.err());
        assertEquals(List.of(), cacheListing());
    }

    @Test
    void aCorruptedMirrorFileGivesOneLineAndNothingInTheCache() throws Exception {
        served.put("amazon_electronics_photo.npz", "this is not a zip file".getBytes());
        Path out = dir.resolve("run");
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", "amazon-photo", "--out", out.toString(), "--hidden", "4",
                "--epochs", "1", "--threads", "1");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().contains("downloaded amazon-photo is not a valid dataset"), r.err());
        assertEquals(List.of(), cacheListing());
        assertFalse(Files.exists(out));
        // a missing file (HTTP 404) likewise
        Cli missing = Cli.run("datasets", "download", "coauthor-cs");
        assertEquals(2, missing.code(), missing.toString());
        assertEquals(1, missing.errLines().size(), missing.toString());
        assertTrue(missing.err().contains("HTTP 404"), missing.err());
        assertEquals(List.of(), cacheListing());
    }

    @Test
    void anUnreachableHostGivesOneLineAndNothingInTheCache() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        System.setProperty("gmi.data.mirror", "http://127.0.0.1:" + closed + "/data");
        Path out = dir.resolve("run");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", "coauthor-physics", "--out", out.toString(), "--epochs", "1");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().startsWith("gmi: error: ") && r.err().contains("cannot download coauthor-physics"), r.err());
        assertEquals(List.of(), cacheListing());
        assertFalse(Files.exists(out));
    }
}
