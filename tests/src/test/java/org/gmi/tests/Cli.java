package org.gmi.tests;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.gmi.cli.Main;
import picocli.CommandLine;

/**
 * Runs the real {@code gmi} command line in this JVM, configured as {@code ./gmi} runs it
 * ({@link Main#commandLine()}), and keeps what it printed. Same pattern as the cli module's tests.
 */
record Cli(int code, String out, String err) {
    static Cli run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The non-empty lines of stderr. */
    List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The lines of stdout. */
    List<String> outLines() {
        return out.lines().toList();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
