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
 * its final folder ({@code .NAME.tmp-PID}); {@link #commit()} renames them into place, in the order
 * they were added (so the last one added, e.g. {@code metrics.json}, marks a finished run). Until
 * then {@link #close()} (and a shutdown hook, for Ctrl-C) deletes every temporary file and every
 * file already renamed, so a failed run leaves none of its outputs behind; a folder made for the
 * outputs is removed again if that leaves it empty.
 */
final class AtomicOutputs implements AutoCloseable {
    private record Entry(Path target, Path temp) {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<Path> committed = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanUp, "gmi-cleanup");
    private final Path createdFolder;
    private boolean done;

    AtomicOutputs() {
        this(null);
    }

    /** @param createdFolder a folder made for these outputs, removed on failure if empty; or null */
    AtomicOutputs(Path createdFolder) {
        this.createdFolder = createdFolder;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The temporary path to write {@code target} to. */
    synchronized Path temp(Path target) {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        entries.add(new Entry(target, temp));
        return temp;
    }

    /** Renames every temporary file onto its target, in order; replaces existing targets. */
    synchronized void commit() throws IOException {
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

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: nothing more can be done on the way out
        }
    }
}
