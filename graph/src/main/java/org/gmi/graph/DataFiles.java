package org.gmi.graph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Reading whole data files, with failures as one-line {@link GraphFormatException}s naming the
 * file; and the checks every reader of a user's file makes before it opens or allocates anything:
 * the path is a regular file ({@link #notARegularFile}), and what the file declares fits the file
 * and this JVM ({@link #requireAllocatable}).
 */
public final class DataFiles {
    /** Largest file read into memory (the biggest Planetoid or npz file is a few tens of MB). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    /** Largest class id accepted in label files: a guard against a stray huge value sizing a classifier. */
    static final int MAX_LABEL = 65_535;

    private DataFiles() {}

    /**
     * What {@code p} is when it is not a regular file, following symbolic links: {@code "missing"},
     * {@code "a folder"}, {@code "a FIFO (named pipe)"}, {@code "a character device"}, ... (with
     * {@code ", through a symbolic link"} where one leads there); null for a regular file. Nothing is
     * opened: a FIFO would block the reader until some writer appears, and a device such as
     * {@code /dev/zero} never ends.
     */
    public static String notARegularFile(Path p) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Files.isSymbolicLink(p) ? "a broken symbolic link" : "missing";
        } catch (IOException | RuntimeException e) {
            return "unreadable (" + oneLine(e) + ")";
        }
        if (a.isRegularFile()) {
            return null;
        }
        String kind;
        if (a.isDirectory()) {
            kind = "a folder";
        } else {
            kind = "a special file";
            try {
                int mode = (Integer) Files.getAttribute(p, "unix:mode");
                kind = switch (mode & 0170000) {
                    case 0010000 -> "a FIFO (named pipe)";
                    case 0020000 -> "a character device";
                    case 0060000 -> "a block device";
                    case 0140000 -> "a socket";
                    default -> kind;
                };
            } catch (IOException | RuntimeException e) {
                // no unix view: the generic word stays
            }
        }
        return Files.isSymbolicLink(p) ? kind + ", through a symbolic link" : kind;
    }

    /** The one-line message for a path that {@link #notARegularFile} describes as {@code kind}. */
    public static String notARegularFileMessage(Path p, String kind) {
        if (kind.equals("missing")) {
            return p + ": no such file";
        }
        if (kind.equals("a folder")) {
            return p + ": is a folder, expected a file";
        }
        return p + ": is " + kind + ", not a regular file; data files must be regular files (refused unread)";
    }

    /** Throws a {@link GraphFormatException} unless {@code p} is a regular file (symbolic links followed). */
    public static void requireRegularFile(Path p) {
        String kind = notARegularFile(p);
        if (kind != null) {
            throw new GraphFormatException(notARegularFileMessage(p, kind));
        }
    }

    /** The whole of a regular file, at most {@link #MAX_BYTES}. */
    static byte[] read(Path p) {
        requireRegularFile(p);
        try {
            long size = Files.size(p);
            if (size > MAX_BYTES) {
                throw new GraphFormatException(p + ": " + size + " bytes, too large to load");
            }
            try (InputStream in = Files.newInputStream(p)) {
                // capped: a file that grows while it is read cannot take more than MAX_BYTES
                byte[] b = in.readNBytes((int) Math.min(MAX_BYTES, size + (1 << 20)));
                if (in.read() >= 0) {
                    throw new GraphFormatException(p + ": grew while it was read; refused");
                }
                return b;
            }
        } catch (NoSuchFileException e) {
            throw new GraphFormatException(p + ": no such file");
        } catch (IOException e) {
            throw new GraphFormatException(p + ": cannot read (" + oneLine(e) + ")", e);
        }
    }

    /**
     * The most bytes one array read from a data file may take: an eighth of the Java heap (loading
     * converts what it reads, raw bytes to numbers to sparse rows, and training needs the rest), at
     * most {@link #MAX_BYTES}.
     */
    public static long maxArrayBytes() {
        return Math.min(MAX_BYTES, Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * Refuses, before anything is allocated, an array of {@code bytes} that {@code where} declares
     * ({@code what}: "a (16384, 16384) float32 array") beyond {@link #maxArrayBytes}.
     */
    static void requireAllocatable(String where, String what, long bytes) {
        long limit = maxArrayBytes();
        if (bytes > limit) {
            throw new GraphFormatException(where + ": declares " + what + " of " + size(bytes) + ", more than the "
                    + size(limit) + " one array may take here (an eighth of the " + size(Runtime.getRuntime().maxMemory())
                    + " Java heap); refused before allocating it");
        }
    }

    /** {@code 1.5 GiB}, {@code 12.0 MiB}, {@code 300 bytes}. */
    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) (1L << 10));
        }
        return bytes + " bytes";
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
