package org.gmi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gmi.graph.BinaryGraph;
import org.gmi.graph.Graph;
import org.gmi.graph.SplitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gmi convert}: any dataset gmi reads, written in the binary layout ({@link BinaryGraph}):
 * little-endian arrays that load by memory mapping, the features left in their file. Every file is
 * written under a temporary name and renamed into place, graph.json last, so a folder with a
 * graph.json is complete.
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Convert a dataset to the binary layout: CSR arrays and features in",
                "little-endian files, with graph.json listing their sizes and checksums.",
                "",
                "gmi train, embed and bench read the folder as a dataset: the adjacency loads in",
                "the time of reading it, and the features stay in their file, read through",
                "memory mapping, so minibatch training (--batch-size) works on features larger",
                "than the Java heap. A public split (Planetoid's) is kept; a random one is drawn",
                "at each load from --train-frac, --val-frac and --split-seed, as for .npz.",
                "The layout: docs/data-formats.md."},
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 1 anything else.",
                "",
                "Example:",
                "  gmi generate --nodes 1000000 --avg-degree 20 --features 128 --classes 8 --out data/sbm-1m",
                "  gmi convert data/sbm-1m/graph.npz --out data/sbm-1m-bin",
                "  gmi train --method gmi --dataset data/sbm-1m-bin --batch-size 512 --out runs/sbm-1m"})
final class ConvertCommand extends GmiCommand {
    @Parameters(index = "0", paramLabel = "DATASET",
            description = "The dataset to convert: a bundled or downloadable name, a Planetoid folder, a .npz file, a "
                    + "folder with edges.csv, or a folder in this layout.")
    String dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (created if needed) for the layout's files.")
    Path out;

    @Option(names = "--force", description = "Replace a graph already converted into DIR.")
    boolean force;

    @Override
    protected int run() throws IOException {
        long start = System.nanoTime();
        PrintWriter err = err();
        List<Path> every = BinaryGraph.allFiles().stream().map(out::resolve).toList();
        // before loading, which may take minutes; checked again once the folder is locked
        requireNoEarlierOutputs(out, force, every);
        Graph graph = DatasetOptions.load(dataset, SplitOptions.DEFAULT);
        DatasetOptions.printSummary(graph, err);
        double loadSeconds = (System.nanoTime() - start) / 1e9;

        OutputLock lock = OutputLock.acquire(out, "--out");
        try (AtomicOutputs outputs = new AtomicOutputs(lock)) {
            requireNoEarlierOutputs(out, force, every);
            AtomicOutputs.removeStale(out, BinaryGraph.allFiles().toArray(String[]::new));
            List<String> names = BinaryGraph.files(graph);
            Map<String, Path> temps = new java.util.HashMap<>();
            for (String name : names) {
                temps.put(name, outputs.temp(out.resolve(name)));
            }
            long t0 = System.nanoTime();
            BinaryGraph.write(graph, temps::get);
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            outputs.commit();
            // files of an earlier conversion that this graph does not have (a split, a label matrix)
            List<Path> extra = new ArrayList<>(every);
            extra.removeAll(names.stream().map(out::resolve).toList());
            for (Path p : extra) {
                Files.deleteIfExists(p);
            }
            long bytes = 0;
            for (String name : names) {
                bytes += Files.size(out.resolve(name));
            }
            err.println(Text.fmt("wrote %d files (%s) in %.1f s", names.size(), org.gmi.models.MemoryEstimate.size(bytes), writeSeconds));
            out().println(Text.fmt("converted %s: %d nodes, %d adjacency entries, %d x %d features with %d entries: %s "
                            + "(loaded in %.1f s, written in %.1f s)", graph.name(), graph.numNodes(), graph.adjacencyRows().entries(),
                    graph.numNodes(), graph.numFeatures(), graph.featureRows().entries(), out.resolve(BinaryGraph.MANIFEST),
                    loadSeconds, writeSeconds));
        }
        return ExitCodes.OK;
    }
}
