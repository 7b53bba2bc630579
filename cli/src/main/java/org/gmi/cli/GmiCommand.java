package org.gmi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.gmi.engine.Matrix;
import org.gmi.graph.DataFiles;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The shared base of every subcommand: runs {@link #run()} and turns whatever it throws into an
 * exit code and one line on stderr (see {@link ExitCodes}). Subcommands never exit the JVM and
 * never print stack traces themselves; results go to {@link #out()}, progress and logs to {@link #err()}.
 */
public abstract class GmiCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Option(names = "--verbose", order = 1000, description = "Print stack traces and more detail on errors.")
    protected boolean verbose;

    /** The command's work; returns an exit code (normally {@link ExitCodes#OK}) or throws. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError)) {
                throw (VirtualMachineError) t;
            }
            return ExitCodes.report(t, err(), verbose);
        } finally {
            out().flush();
            err().flush();
        }
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Whether stderr is a terminal, as ./gmi tells through {@code -Dgmi.stderr.tty}; false when unknown. */
    protected static boolean stderrIsTerminal() {
        return Boolean.getBoolean("gmi.stderr.tty");
    }

    /** Refuses (exit 2) a {@code flag}'s path that is not a regular file: missing, a folder, a FIFO, a device. */
    public static void requireRegularFile(String flag, Path p) {
        String kind = DataFiles.notARegularFile(p);
        if (kind != null) {
            throw new BadInputException(flag + ": " + DataFiles.notARegularFileMessage(p, kind));
        }
    }

    /**
     * Refuses (exit 2), unless {@code force}, an output folder that already holds one of {@code files}
     * from an earlier run, naming the first one found.
     */
    public static void requireNoEarlierOutputs(Path out, boolean force, java.util.List<Path> files) {
        if (!force) {
            for (Path f : files) {
                require(!java.nio.file.Files.exists(f), "--out: '" + out + "' already holds " + f.getFileName()
                        + "; pass --force to replace it or choose another --out");
            }
        }
    }

    /**
     * Refuses (exit 2) embeddings that cannot mean anything: no rows, no columns, or a value that is
     * NaN or infinite (the first one is named, with how many there are).
     */
    public static void requireUsableEmbeddings(String flag, Path file, Matrix x) {
        require(x.rows > 0 && x.cols > 0, flag + ": '" + file + "' holds a matrix of " + x.rows + " x " + x.cols
                + ": embeddings need at least one row and one column");
        long bad = 0;
        int first = -1;
        for (int k = 0; k < x.data.length; k++) {
            if (!Float.isFinite(x.data[k])) {
                bad++;
                first = first < 0 ? k : first;
            }
        }
        require(bad == 0, flag + ": '" + file + "' holds " + bad + " non-finite value" + (bad == 1 ? "" : "s")
                + " (the first, row " + (first / Math.max(x.cols, 1)) + ", column " + (first % Math.max(x.cols, 1)) + ", is "
                + (first < 0 ? "" : x.data[first]) + "); embeddings must be finite");
    }

    public static void require(boolean ok, String message) {
        if (!ok) {
            throw new BadInputException(message);
        }
    }
}
