package org.gmi.study;

import org.gmi.cli.Cli;
import org.gmi.cli.Main;

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

/** The commands of gmi-study as a user meets them through {@code gmi}: help, flag validation, one-line errors. */
class StudyCommandLineTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"study", "plot"})
    void helpOfEachCommandMentionsEveryFlag(String command) {
        Cli.assertHelpMentionsEveryFlag(command);
    }

    @Test
    void gmiListsTheStudyCommandsBesideItsOwn() {
        Cli r = Cli.run();
        assertEquals(2, r.code());
        assertEquals(List.of("gmi: error: no command given; try 'gmi --help' (commands: train, embed, eval, datasets, generate, convert, bench, devices, study, plot)"),
                r.errLines());
    }

    static Stream<Arguments> badStudyFlags() {
        return Stream.of(
                Arguments.of(List.of("--methods", "gmi,gcn"), "--methods: 'gcn' is not a study method; expected dgi, gmi,"),
                Arguments.of(List.of("--methods", "gmi,gmi"), "--methods lists gmi twice"),
                Arguments.of(List.of("--seeds", "0"), "--seeds must be >= 1, got 0"),
                Arguments.of(List.of("--hidden", "512,0"), "--hidden must be >= 1, got 0"),
                Arguments.of(List.of("--layers", "1,3"), "--layers must be 1 or 2, got 3"),
                Arguments.of(List.of("--protocol", "val,test"), "--protocol: 'test' is not a protocol"),
                Arguments.of(List.of("--epochs", "0"), "--epochs must be >= 1, got 0"),
                Arguments.of(List.of("--eval-runs", "0"), "--eval-runs must be >= 1, got 0"),
                Arguments.of(List.of("--reconstruction", "dense"), "--reconstruction"),
                Arguments.of(List.of("--datasets", "cora,/no/such/graph"), "--dataset: '/no/such/graph' is neither"));
    }

    @ParameterizedTest
    @MethodSource("badStudyFlags")
    void badStudyFlagsExitWith2BeforeAnyFolderIsMade(List<String> flags, String expected) {
        Path out = dir.resolve("study");
        List<String> args = new ArrayList<>(List.of("study", "--out", out.toString()));
        if (!flags.contains("--datasets")) {
            args.addAll(List.of("--datasets", "cora"));
        }
        args.addAll(flags);
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("gmi: error: ") && r.errLines().get(0).contains(expected), r.toString());
        assertFalse(Files.exists(out), "a rejected study must not create " + out);
        Cli none = Cli.run("study", "--out", out.toString());
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("missing required option: '--datasets=LIST'"), none.toString());
    }

}
