package org.gmi.cli;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code gmi} command: train, embed, eval, datasets, generate, convert, bench and devices, plus the commands other
 * modules on the class path provide as {@link Subcommand} services (gmi-study: study, plot). The only class that exits the JVM: everything below returns an exit
 * code or throws, and {@link ExitCodes} turns what is thrown into a code and one line on stderr.
 *
 * <p>{@link #commandLine()} is the configured command line (one-line parse errors); a bare
 * {@code new CommandLine(new Main())} gives the same exit codes, with picocli's own parse error text.
 */
@Command(name = "gmi", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"GMI and DGI self-supervised graph embeddings in plain Java, on the CPU or an OpenCL device."},
        subcommands = {TrainCommand.class, EmbedCommand.class, EvalCommand.class, DatasetsCommand.class, GenerateCommand.class, ConvertCommand.class, BenchCommand.class, DevicesCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  gmi train --method gmi --dataset cora --out runs/cora-gmi",
                "  gmi eval --embeddings runs/cora-gmi/embeddings.npy --dataset cora",
                "  gmi datasets",
                "  gmi generate --nodes 10000 --avg-degree 10 --features 128 --classes 5 --seed 1 --out data/sbm-10k",
                "  gmi bench --method gmi --dataset cora --epochs 20 --out runs/bench-cora",
                "  gmi study --datasets cora,citeseer --seeds 3 --out runs/study",
                "  gmi plot embeddings --embeddings runs/cora-gmi/embeddings.npy --dataset cora --out cora-gmi.png",
                "  gmi devices",
                "  gmi train --method gmi --dataset cora --device gpu --out runs/cora-gpu",
                "", "Exit codes: 0 success, 2 bad input or usage, 3 numerical failure, 1 anything else."})
public final class Main implements Callable<Integer> {
    private static volatile Charset stdoutCharset = Charset.defaultCharset();

    @Spec
    CommandSpec spec;

    /** {@code gmi} without a command: one line saying what to do. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        names.remove("help");
        err.println("gmi: error: no command given; try 'gmi --help' (commands: " + String.join(", ", names) + ")");
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    public static void main(String[] args) {
        stdoutCharset = charsetOf("stdout.encoding");
        CommandLine cl = commandLine();
        cl.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), stdoutCharset), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), charsetOf("stderr.encoding")), true));
        int code = cl.execute(args);
        System.exit(code);
    }

    /** The configured command line: parse errors become one line and exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Subcommand extra : ServiceLoader.load(Subcommand.class)) {
            cl.addSubcommand(extra);
        }
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("gmi: error: " + Text.oneLine(ex.getMessage()) + " (see '"
                    + failed.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return ExitCodes.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, failed, parsed) -> ExitCodes.report(ex, failed.getErr(), verbose(parsed)));
        return cl;
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** {@code ±} where the standard output can encode it, else {@code +/-}. */
    static String plusMinus() {
        return Text.plusMinus(stdoutCharset);
    }

    private static Charset charsetOf(String property) {
        String name = System.getProperty(property);
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** {@code gmi --version}: the gmi version and the Java runtime it runs on. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "gmi " + RunInfo.version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.vm.name") + ")"
            };
        }
    }
}
