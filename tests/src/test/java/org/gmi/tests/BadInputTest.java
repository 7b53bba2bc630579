package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input through the real command line: each case exits with 2, prints exactly one line on
 * stderr ({@code gmi: error: ...}) that names the file, flag or value at fault, prints nothing on
 * stdout, and leaves no {@code metrics.json} or {@code embeddings.npy} (nor temporary files) in
 * {@code --out}, whether --out existed before or not.
 */
class BadInputTest {
    @TempDir
    Path dir;

    /** A small valid plain graph: a path 0-1-2-3-4-5 with features and labels. */
    private static final Map<String, String> GOOD = Map.of(
            "edges.csv", "src,dst\n0,1\n1,2\n2,3\n3,4\n4,5\n",
            "features.csv", "1,0\n0,1\n1,1\n0.5,0\n0,0.5\n1,0.25\n",
            "labels.csv", "0\n1\n0\n1\n0\n1\n");

    /**
     * One case: files for the dataset folder (null: no folder at all), extra args, and what the error
     * line must contain, computed from the dataset path.
     */
    private record Case(String name, Map<String, String> files, List<String> args, Function<String, List<String>> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("missing dataset path", null, List.of(), d -> List.of("'" + d + "'")),
                new Case("truncated edges.csv", Map.of("edges.csv", "src,dst\n0,1\n1,2\n2", "labels.csv", "0\n1\n0\n"),
                        List.of(), d -> List.of(Path.of(d, "edges.csv").toString(), "line 4", "expected two node ids")),
                new Case("node id out of range", Map.of("edges.csv", "0,1\n1,9\n", "labels.csv", "0\n1\n0\n"),
                        List.of(), d -> List.of(Path.of(d, "edges.csv").toString(), "line 2", "node id 9 out of range")),
                new Case("negative node id", Map.of("edges.csv", "0,1\n-1,2\n"),
                        List.of(), d -> List.of(Path.of(d, "edges.csv").toString(), "line 2", "negative node id -1")),
                new Case("NaN feature", with("features.csv", "1,0\n0,1\n1,NaN\n0.5,0\n0,0.5\n1,0.25\n"),
                        List.of(), d -> List.of(Path.of(d, "features.csv").toString(), "line 3", "NaN")),
                new Case("infinite feature", with("features.csv", "1,0\n0,1\n1,1\n0.5,inf\n0,0.5\n1,0.25\n"),
                        List.of(), d -> List.of(Path.of(d, "features.csv").toString(), "line 4", "inf")),
                new Case("unknown dataset name", null, List.of("--dataset", "pubmedd"), d -> List.of("'pubmedd'")),
                new Case("--lr -1", GOOD, List.of("--lr", "-1"), d -> List.of("--lr", "-1")),
                new Case("--hidden 0", GOOD, List.of("--hidden", "0"), d -> List.of("--hidden", "0")),
                new Case("--epochs x", GOOD, List.of("--epochs", "x"), d -> List.of("--epochs", "'x'")),
                new Case("unknown flag", GOOD, List.of("--bogus-flag"), d -> List.of("--bogus-flag")))
                .map(Arguments::of);
    }

    private static Map<String, String> with(String file, String content) {
        Map<String, String> m = new java.util.HashMap<>(GOOD);
        m.put(file, content);
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputExitsWith2AndOneLineAndNoOutputs(Case c) throws IOException {
        Path data = dir.resolve("data");
        if (c.files() != null) {
            Files.createDirectories(data);
            for (Map.Entry<String, String> f : c.files().entrySet()) {
                Files.writeString(data.resolve(f.getKey()), f.getValue());
            }
        }
        // --out missing before the run, then an existing empty folder
        for (boolean outExists : new boolean[] {false, true}) {
            Path out = dir.resolve(outExists ? "existing-out" : "new-out");
            if (outExists) {
                Files.createDirectories(out);
            }
            // the case's flags replace the defaults of the same name (picocli refuses a repeated option)
            List<String> args = new ArrayList<>(List.of("train", "--method", "gmi"));
            String[][] defaults = {{"--dataset", data.toString()}, {"--out", out.toString()}, {"--hidden", "8"},
                {"--epochs", "2"}, {"--threads", "1"}};
            for (String[] flag : defaults) {
                if (!c.args().contains(flag[0])) {
                    args.addAll(List.of(flag));
                }
            }
            args.addAll(c.args());
            Cli r = Cli.run(args.toArray(String[]::new));
            String ctx = c + (outExists ? " (--out exists)" : " (--out new)") + "\n" + r;
            assertEquals(2, r.code(), ctx);
            assertEquals(1, r.errLines().size(), ctx);
            String line = r.errLines().get(0);
            assertTrue(line.startsWith("gmi: error: "), ctx);
            for (String part : c.expected().apply(data.toString())) {
                assertTrue(line.contains(part), "the error line must name " + part + ": " + ctx);
            }
            assertFalse(line.contains("Exception") || line.contains("\tat "), "no stack trace or exception name: " + ctx);
            assertTrue(r.out().isEmpty(), ctx);
            if (outExists) {
                try (Stream<Path> left = Files.list(out)) {
                    assertEquals(List.of(), left.toList(), "nothing left in --out: " + ctx);
                }
            } else {
                assertFalse(Files.exists(out.resolve("metrics.json")) || Files.exists(out.resolve("embeddings.npy")), ctx);
                assertFalse(Files.exists(out), "a --out folder made for a failed run is removed again: " + ctx);
            }
        }
    }

    /** The same bad inputs leave a finished earlier run in --out untouched (with --force too). */
    @Test
    void aFailedRunLeavesAnEarlierRunUntouched() throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        for (Map.Entry<String, String> f : with("features.csv", "1,0\n0,1\n1,NaN\n0.5,0\n0,0.5\n1,0.25\n").entrySet()) {
            Files.writeString(data.resolve(f.getKey()), f.getValue());
        }
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("metrics.json"), "{\"earlier\": true}\n");
        Files.write(out.resolve("embeddings.npy"), new byte[] {1, 2, 3});
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", data.toString(), "--out", out.toString(), "--force",
                "--hidden", "8", "--epochs", "2");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.err().contains(data.resolve("features.csv").toString()), r.toString());
        assertEquals("{\"earlier\": true}\n", Files.readString(out.resolve("metrics.json")));
        assertEquals(3, Files.size(out.resolve("embeddings.npy")));
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(2, left.count(), "no temporary files left beside the earlier run");
        }
    }
}
