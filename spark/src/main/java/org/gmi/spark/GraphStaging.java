package org.gmi.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.gmi.cli.DatasetOptions;
import org.gmi.graph.BinaryGraph;
import scala.Tuple2;

/**
 * A graph in the binary layout where the cluster keeps it: a local or shared folder, read in place,
 * or a Hadoop file system URI ({@code hdfs://}, {@code s3a://}, {@code abfs://}, {@code file:}, any
 * scheme whose client is on the class path), copied once per machine through Hadoop's FileSystem API
 * into a local cache and mapped from there. The cache entry is named by a digest of the URI and of
 * its files' names, lengths and modification times, so a changed graph is copied anew; a copy goes to a
 * temporary folder renamed into place when complete, so a reader never sees half a graph.
 *
 * <p>Hadoop settings come from Spark's {@code spark.hadoop.*} properties (as Spark passes them to
 * Hadoop), on the driver and on every executor.
 */
public final class GraphStaging {
    private GraphStaging() {}

    /** The local folder to map the graph at {@code location} from: the path itself, or the local copy of a URI's folder. */
    public static Path local(String location) throws IOException {
        return local(location, message -> {});
    }

    /** As {@link #local(String)}, saying on {@code log} what it copies before it does. */
    public static Path local(String location, java.util.function.Consumer<String> log) throws IOException {
        if (!DatasetOptions.isUri(location)) {
            return Path.of(location);
        }
        return local(location, hadoopConfiguration(), cacheRoot(), log);
    }

    /** The cache of copied graphs on this machine: {@code spark.gmi.graphCache}, else {@code java.io.tmpdir/gmi-graphs}. */
    static Path cacheRoot() {
        String configured = sparkConf().get("spark.gmi.graphCache", "");
        return configured.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "gmi-graphs") : Path.of(configured);
    }

    static Path local(String location, Configuration conf, Path cacheRoot, java.util.function.Consumer<String> log)
            throws IOException {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--dataset '" + location + "' is not a valid URI: " + e.getMessage(), e);
        }
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs;
        try {
            fs = dir.getFileSystem(conf);
        } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
            throw new IllegalArgumentException("no Hadoop file system for the scheme of " + location + " on the class path: add "
                    + "its client's jars (hadoop-aws for s3a, hadoop-azure for abfs) to spark/target/lib, or to --jars under "
                    + "spark-submit", e);
        }
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isFile()) {
                files.add(s);
            }
        }
        files.sort(Comparator.comparing(s -> s.getPath().getName()));
        if (files.stream().noneMatch(s -> s.getPath().getName().equals(BinaryGraph.MANIFEST))) {
            throw new IllegalArgumentException(location + " is not a graph in the binary layout (no " + BinaryGraph.MANIFEST
                    + "): write one with 'gmi convert DATASET --out DIR' and copy DIR there");
        }
        Path target = cacheRoot.resolve("graph-" + digest(location, files));
        if (Files.isDirectory(target)) {
            return target;
        }
        Files.createDirectories(cacheRoot);
        long bytes = files.stream().mapToLong(FileStatus::getLen).sum();
        log.accept(String.format(java.util.Locale.ROOT, "copying %d files (%.1f MiB) from %s to %s", files.size(),
                bytes / 1048576.0, location, target));
        Path temp = Files.createTempDirectory(cacheRoot, "." + target.getFileName() + ".");
        try {
            for (FileStatus s : files) {
                try (InputStream in = fs.open(s.getPath())) {
                    Files.copy(in, temp.resolve(s.getPath().getName()));
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
        } catch (IOException e) {
            // another JVM on this machine renamed its complete copy into place first
            if (!Files.isDirectory(target)) {
                throw e;
            }
        } finally {
            deleteTree(temp);
        }
        return target;
    }

    /** Hadoop's configuration with the {@code spark.hadoop.*} properties of this JVM's Spark configuration. */
    static Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        for (Tuple2<String, String> kv : sparkConf().getAllWithPrefix("spark.hadoop.")) {
            conf.set(kv._1(), kv._2());
        }
        return conf;
    }

    /** The running application's configuration (an executor's), or the one this JVM's properties give (a driver's). */
    private static SparkConf sparkConf() {
        SparkEnv env = SparkEnv.get();
        return env != null ? env.conf() : new SparkConf();
    }

    private static String digest(String location, List<FileStatus> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(location.getBytes(StandardCharsets.UTF_8));
            for (FileStatus s : files) {
                md.update(("\n" + s.getPath().getName() + " " + s.getLen() + " " + s.getModificationTime()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(Arrays.copyOf(md.digest(), 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
