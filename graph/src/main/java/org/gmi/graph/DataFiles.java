package org.gmi.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading whole data files, with failures as one-line {@link GraphFormatException}s naming the file. */
final class DataFiles {
    /** Largest file read into memory (the biggest Planetoid or npz file is a few tens of MB). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    /** Largest class id accepted in label files: a guard against a stray huge value sizing a classifier. */
    static final int MAX_LABEL = 65_535;

    private DataFiles() {}

    static byte[] read(Path p) {
        if (Files.isDirectory(p)) {
            throw new GraphFormatException(p + ": is a folder, expected a file");
        }
        try {
            long size = Files.size(p);
            if (size > MAX_BYTES) {
                throw new GraphFormatException(p + ": " + size + " bytes, too large to load");
            }
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new GraphFormatException(p + ": no such file");
        } catch (IOException e) {
            throw new GraphFormatException(p + ": cannot read (" + oneLine(e) + ")", e);
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("[\\r\\n]+", " ");
    }

    /** The file name without its last extension: {@code coauthor_cs.npz} gives {@code coauthor_cs}. */
    static String stem(Path p) {
        String n = p.getFileName() == null ? p.toString() : p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
