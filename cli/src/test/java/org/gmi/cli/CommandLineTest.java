package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.gmi.graph.GraphFormatException;
import org.gmi.models.NumericalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line as a user meets it: help, flag validation, exit codes, one-line errors. */
class CommandLineTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"train", "embed", "eval", "datasets", "generate", "convert", "bench", "devices"})
    void helpOfEachCommandMentionsEveryFlag(String command) {
        Cli.assertHelpMentionsEveryFlag(command);
    }

    @Test
    void topLevelHelpListsTheCommands() {
        Cli r = Cli.run("--help");
        assertEquals(0, r.code());
        for (String c : List.of("train", "eval", "datasets", "bench", "--version")) {
            assertTrue(r.out().contains(c), c + "\n" + r.out());
        }
        Cli v = Cli.run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("gmi "), v.out());
    }

    @Test
    void noCommandIsAUsageError() {
        Cli r = Cli.run();
        assertEquals(2, r.code());
        assertEquals(List.of("gmi: error: no command given; try 'gmi --help' (commands: train, embed, eval, datasets, generate, convert, bench, devices)"), r.errLines());
    }

    static Stream<Arguments> badTrainFlags() {
        return Stream.of(
                Arguments.of(List.of("--lr", "-1"), "--lr must be > 0"),
                Arguments.of(List.of("--lr", "NaN"), "--lr"),
                Arguments.of(List.of("--hidden", "0"), "--hidden"),
                Arguments.of(List.of("--layers", "3"), "--layers"),
                Arguments.of(List.of("--negatives", "0"), "--negatives"),
                Arguments.of(List.of("--alpha", "-0.5"), "--alpha"),
                Arguments.of(List.of("--epochs", "0"), "--epochs"),
                Arguments.of(List.of("--patience", "0"), "--patience"),
                Arguments.of(List.of("--threads", "0"), "--threads must be >= 1, got 0"),
                Arguments.of(List.of("--eval-runs", "0"), "--eval-runs must be >= 1, got 0"),
                Arguments.of(List.of("--train-frac", "1.5"), "--train-frac"),
                Arguments.of(List.of("--val-frac", "-0.1"), "--val-frac"),
                Arguments.of(List.of("--train-frac", "0.6", "--val-frac", "0.5"), "--train-frac + --val-frac"),
                Arguments.of(List.of("--val-frac", "0"), "--val-frac 0 leaves no validation nodes"),
                Arguments.of(List.of("--epochs", "abc"), "--epochs"),
                Arguments.of(List.of("--method", "gcn"), "--method"),
                Arguments.of(List.of("--protocol", "test"), "--protocol"),
                Arguments.of(List.of("--variant", "median"), "'median' is not a GMI variant; expected mean or adaptive"),
                Arguments.of(List.of("--jsd-on", "scores"), "expected probabilities or logits"),
                Arguments.of(List.of("--no-such-flag"), "--no-such-flag"));
    }

    @ParameterizedTest
    @MethodSource("badTrainFlags")
    void badFlagsExitWith2AndOneLineNamingTheFlag(List<String> flags, String expected) {
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("train", "--method", "gmi", "--dataset", "cora", "--out", out.toString()));
        // a later --method overrides the first one only when repeated options are allowed: put the bad one alone
        if (flags.contains("--method")) {
            args = new ArrayList<>(List.of("train", "--dataset", "cora", "--out", out.toString()));
        }
        args.addAll(flags);
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("gmi: error: "), line);
        assertTrue(line.contains(expected), line);
        assertTrue(r.out().isEmpty(), r.out());
        assertFalse(Files.exists(out), "a rejected run must not create " + out);
    }

    /** --method, --dataset and --out are required unless --resume DIR supplies them: checked by the command itself. */
    @Test
    void missingRequiredOptionsExitWith2() {
        Path out = dir.resolve("out");
        String[][] cases = {
            {"--dataset", "cora", "--out", out.toString()},
            {"--method", "gmi", "--out", out.toString()},
            {"--method", "gmi", "--dataset", "cora"}};
        String[] missing = {"'--method=gmi|dgi'", "'--dataset=NAME|PATH'", "'--out=DIR'"};
        for (int k = 0; k < cases.length; k++) {
            List<String> args = new ArrayList<>(List.of("train"));
            args.addAll(List.of(cases[k]));
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), r.toString());
            assertEquals(List.of("gmi: error: missing required option: " + missing[k]),
                    r.errLines().stream().map(l -> l.replaceAll(" \\(see 'gmi train --help'\\)$", "")).toList());
            assertFalse(Files.exists(out));
        }
        Cli eval = Cli.run("eval", "--embeddings", out.resolve("e.npy").toString());
        assertEquals(2, eval.code(), eval.toString());
        assertTrue(eval.err().contains("missing required option: '--dataset=NAME|PATH'"), eval.toString());
    }

    @Test
    void bareCommandLineGivesTheSameExitCodes() {
        Path out = dir.resolve("out");
        Cli r = Cli.runBare("train", "--method", "gmi", "--dataset", "cora", "--out", out.toString(), "--lr", "-1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--lr"), r.err());
        Cli lower = Cli.runBare("train", "--method", "DGI", "--dataset", "nowhere", "--out", out.toString());
        assertEquals(2, lower.code(), lower.toString());
        Cli unknown = Cli.runBare("train", "--method", "gmi", "--dataset", "cora", "--out", out.toString(), "--bogus");
        assertEquals(2, unknown.code(), unknown.toString());
    }

    @Test
    void unknownDatasetNameExitsWith2() {
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", "pubmedd", "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().contains("'pubmedd' is neither a bundled dataset (cora, citeseer)"), r.err());
    }

    @Test
    void missingPathExitsWith2() {
        Path missing = dir.resolve("no/such/folder");
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", missing.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(missing.toString()), r.err());
        Cli e = Cli.run("eval", "--embeddings", dir.resolve("none.npy").toString(), "--dataset", "cora");
        assertEquals(2, e.code(), e.toString());
        assertEquals(List.of("gmi: error: --embeddings: " + dir.resolve("none.npy") + ": no such file"), e.errLines());
    }

    @Test
    void refusesToOverwriteAnEarlierRun() throws Exception {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Files.writeString(out.resolve("metrics.json"), "{}");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", "cora", "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("already holds metrics.json") && r.err().contains("--force"), r.err());
        assertEquals("{}", Files.readString(out.resolve("metrics.json")));

        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        Cli f = Cli.run("train", "--method", "gmi", "--dataset", "cora", "--out", file.toString());
        assertEquals(2, f.code(), f.toString());
        assertTrue(f.err().contains("is not a folder"), f.err());
    }

    @Test
    void exceptionsMapToExitCodes() {
        assertEquals(2, ExitCodes.codeFor(new GraphFormatException("edges.csv: line 3: node id 9 out of range")));
        assertEquals(2, ExitCodes.codeFor(new BadInputException("x")));
        assertEquals(2, ExitCodes.codeFor(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("f"))));
        assertEquals(3, ExitCodes.codeFor(new NumericalFailureException("epoch 3: loss is NaN")));
        assertEquals(1, ExitCodes.codeFor(new IllegalStateException("bug")));
        assertEquals(1, ExitCodes.codeFor(new OutOfMemoryError()));
        assertEquals("edges.csv: line 3: node id 9 out of range",
                ExitCodes.messageFor(new GraphFormatException("edges.csv: line 3:\n node id 9 out of range")
                ).replace("; ", " "));
        assertTrue(ExitCodes.messageFor(new OutOfMemoryError()).contains("GMI_XMX"));

        java.io.StringWriter sw = new java.io.StringWriter();
        int code = ExitCodes.report(new IllegalStateException("bug"), new java.io.PrintWriter(sw), false);
        assertEquals(1, code);
        assertEquals("gmi: error: internal error: java.lang.IllegalStateException: bug (run with --verbose for the stack trace)\n",
                sw.toString().replace(System.lineSeparator(), "\n"));
        java.io.StringWriter verbose = new java.io.StringWriter();
        ExitCodes.report(new IllegalStateException("bug"), new java.io.PrintWriter(verbose), true);
        assertTrue(verbose.toString().contains("\tat "), "stack trace with --verbose");
    }

    @Test
    void progressLineShowsEpochLossTermsSpeedAndEta() {
        java.io.StringWriter sw = new java.io.StringWriter();
        ProgressPrinter p = new ProgressPrinter(new java.io.PrintWriter(sw), false, new PeakMemory());
        java.util.Map<String, Double> terms = new java.util.LinkedHashMap<>();
        terms.put("mi_feature", 0.69);
        terms.put("mi_neighbour", 0.6931);
        terms.put("reconstruction", 0.0123);
        for (int e = 1; e <= 12; e++) {
            p.onEpoch(new org.gmi.models.EpochReport(e, 550, 1.2345, terms, 0.42, 10, 2, 20));
        }
        p.finish();
        List<String> lines = sw.toString().lines().toList();
        // epochs are short: the first, the tenth, and the last seen
        assertEquals(3, lines.size(), sw.toString());
        assertEquals("epoch  10/550  loss 1.2345  (mi_feature 0.69, mi_neighbour 0.6931, reconstruction 0.0123)"
                + "  0.420 s/epoch  best 10  ETA 3m47s", lines.get(1));
        assertTrue(lines.get(2).startsWith("epoch  12/550"), lines.get(2));
    }

    @Test
    void durationsAndNumbers() {
        assertEquals("0s", Text.duration(0.2));
        assertEquals("59s", Text.duration(59.4));
        assertEquals("3m50s", Text.duration(230));
        assertEquals("1h02m", Text.duration(3720));
        assertEquals("0.01234", Text.sig4(0.012341));
        assertEquals("1", Text.sig4(1.0));
        assertEquals("a; b", Text.oneLine("a\n  b\n"));
    }
}
