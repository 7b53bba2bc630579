package org.gmi.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Output files that appear complete or not at all. Each file is written under a temporary name in
 * its final folder, {@code .NAME.PID.tmp} (a leading dot, the writer's process id, {@code .tmp} at
 * the end: never mistaken for an output); {@link #commit()} renames them into place, in the order
 * they were added (so the last one added, e.g. {@code metrics.json}, marks a finished run). Until
 * then {@link #close()} (and a shutdown hook, for Ctrl-C) deletes every temporary file and every
 * file already renamed, so a failed run leaves none of its outputs behind; a folder made for the
 * outputs is removed again if that leaves it empty. A process killed with SIGKILL runs no hook: it
 * leaves at most such temporary files, which {@link #removeStale} deletes at the next run into the
 * folder. Given the {@link OutputLock} of the folder, it releases the lock last, on success and on
 * failure alike (the lock then removes a folder it made if nothing else is left in it).
 */
public final class AtomicOutputs implements AutoCloseable {
    private record Entry(Path target, Path temp) {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<Path> committed = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanUp, "gmi-cleanup");
    private final Path createdFolder;
    private final OutputLock lock;
    private boolean done;

    public AtomicOutputs() {
        this((Path) null);
    }

    /** @param createdFolder a folder made for these outputs, removed on failure if empty; or null */
    public AtomicOutputs(Path createdFolder) {
        this.createdFolder = createdFolder;
        this.lock = null;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Outputs into the folder {@code lock} holds; the lock is released when these are committed or cleaned up. */
    AtomicOutputs(OutputLock lock) {
        this.createdFolder = null;
        this.lock = lock;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The temporary path to write {@code target} to. */
    public synchronized Path temp(Path target) {
        Path temp = target.resolveSibling(tempName(target.getFileName().toString(), ProcessHandle.current().pid()));
        entries.add(new Entry(target, temp));
        return temp;
    }

    /** Renames every temporary file onto its target, in order; replaces existing targets. */
    public synchronized void commit() throws IOException {
        for (Entry e : entries) {
            if (!Files.isRegularFile(e.temp())) {
                throw new IOException("output " + e.target() + " was never written");
            }
        }
        for (Entry e : entries) {
            try {
                Files.move(e.temp(), e.target(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(e.temp(), e.target(), StandardCopyOption.REPLACE_EXISTING);
            }
            committed.add(e.target());
        }
        done = true;
    }

    @Override
    public synchronized void close() {
        if (!done) {
            cleanUp();
        }
        done = true;
        if (lock != null) {
            lock.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook runs (or ran) anyway
        }
    }

    private synchronized void cleanUp() {
        if (done) {
            return;
        }
        for (Entry e : entries) {
            deleteQuietly(e.temp());
        }
        for (Path p : committed) {
            deleteQuietly(p);
        }
        if (lock != null) {
            lock.close();
        }
        if (createdFolder != null) {
            try (var left = Files.list(createdFolder)) {
                if (left.findAny().isEmpty()) {
                    Files.deleteIfExists(createdFolder);
                }
            } catch (IOException | RuntimeException ignored) {
                // best effort
            }
        }
    }

    /** The temporary name of {@code name} written by process {@code pid}: {@code .NAME.PID.tmp}. */
    public static String tempName(String name, long pid) {
        return "." + name + "." + pid + ".tmp";
    }

    /**
     * Deletes the temporary files {@code .NAME.PID.tmp} of the given names in {@code folder} whose
     * writing process is gone (killed runs); returns how many. Files of live processes stay.
     */
    public static int removeStale(Path folder, String... names) {
        int removed = 0;
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (var files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String f = p.getFileName().toString();
                for (String name : names) {
                    String prefix = "." + name + ".";
                    if (f.startsWith(prefix) && f.endsWith(".tmp")) {
                        String pid = f.substring(prefix.length(), f.length() - 4);
                        if (pid.matches("[0-9]{1,18}") && ProcessHandle.of(Long.parseLong(pid)).map(h -> !h.isAlive()).orElse(true)) {
                            deleteQuietly(p);
                            removed++;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: a stale temporary file is harmless
        }
        return removed;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: nothing more can be done on the way out
        }
    }
}
