package org.gmi.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.gmi.cli.AtomicOutputs;

/**
 * A run's outputs in a folder of a Hadoop file system ({@code gmi train --engine spark --out
 * hdfs://...}): each output is written under a temporary name in that folder, {@code .NAME.PID.tmp} as
 * on a local folder ({@link AtomicOutputs#tempName}), and renamed onto its name once every one is
 * complete, in order, so the last one ({@code metrics.json}) marks a finished run. Hadoop's rename does
 * not replace, so an earlier output of the same name is deleted just before its successor is renamed
 * into place.
 */
final class HadoopOutputs {
    private HadoopOutputs() {}

    /** The names of {@code names} that exist in the folder {@code folderUri}. */
    static List<String> existing(String folderUri, List<String> names) throws IOException {
        org.apache.hadoop.fs.Path dir = GraphStaging.hadoopPath(folderUri);
        FileSystem fs = GraphStaging.fileSystem(dir, folderUri);
        List<String> found = new ArrayList<>();
        for (String n : names) {
            if (fs.exists(new org.apache.hadoop.fs.Path(dir, n))) {
                found.add(n);
            }
        }
        return found;
    }

    /**
     * Puts the outputs into the folder {@code folderUri} (created if needed), in the order of
     * {@code order}: an output in {@code files} (its name to a local file) is first copied to its
     * temporary name there; one in {@code written} (its name to the URI of a temporary already there,
     * which the executors wrote) is used as it is. Then every temporary is renamed onto its name.
     */
    static void publish(String folderUri, List<String> order, Map<String, Path> files, Map<String, String> written)
            throws IOException {
        org.apache.hadoop.fs.Path dir = GraphStaging.hadoopPath(folderUri);
        FileSystem fs = GraphStaging.fileSystem(dir, folderUri);
        fs.mkdirs(dir);
        long pid = ProcessHandle.current().pid();
        List<org.apache.hadoop.fs.Path> temps = new ArrayList<>();
        try {
            for (String name : order) {
                if (written.containsKey(name)) {
                    temps.add(GraphStaging.hadoopPath(written.get(name)));
                    continue;
                }
                org.apache.hadoop.fs.Path temp = new org.apache.hadoop.fs.Path(dir, AtomicOutputs.tempName(name, pid));
                temps.add(temp);
                try (InputStream in = Files.newInputStream(files.get(name)); OutputStream out = fs.create(temp, true)) {
                    in.transferTo(out);
                }
            }
            for (int k = 0; k < order.size(); k++) {
                org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir, order.get(k));
                fs.delete(target, false);
                if (!fs.rename(temps.get(k), target)) {
                    throw new IOException("cannot rename " + temps.get(k) + " to " + target);
                }
            }
        } catch (IOException | RuntimeException e) {
            for (org.apache.hadoop.fs.Path t : temps) {
                fs.delete(t, false);
            }
            throw e;
        }
    }

    /** Copies the file at {@code uri} to {@code local}, its folder created if needed. */
    static void fetch(String uri, Path local) throws IOException {
        org.apache.hadoop.fs.Path p = GraphStaging.hadoopPath(uri);
        Files.createDirectories(local.toAbsolutePath().getParent());
        try (InputStream in = GraphStaging.fileSystem(p, uri).open(p)) {
            Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the file or folder at {@code uri} if it is there (a temporary of a run that failed). */
    static void discard(String uri) throws IOException {
        org.apache.hadoop.fs.Path p = GraphStaging.hadoopPath(uri);
        GraphStaging.fileSystem(p, uri).delete(p, true);
    }
}
