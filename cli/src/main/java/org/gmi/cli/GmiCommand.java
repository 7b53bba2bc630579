package org.gmi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
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
abstract class GmiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", order = 1000, description = "Print stack traces and more detail on errors.")
    boolean verbose;

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
    static void requireRegularFile(String flag, Path p) {
        String kind = DataFiles.notARegularFile(p);
        if (kind != null) {
            throw new BadInputException(flag + ": " + DataFiles.notARegularFileMessage(p, kind));
        }
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new BadInputException(message);
        }
    }
}
