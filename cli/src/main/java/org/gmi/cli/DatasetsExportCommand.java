package org.gmi.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.gmi.graph.Graph;
import org.gmi.graph.Json;
import org.gmi.graph.SplitFile;
import org.gmi.graph.Npy;
import org.gmi.graph.PlainWriter;
import org.gmi.graph.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gmi datasets export NAME --out DIR}: a dataset in the plain format with its labels and
 * split as .npy files, for checking the probe with other tools (docs/evaluation.md).
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Write a dataset in the plain format, with labels.npy and its split.",
                "",
                "DIR gets edges.csv, features.csv (left out for identity features), labels.csv,",
                "labels.npy (int64, -1 unlabelled), train.npy, val.npy, test.npy (int64 node ids)",
                "and split.json (the same file gmi train writes), split.json last."},
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 1 anything else."})
final class DatasetsExportCommand extends GmiCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME|PATH",
            description = "The dataset, as --dataset of gmi train takes it (a bundled name or a path).")
    String name;

    @Mixin
    DatasetOptions data;

    @Option(names = "--splits", paramLabel = "K", defaultValue = "1",
            description = "Also write K random splits into split.json, as gmi train --splits K uses them (default: ${DEFAULT-VALUE}: the dataset's split).")
    int splits;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write into (created; must not hold these files unless --force).")
    Path out;

    @Option(names = "--force", description = "Replace the files of an earlier export in DIR.")
    boolean force;

    static final List<String> FILES = List.of("edges.csv", "features.csv", "labels.csv", "labels.npy", "train.npy", "val.npy",
            "test.npy", SplitFile.FILE);

    @Override
    protected int run() throws IOException {
        require(name == null || data.dataset == null, "give the dataset once: as NAME or as --dataset, not both");
        if (name != null) {
            data.dataset = name;
        }
        data.validate();
        require(splits >= 1, "--splits must be >= 1, got " + splits);
        require(!Files.exists(out) || Files.isDirectory(out), "--out: '" + out + "' exists and is not a folder");
        if (!force && Files.isDirectory(out)) {
            List<String> there = new ArrayList<>();
            for (String f : FILES) {
                if (Files.exists(out.resolve(f))) {
                    there.add(f);
                }
            }
            require(there.isEmpty(), "--out: '" + out + "' already holds " + String.join(", ", there)
                    + "; pass --force to replace them or choose another --out");
        }
        Graph graph = data.load();
        data.checkSplitFlags(graph, spec, splits);
        ProbeOptions probe = new ProbeOptions();
        probe.splits = splits;
        List<Split> used = probe.splits(graph, data.splitOptions());

        Path parent = out.toAbsolutePath().getParent();
        require(parent != null && Files.isDirectory(parent), "--out: folder '" + parent + "' does not exist");
        Path temp = parent.resolve(AtomicOutputs.tempName(out.getFileName().toString(), ProcessHandle.current().pid()));
        try {
            PlainWriter.write(graph, temp);
            Split s = graph.split();
            Files.write(temp.resolve("labels.npy"), Npy.int64(graph.labels()));
            Files.write(temp.resolve("train.npy"), Npy.int64(used.get(0).train()));
            Files.write(temp.resolve("val.npy"), Npy.int64(used.get(0).val()));
            Files.write(temp.resolve("test.npy"), Npy.int64(used.get(0).test()));
            Files.writeString(temp.resolve(SplitFile.FILE), Json.write(SplitFile.of(graph, used)) + "\n");
            Files.createDirectories(out);
            // every file into place, split.json last: its presence marks a complete export
            for (String f : FILES) {
                Path from = temp.resolve(f);
                if (Files.exists(from)) {
                    move(from, out.resolve(f));
                } else {
                    Files.deleteIfExists(out.resolve(f)); // features.csv of an earlier export with other features
                }
            }
            err().println(DatasetOptions.describe(graph));
            out().println("exported " + graph.name() + " to " + out + " (" + s.kind() + ", " + used.size() + " split"
                    + (used.size() == 1 ? "" : "s") + " in " + SplitFile.FILE + ")");
            return ExitCodes.OK;
        } finally {
            deleteTree(temp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a temporary folder is named as such
        }
    }
}
