package org.gmi.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.gmi.graph.Datasets;
import org.gmi.graph.Downloads;
import org.gmi.graph.Graph;
import org.gmi.graph.LoadReport;
import org.gmi.graph.Split;
import org.gmi.graph.SplitOptions;
import picocli.CommandLine.Option;

/** {@code --dataset} and the flags of the random split, shared by {@code train} and {@code eval}. */
public final class DatasetOptions {
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    // required, but checked in validate(): gmi train --resume DIR takes it from the checkpoint
    @Option(names = "--dataset", paramLabel = "NAME|PATH",
            description = {"A bundled dataset (cora, citeseer), a dataset downloaded by name and cached (pubmed, "
                    + "amazon-computers, amazon-photo, coauthor-cs, coauthor-physics: see gmi datasets), a folder of "
                    + "Planetoid raw files (ind.NAME.*), a GraphGallery .npz file, or a folder with edges.csv "
                    + "[features.csv] [labels.csv] (see docs/data-formats.md)."})
    public String dataset;

    @Option(names = "--train-frac", paramLabel = "F", defaultValue = "0.1",
            description = "Share of labelled nodes for training, for datasets without a public split (default: ${DEFAULT-VALUE}).")
    public double trainFrac;

    @Option(names = "--val-frac", paramLabel = "F", defaultValue = "0.1",
            description = "Share of labelled nodes for validation, for datasets without a public split (default: ${DEFAULT-VALUE}); the rest is the test set.")
    public double valFrac;

    @Option(names = "--split-seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the random split (default: ${DEFAULT-VALUE}).")
    public long splitSeed;

    /** Checks the flags without touching any file. */
    public void validate() {
        GmiCommand.require(dataset != null, "missing required option: '--dataset=NAME|PATH'");
        GmiCommand.require(trainFrac > 0 && trainFrac < 1, "--train-frac must be > 0 and < 1, got " + Text.sig4(trainFrac));
        GmiCommand.require(valFrac >= 0 && valFrac < 1, "--val-frac must be >= 0 and < 1, got " + Text.sig4(valFrac));
        GmiCommand.require(trainFrac + valFrac < 1, "--train-frac + --val-frac must be < 1 to leave test nodes, got "
                + Text.sig4(trainFrac) + " + " + Text.sig4(valFrac));
        GmiCommand.require(!dataset.isBlank(), "--dataset must name a bundled dataset or a path, got ''");
        GmiCommand.require(isBundled(dataset) || pathExists(dataset) || Downloads.find(dataset).isPresent(), "--dataset: '"
                + dataset + "' is neither a bundled dataset (" + String.join(", ", Datasets.bundled()) + "), a downloadable one ("
                + String.join(", ", downloadable()) + ") nor an existing file or folder");
    }

    /** Whether {@code spec} names something on disk: a file, a folder, or FOLDER/ind.NAME of a Planetoid folder. */
    private static boolean pathExists(String spec) {
        try {
            Path p = Path.of(spec);
            if (Files.exists(p)) {
                return true;
            }
            Path parent = p.toAbsolutePath().getParent();
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            return name.startsWith("ind.") && parent != null && Files.isDirectory(parent);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /**
     * Refuses split flags that would be ignored: {@code --train-frac}, {@code --val-frac} and
     * {@code --split-seed} shape only random splits, so on a graph with a public split they need
     * {@code --splits K} (K random splits instead of the public one).
     */
    void checkSplitFlags(Graph graph, picocli.CommandLine.Model.CommandSpec spec, int splits) {
        if (!graph.split().kind().startsWith("random") && splits == 1) {
            for (String flag : List.of("--train-frac", "--val-frac", "--split-seed")) {
                GmiCommand.require(!ProbeOptions.given(spec, flag), flag + " applies to random splits, but " + graph.name()
                        + " has a public split (" + graph.split().kind() + "), which the probe uses; drop " + flag
                        + ", or add --splits K to evaluate on K random splits instead");
            }
        }
    }

    public SplitOptions splitOptions() {
        return new SplitOptions(trainFrac, valFrac, splitSeed);
    }

    /** Loads the dataset; a download by name is reported on the command's stderr. */
    public Graph load() {
        PrintWriter err = mixee == null ? new PrintWriter(System.err, true) : mixee.commandLine().getErr();
        try {
            return Datasets.load(dataset, splitOptions(), message -> {
                err.println(message);
                err.flush();
            });
        } catch (IllegalArgumentException e) {
            throw new BadInputException("dataset '" + dataset + "': " + e.getMessage(), e);
        }
    }

    /** The downloadable names that are not bundled. */
    static List<String> downloadable() {
        return Downloads.entries().stream().map(Downloads.Entry::name).filter(n -> !isBundled(n)).toList();
    }

    /** Prints what was loaded, and the loader's notes, on {@code err}. */
    public static void printSummary(Graph graph, PrintWriter err) {
        err.println(describe(graph));
        for (String note : notes(graph.report())) {
            err.println("  note: " + note);
        }
        err.flush();
    }

    public static Graph load(String spec, SplitOptions options) {
        try {
            return Datasets.load(spec, options);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("dataset '" + spec + "': " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code spec} is a URI with a scheme of two letters or more ({@code hdfs://...},
     * {@code file:/...}): a graph an engine reads from its storage ({@code --engine spark}), not a path
     * here. A one-letter scheme would be a Windows drive: a path.
     */
    public static boolean isUri(String spec) {
        return spec.matches("[A-Za-z][A-Za-z0-9+.-]+:.*");
    }

    /** Whether {@code spec} names a dataset (bundled, or downloadable and not a path here) rather than a path. */
    static boolean isName(String spec) {
        return isBundled(spec) || (!pathExists(spec) && Downloads.find(spec).isPresent());
    }

    public static boolean isBundled(String spec) {
        for (String name : Datasets.bundled()) {
            if (name.equalsIgnoreCase(spec)) {
                return true;
            }
        }
        return false;
    }

    /** One line: {@code dataset cora: 2708 nodes, 5278 edges, 1433 features, 7 classes; split ... (140/500/1000)}. */
    public static String describe(Graph g) {
        Split s = g.split();
        return String.format(Locale.ROOT, "dataset %s: %d nodes, %d edges, %d features, %d %s; split %s (%d train / %d val / %d test)",
                g.name(), g.numNodes(), g.numUndirectedEdges(), g.numFeatures(), g.numClasses(),
                g.isMultiLabel() ? "labels (multi-label)" : "classes", s.kind(),
                s.train().length, s.val().length, s.test().length);
    }

    public static List<String> notes(LoadReport r) {
        java.util.ArrayList<String> notes = new java.util.ArrayList<>();
        if (r == null) {
            return notes;
        }
        if (r.duplicateEdges() > 0) {
            notes.add(r.duplicateEdges() + " duplicate edge records merged");
        }
        if (r.selfLoops() > 0) {
            notes.add(r.selfLoops() + " self loops kept in A (as the official code does)");
        }
        if (r.isolatedNodes() > 0) {
            notes.add(r.isolatedNodes() + " isolated nodes");
        }
        if (r.notes() != null) {
            notes.addAll(r.notes());
        }
        return notes;
    }
}
