package org.gmi.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * An output folder held by one run for its lifetime: {@code DIR/.gmi.lock}, locked with
 * {@link FileChannel#tryLock()} (an advisory lock of the operating system, released when the
 * process ends however it ends, SIGKILL included) and holding who holds it
 * ({@code pid 4242 on HOST, started 2026-12-04T18:00:00Z}), for the message a second run into
 * the folder stops with.
 *
 * <p>{@link #close()} deletes the file while still holding the lock, then releases it, and removes
 * the folder again if the lock made it and it is empty. A run that deletes the file can race one
 * that has just opened it: that one would lock a file no longer in the folder. So a run counts the
 * lock as its own only when the path names the same file (device and inode) before it opened it
 * and after it locked it, and tries again otherwise. It never opens the file a second time while
 * it holds the lock: POSIX releases a process's locks on a file when it closes any descriptor of
 * that file. A killed run leaves the file behind, unlocked: the next run takes it over.
 */
public final class OutputLock implements AutoCloseable {
    static final String FILE = ".gmi.lock";

    private final Path folder;
    private final Path file;
    private final boolean createdFolder;
    private FileChannel channel;
    private FileLock lock;

    private OutputLock(Path folder, Path file, boolean createdFolder, FileChannel channel, FileLock lock) {
        this.folder = folder;
        this.file = file;
        this.createdFolder = createdFolder;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code folder} if needed and locks it; {@code flag} names it in messages
     * ({@code --out}). Throws {@link BadInputException} (exit 2) naming the holder when another
     * run holds it.
     */
    public static OutputLock acquire(Path folder, String flag) throws IOException {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new BadInputException(flag + ": '" + folder + "' exists and is not a folder");
        }
        boolean created = false;
        if (!Files.isDirectory(folder)) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw new BadInputException(flag + ": cannot create folder '" + folder + "' (" + ExitCodes.messageFor(e) + ")", e);
            }
            created = true;
        }
        if (!Files.isWritable(folder)) {
            removeIfEmpty(folder, created);
            throw new BadInputException(flag + ": folder '" + folder + "' is not writable");
        }
        Path file = folder.resolve(FILE);
        String me = "pid " + ProcessHandle.current().pid() + " on " + host() + ", started "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                Files.createFile(file);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // a holder's, or one a killed run left: tryLock tells which
            }
            Object before = fileKey(file);
            FileChannel ch;
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } catch (NoSuchFileException e) {
                continue; // deleted by its holder in between
            }
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // this JVM holds it already (another command run in the same process)
            } catch (IOException e) {
                ch.close();
                removeIfEmpty(folder, created);
                throw new BadInputException(flag + ": cannot lock '" + file + "' (" + ExitCodes.messageFor(e)
                        + "); two runs into one folder would overwrite each other, so a folder that cannot be locked is refused");
            }
            if (l == null) {
                String holder = holder(ch);
                ch.close();
                throw new BadInputException(flag + ": '" + folder + "' is in use by another gmi run (" + holder
                        + "); wait for it to end, or choose another folder");
            }
            Object after = fileKey(file);
            if (before != null && before.equals(after)) {
                byte[] line = (me + "\n").getBytes(StandardCharsets.UTF_8);
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(line), 0);
                ch.force(false);
                return new OutputLock(folder, file, created, ch, l);
            }
            l.release(); // the file was deleted or replaced by its previous holder: lock the one there now
            ch.close();
        }
        throw new BadInputException(flag + ": could not lock '" + file + "': it kept being replaced");
    }

    /** Deletes the lock file, releases the lock, removes a folder the lock made if it is empty; idempotent. */
    @Override
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover lock file is unlocked once this process ends: harmless
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process ending releases it in any case
        }
        channel = null;
        lock = null;
        removeIfEmpty(folder, createdFolder);
    }

    private static void removeIfEmpty(Path folder, boolean created) {
        if (!created) {
            return;
        }
        try (var left = Files.list(folder)) {
            if (left.findAny().isEmpty()) {
                Files.deleteIfExists(folder);
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: an empty folder is harmless
        }
    }

    /** What a holder wrote into its lock file, or a placeholder while it has not written yet. */
    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(512);
        ch.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
        int nl = s.indexOf('\n');
        s = nl >= 0 ? s.substring(0, nl) : s;
        return s.isEmpty() ? "it has not written its process id yet" : Text.oneLine(s);
    }

    /** The identity of the file at {@code p} (device and inode where the platform has them), without opening it; null if none. */
    private static Object fileKey(Path p) throws IOException {
        try {
            var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
            return a.fileKey() != null ? a.fileKey() : a.creationTime(); // no file keys: a weaker identity
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The host name, from the kernel where it tells (no name lookup, which can take seconds). */
    private static String host() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: ask Java
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }
}
