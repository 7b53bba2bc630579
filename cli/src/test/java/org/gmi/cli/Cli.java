package org.gmi.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the real command line in this JVM and keeps what it printed. */
public record Cli(int code, String out, String err) {
    public static Cli run(String... args) {
        return run(Main.commandLine(), args);
    }

    /** A bare {@code new CommandLine(new Main())}, without the handlers Main installs. */
    public static Cli runBare(String... args) {
        return run(new CommandLine(new Main()), args);
    }

    private static Cli run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** The non-empty lines of stderr. */
    public java.util.List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }

    /** {@code gmi COMMAND --help} exits 0, prints nothing on stderr and names every flag of the command. */
    public static void assertHelpMentionsEveryFlag(String command) {
        Cli r = run(command, "--help");
        org.junit.jupiter.api.Assertions.assertEquals(0, r.code(), r.toString());
        picocli.CommandLine sub = Main.commandLine().getSubcommands().get(command);
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (picocli.CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
            for (String name : o.names()) {
                if (!r.out().contains(name)) {
                    missing.add(name);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(missing.isEmpty(), "help of " + command + " lacks " + missing + "\n" + r.out());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().isEmpty(), r.err());
    }
}
