package org.gmi.cli;

import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.gmi.graph.GraphFormatException;
import org.gmi.models.CheckpointFormatException;
import org.gmi.models.EncoderFormatException;
import org.gmi.models.NumericalFailureException;
import picocli.CommandLine;

/**
 * The exit codes of {@code gmi}, and the one place that turns an exception into one of them and
 * into the single error line on stderr ({@code gmi: error: <message>}).
 *
 * <ul>
 *   <li>{@value #OK}: success.
 *   <li>{@value #SOFTWARE}: anything unexpected (a bug, out of memory, a failed write).
 *   <li>{@value #BAD_INPUT}: bad input or usage: a flag picocli cannot parse or that is out of range,
 *       a dataset that cannot be read ({@link GraphFormatException}), a missing file, a checkpoint
 *       that is missing, damaged or does not fit the run ({@link CheckpointFormatException}), an
 *       encoder file that is missing, damaged or unusable ({@link EncoderFormatException}).
 *   <li>{@value #NUMERICAL}: training diverged ({@link NumericalFailureException}).
 * </ul>
 */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int SOFTWARE = 1;
    public static final int BAD_INPUT = 2;
    public static final int NUMERICAL = 3;

    private ExitCodes() {}

    /** The exit code for a failure. */
    public static int codeFor(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof NumericalFailureException) {
            return NUMERICAL;
        }
        if (c instanceof BadInputException || c instanceof GraphFormatException
                || c instanceof CheckpointFormatException || c instanceof EncoderFormatException
                || c instanceof CommandLine.ParameterException || isMissingFile(c)) {
            return BAD_INPUT;
        }
        return SOFTWARE;
    }

    /** The message of the one error line (without the {@code gmi: error: } prefix). */
    public static String messageFor(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof OutOfMemoryError) {
            long maxMib = Runtime.getRuntime().maxMemory() >> 20;
            return "out of memory (Java heap limit " + maxMib + " MiB); raise it with GMI_XMX, e.g. GMI_XMX=24g ./gmi ...";
        }
        if (c instanceof NoSuchFileException e) {
            return "no such file or folder: " + e.getFile();
        }
        if (c instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (c instanceof NotDirectoryException e) {
            return "not a folder: " + e.getFile();
        }
        if (c instanceof FileSystemException e && e.getReason() != null) {
            return e.getReason() + ": " + e.getFile();
        }
        String message = c.getMessage();
        int code = codeFor(c);
        if (code == BAD_INPUT || code == NUMERICAL || c instanceof EngineFailureException) {
            return Text.oneLine(message == null ? c.getClass().getSimpleName() : message);
        }
        String what = c.getClass().getName() + (message == null ? "" : ": " + message);
        return "internal error: " + Text.oneLine(what);
    }

    /** Prints the error line (and the stack trace when verbose) and returns the exit code. */
    public static int report(Throwable t, PrintWriter err, boolean verbose) {
        int code = codeFor(t);
        String line = "gmi: error: " + messageFor(t);
        if (code == SOFTWARE && !verbose) {
            line += " (run with --verbose for the stack trace)";
        }
        if (verbose) {
            t.printStackTrace(err);
        }
        err.println(line);
        err.flush();
        return code;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof UncheckedIOException || c instanceof CommandLine.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static boolean isMissingFile(Throwable c) {
        return c instanceof NoSuchFileException || c instanceof FileNotFoundException
                || c instanceof AccessDeniedException || c instanceof NotDirectoryException;
    }
}
