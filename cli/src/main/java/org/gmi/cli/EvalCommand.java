package org.gmi.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
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

    @Option(names = "--method", paramLabel = "gmi|dgi", defaultValue = "gmi", converter = Choices.MethodConverter.class,
            completionCandidates = Choices.MethodCandidates.class,
            description = "Whose paper protocol --protocol paper follows (default: ${DEFAULT-VALUE}).")
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

    @Override
    protected int run() throws IOException {
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        data.validate();
        probe.validate();
        requireRegularFile("--embeddings", embeddings);
        if (outFile != null) {
            require(!Files.isDirectory(outFile), "--out: '" + outFile + "' is a folder; give a file name such as eval.json");
            require(force || !Files.exists(outFile), "--out: '" + outFile + "' exists; pass --force to replace it");
            Path parent = outFile.toAbsolutePath().getParent();
            require(parent != null && Files.isDirectory(parent), "--out: folder '" + parent + "' does not exist");
        }
        Parallel.setThreads(threads);

        Matrix x = NpyReader.read(embeddings);
        requireUsableEmbeddings("--embeddings", embeddings, x);
        Graph graph = data.load();
        require(x.rows == graph.numNodes(), "--embeddings: '" + embeddings + "' has " + x.rows + " rows but dataset "
                + graph.name() + " has " + graph.numNodes() + " nodes");
        DatasetOptions.printSummary(graph, err());
        err().println("embeddings: " + x.rows + " x " + x.cols + " from " + embeddings);
        List<ProbeResult> results = probe.evaluate(x, graph, method, seed, err());

        if (outFile != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("embeddings", embeddings.toString());
            m.put("method", method.cliName());
            m.put("dataset", graph.name());
            m.put("dataset_source", data.dataset);
            m.put("nodes", graph.numNodes());
            m.put("dimensions", x.cols);
            m.put("split", TrainCommand.splitJson(graph));
            m.put("seed", seed);
            m.put("config", RunInfo.flags(spec));
            ProbeOptions.putResults(m, results);
            m.putAll(RunInfo.environment());
            try (AtomicOutputs outputs = new AtomicOutputs()) {
                Files.writeString(outputs.temp(outFile), Json.write(m) + "\n");
                outputs.commit();
            }
            err().println("wrote " + outFile);
        }
        for (ProbeResult r : results) {
            out().println(ProbeOptions.accuracyLine(method, graph.name(), r, Main.plusMinus()));
        }
        return ExitCodes.OK;
    }
}
