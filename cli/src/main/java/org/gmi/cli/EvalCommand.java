package org.gmi.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Json;
import org.gmi.graph.JsonReader;
import org.gmi.graph.Npy;
import org.gmi.graph.Graph;
import org.gmi.graph.SplitFile;
import org.gmi.models.Method;
import org.gmi.models.eval.ProbeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gmi eval}: the linear probe on embeddings saved earlier (any float32/float64 2-D .npy). */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Evaluate saved embeddings with the linear probe.",
                "",
                "Reads a 2-D .npy file (one row per node, float32 or float64). The accuracy",
                "line goes to stdout; --out also writes the result as JSON."},
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 1 anything else."})
final class EvalCommand extends GmiCommand {
    @Option(names = "--embeddings", required = true, paramLabel = "FILE.npy",
            description = "Embeddings to evaluate, e.g. DIR/embeddings.npy from gmi train.")
    Path embeddings;

    @Mixin
    DatasetOptions data;

    @Option(names = "--method", paramLabel = "gmi|dgi", converter = Choices.MethodConverter.class,
            completionCandidates = Choices.MethodCandidates.class,
            description = {"The method that made the embeddings: names them in the output, and --protocol paper follows its "
                    + "paper. Default: the \"method\" of the metrics.json beside the file (a gmi train output folder); "
                    + "without either the result speaks of 'embeddings', and --protocol paper is refused."})
    Method method;

    @Mixin
    ProbeOptions probe;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the classifiers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores, here ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the result as JSON to this file.")
    Path outFile;

    @Option(names = "--force", description = "Replace the --out file if it exists.")
    boolean force;

    @Option(names = "--split", paramLabel = "FILE",
            description = {"Evaluate on the split recorded in this split.json (gmi train writes one beside its embeddings), "
                    + "e.g. an inductive run's, instead of the dataset's: the same train, validation and test nodes."})
    Path splitFile;

    @Override
    protected int run() throws IOException {
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        data.validate();
        probe.validate(spec);
        requireRegularFile("--embeddings", embeddings);
        if (splitFile != null) {
            requireRegularFile("--split", splitFile);
            require(probe.splits == 1, "--split gives one split; drop --splits " + probe.splits);
        }
        if (outFile != null) {
            require(!Files.isDirectory(outFile), "--out: '" + outFile + "' is a folder; give a file name such as eval.json");
            require(force || !Files.exists(outFile), "--out: '" + outFile + "' exists; pass --force to replace it");
            Path parent = outFile.toAbsolutePath().getParent();
            require(parent != null && Files.isDirectory(parent), "--out: folder '" + parent + "' does not exist");
        }
        Method who = method != null ? method : methodBeside(embeddings);
        require(who != null || probe.protocol == Choices.ProtocolChoice.VAL, "--protocol " + probe.protocol.cliName()
                + " follows the paper of the method that made the embeddings: give --method gmi|dgi (no metrics.json beside "
                + embeddings + " names it)");
        String name = who == null ? "embeddings" : who.name();
        Parallel.setThreads(threads);

        Matrix x = Npy.readMatrix(embeddings);
        requireUsableEmbeddings("--embeddings", embeddings, x);
        Graph graph = data.load();
        data.checkSplitFlags(graph, spec, probe.splits);
        if (splitFile != null) {
            try {
                graph = graph.withSplit(SplitFile.read(splitFile, graph));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--split: " + e.getMessage(), e);
            }
        }
        String skip = probe.skipReason(graph);
        require(skip == null, "dataset " + graph.name() + ": nothing to evaluate: " + skip);
        require(x.rows == graph.numNodes(), "--embeddings: '" + embeddings + "' has " + x.rows + " rows but dataset "
                + graph.name() + " has " + graph.numNodes() + " nodes");
        DatasetOptions.printSummary(graph, err());
        err().println("embeddings: " + x.rows + " x " + x.cols + " from " + embeddings);
        ProbeOptions.Evaluation evaluation = probe.evaluate(x, graph, who, seed, data.splitOptions(), err());
        List<ProbeResult> results = evaluation.results();

        if (outFile != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("embeddings", embeddings.toString());
            m.put("method", who == null ? null : who.cliName());
            m.put("dataset", graph.name());
            m.put("dataset_source", data.dataset);
            m.put("nodes", graph.numNodes());
            m.put("dimensions", x.cols);
            m.put("split", TrainCommand.splitJson(graph));
            m.put("seed", seed);
            m.put("config", RunInfo.flags(spec));
            ProbeOptions.putResults(m, evaluation);
            m.putAll(RunInfo.environment());
            try (AtomicOutputs outputs = new AtomicOutputs()) {
                Files.writeString(outputs.temp(outFile), Json.write(m) + "\n");
                outputs.commit();
            }
            err().println("wrote " + outFile);
        }
        for (ProbeResult r : results) {
            out().println(ProbeOptions.accuracyLine(name, graph.name(), r, Main.plusMinus()));
        }
        return ExitCodes.OK;
    }

    /** The method recorded in the metrics.json of the folder holding {@code file}, or null when there is none. */
    static Method methodBeside(Path file) {
        Path metrics = file.toAbsolutePath().resolveSibling("metrics.json");
        if (!Files.isRegularFile(metrics)) {
            return null;
        }
        try {
            Object m = JsonReader.object(Files.readString(metrics)).get("method");
            Object emb = JsonReader.object(Files.readString(metrics)).get("embeddings");
            boolean same = emb instanceof Map<?, ?> e && file.getFileName().toString().equals(e.get("file"));
            return same && m instanceof String s ? new Choices.MethodConverter().convert(s) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
