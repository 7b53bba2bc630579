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
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.gmi.cli.DatasetOptions;
import org.gmi.graph.ArrayFile;
import org.gmi.graph.BinaryGraph;
import scala.Tuple2;

/**
 * A graph in the binary layout where the cluster keeps it: a local or shared folder, mapped, or a
 * Hadoop file system URI ({@code hdfs://}, {@code s3a://}, {@code abfs://}, {@code file:}, any
 * scheme whose client is on the class path). A URI's arrays are read by the executors in place, a
 * block at a time ({@link #inPlace}); the driver, which checks every byte, and executors told to
 * ({@code spark.gmi.graphRead=copy}) copy the folder once per machine through Hadoop's FileSystem API
 * into a local cache and map it from there ({@link #local}). The cache entry is named by a digest of
 * the URI and of its files' names, lengths and modification times, so a changed graph is copied anew;
 * a copy goes to a temporary folder renamed into place when complete, so a reader never sees half a
 * graph.
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

    /**
     * Whether executors copy a URI's graph to their machine ({@code spark.gmi.graphRead=copy}) rather than
     * read the blocks they touch in place (the default, {@code blocks}).
     */
    static boolean copiesToExecutors() {
        String mode = sparkConf().get("spark.gmi.graphRead", "blocks");
        if (!mode.equals("blocks") && !mode.equals("copy")) {
            throw new IllegalArgumentException("spark.gmi.graphRead is '" + mode + "': 'blocks' (read what the tasks touch) or "
                    + "'copy' (copy the graph to each machine once)");
        }
        return mode.equals("copy");
    }

    /**
     * The graph at the URI {@code location} read in place through Hadoop's positional reads, a block at
     * a time ({@link HadoopArray}: blocks of {@code spark.gmi.graphReadBlock}, default 64k, and at most
     * {@code spark.gmi.graphReadCache} of them kept per file, default 256m).
     */
    static InPlace inPlace(String location) throws IOException {
        return new InPlace(location, hadoopConfiguration(), readBlockBytes(), readCacheBytes());
    }

    /** The block of a read in place ({@link HadoopArray}): {@code spark.gmi.graphReadBlock}, default 64k. */
    static int readBlockBytes() {
        long block = sparkConf().getSizeAsBytes("spark.gmi.graphReadBlock", "64k");
        if (block < 8 || block > (1 << 30) || Long.bitCount(block) != 1) {
            throw new IllegalArgumentException("spark.gmi.graphReadBlock is " + block + " bytes; a power of two from 8 bytes to 1g");
        }
        return (int) block;
    }

    /** The most bytes of blocks a file read in place keeps: {@code spark.gmi.graphReadCache}, default 256m. */
    static long readCacheBytes() {
        return sparkConf().getSizeAsBytes("spark.gmi.graphReadCache", "256m");
    }

    /** A graph's folder on a Hadoop file system, its arrays read in place ({@link HadoopArray}). */
    static final class InPlace implements BinaryGraph.Source, AutoCloseable {
        private final String location;
        private final FileSystem fs;
        private final org.apache.hadoop.fs.Path dir;
        private final int blockBytes;
        private final long cacheBytes;
        private final List<HadoopArray> opened = new java.util.concurrent.CopyOnWriteArrayList<>();

        InPlace(String location, Configuration conf, int blockBytes, long cacheBytes) throws IOException {
            this.location = location;
            this.dir = hadoopPath(location);
            this.fs = fileSystem(dir, conf, location);
            this.blockBytes = blockBytes;
            this.cacheBytes = cacheBytes;
        }

        @Override
        public String location() {
            return location;
        }

        @Override
        public byte[] manifest() throws IOException {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, BinaryGraph.MANIFEST);
            long size = fs.getFileStatus(file).getLen();
            BinaryGraph.Source.requireManifestSize(file, size);
            byte[] bytes = new byte[(int) size];
            try (FSDataInputStream in = fs.open(file)) {
                in.readFully(0, bytes);
            }
            return bytes;
        }

        @Override
        public ArrayFile open(String name, int width, long length) throws IOException {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, name);
            ArrayFile.requireSize(file, fs.getFileStatus(file).getLen(), width, length);
            HadoopArray a = new HadoopArray(file.toString(), fs.open(file), width, length, blockBytes, cacheBytes);
            opened.add(a);
            return a;
        }

        /** The bytes its arrays fetched from the file system so far. */
        long bytesFetched() {
            return opened.stream().mapToLong(HadoopArray::bytesFetched).sum();
        }

        /** The bytes of the arrays it opened. */
        long bytesInFiles() {
            return opened.stream().mapToLong(HadoopArray::bytes).sum();
        }

        @Override
        public void close() throws IOException {
            for (HadoopArray a : opened) {
                a.close();
            }
        }
    }

    /** The cache of copied graphs on this machine: {@code spark.gmi.graphCache}, else {@code java.io.tmpdir/gmi-graphs}. */
    static Path cacheRoot() {
        String configured = sparkConf().get("spark.gmi.graphCache", "");
        return configured.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "gmi-graphs") : Path.of(configured);
    }

    static Path local(String location, Configuration conf, Path cacheRoot, java.util.function.Consumer<String> log)
            throws IOException {
        org.apache.hadoop.fs.Path dir = hadoopPath(location);
        FileSystem fs = fileSystem(dir, conf, location);
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

    /** The Hadoop path of the URI {@code location}. */
    static org.apache.hadoop.fs.Path hadoopPath(String location) {
        return new org.apache.hadoop.fs.Path(uri(location));
    }

    /** The file system of {@code path} (the URI {@code location}), with this JVM's {@code spark.hadoop.*} settings. */
    static FileSystem fileSystem(org.apache.hadoop.fs.Path path, String location) throws IOException {
        return fileSystem(path, hadoopConfiguration(), location);
    }

    static URI uri(String location) {
        try {
            return new URI(location);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + location + "' is not a valid URI: " + e.getMessage(), e);
        }
    }

    static FileSystem fileSystem(org.apache.hadoop.fs.Path dir, Configuration conf, String location) throws IOException {
        try {
            return dir.getFileSystem(conf);
        } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
            throw new IllegalArgumentException("no Hadoop file system for the scheme of " + location + " on the class path: add "
                    + "its client's jars (hadoop-aws for s3a, hadoop-azure for abfs) to spark/target/lib, or to --jars under "
                    + "spark-submit", e);
        }
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
