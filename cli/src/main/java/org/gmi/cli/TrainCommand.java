package org.gmi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.models.Method;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.Trainer;
import org.gmi.models.eval.ProbeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gmi train}: learns node embeddings with GMI or DGI, evaluates them with the linear probe and
 * writes {@code DIR/embeddings.npy} and {@code DIR/metrics.json}, both or neither.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Train GMI or DGI embeddings, evaluate them, write them to DIR.",
                "",
                "Writes DIR/embeddings.npy (float32, nodes x hidden) and DIR/metrics.json,",
                "both or neither. Progress goes to stderr, the accuracy line to stdout."},
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 3 numerical failure (NaN loss), 1 anything else."})
final class TrainCommand extends GmiCommand {
    private static final TrainConfig DEFAULTS = new TrainConfig();

    @Option(names = "--method", required = true, paramLabel = "gmi|dgi", converter = Choices.MethodConverter.class,
            completionCandidates = Choices.MethodCandidates.class,
            description = "gmi (GMI-mean, Peng et al. 2020) or dgi (Deep Graph Infomax, Velickovic et al. 2019).")
    Method method;

    @Mixin
    DatasetOptions data;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (created if needed) for embeddings.npy and metrics.json.")
    Path out;

    @Option(names = "--force", description = "Replace embeddings.npy and metrics.json already in DIR (only once the new run has finished).")
    boolean force;

    @Option(names = "--layers", paramLabel = "N",
            description = "GCN encoder layers for GMI, 1 or 2 (default: 2 for Cora, 1 otherwise, as the papers).")
    int layers = DEFAULTS.layers;

    @Option(names = "--hidden", paramLabel = "N", description = "Embedding dimensions (default: ${DEFAULT-VALUE}).")
    int hidden = DEFAULTS.hidden;

    @Option(names = "--negatives", paramLabel = "K", description = "Negative samples per node for each GMI discriminator (default: ${DEFAULT-VALUE}).")
    int negatives = DEFAULTS.negatives;

    @Option(names = "--alpha", paramLabel = "W", description = "GMI weight of the feature MI term (default: ${DEFAULT-VALUE}).")
    double alpha = DEFAULTS.alpha;

    @Option(names = "--beta", paramLabel = "W", description = "GMI weight of the neighbour MI term (default: ${DEFAULT-VALUE}).")
    double beta = DEFAULTS.beta;

    @Option(names = "--gamma", paramLabel = "W", description = "GMI weight of the adjacency reconstruction term (default: ${DEFAULT-VALUE}).")
    double gamma = DEFAULTS.gamma;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr = DEFAULTS.lr;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum training epochs (default: ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs;

    @Option(names = "--patience", paramLabel = "N", description = "Stop after this many epochs without a lower loss, then restore the best epoch (default: ${DEFAULT-VALUE}).")
    int patience = DEFAULTS.patience;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation, negative sampling and the probe (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores, here ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Mixin
    ProbeOptions probe;

    @Option(names = "--no-eval", description = "Skip the linear probe; metrics.json then has \"eval\": null.")
    boolean noEval;

    @Override
    protected int run() throws IOException {
        long start = System.nanoTime();
        PrintWriter err = err();

        // 1. every flag, before any data is read
        TrainConfig config = config();
        try {
            config.validate();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        data.validate();
        probe.validate();
        if (!noEval && probe.protocol != Choices.ProtocolChoice.PAPER) {
            require(data.valFrac > 0, "--val-frac 0 leaves no validation nodes for --protocol " + probe.protocol.cliName()
                    + "; use --protocol paper or --no-eval");
        }
        Path embeddingsFile = out.resolve("embeddings.npy");
        Path metricsFile = out.resolve("metrics.json");
        boolean createdOut = prepareOutputFolder(embeddingsFile, metricsFile);

        try (AtomicOutputs outputs = new AtomicOutputs(createdOut ? out : null)) {
            Path embeddingsTemp = outputs.temp(embeddingsFile);
            Path metricsTemp = outputs.temp(metricsFile);

            // 2. data
            Parallel.setThreads(threads);
            long t0 = System.nanoTime();
            Graph graph = data.load();
            DatasetOptions.printSummary(graph, err);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            int depth = config.layersFor(graph.name());
            config.layers = depth;

            // 3. training
            err.println(Text.fmt("training %s on %s: %s%d hidden, lr %s, up to %d epochs (patience %d), seed %d, %d threads",
                    method.name(), graph.name(), method == Method.GMI ? depth + " layers, " + negatives + " negatives, " : "",
                    hidden, Text.sig4(lr), epochs, patience, seed, threads));
            err.flush();
            PeakMemory memory = new PeakMemory();
            ProgressPrinter progress = new ProgressPrinter(err, stderrIsTerminal(), memory);
            t0 = System.nanoTime();
            TrainResult result;
            try {
                result = Trainer.train(graph, config, progress);
            } finally {
                progress.finish();
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            double medianEpoch = RunInfo.median(result.epochSeconds());
            err.println(Text.fmt("trained %d epochs%s in %s (%s s/epoch median); best epoch %d, loss %.4f",
                    result.epochsRun(), result.epochsRun() < epochs ? " (stopped early)" : "", Text.duration(trainSeconds),
                    Text.fmt("%.3g", medianEpoch), result.bestEpoch(), result.loss()[result.bestEpoch() - 1]));
            NpyWriter.write(embeddingsTemp, result.embeddings());

            // 4. evaluation
            t0 = System.nanoTime();
            List<ProbeResult> evals = noEval ? List.of() : probe.evaluate(result.embeddings(), graph, method, seed, err);
            double evalSeconds = (System.nanoTime() - t0) / 1e9;

            // 5. metrics.json, then both files into place
            PeakMemory.Reading peak = memory.read();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method.cliName());
            m.put("dataset", graph.name());
            m.put("dataset_source", data.dataset);
            m.put("nodes", graph.numNodes());
            m.put("edges", graph.numUndirectedEdges());
            m.put("features", graph.numFeatures());
            m.put("classes", graph.numClasses());
            m.put("split", splitJson(graph));
            m.put("layers", method == Method.GMI ? depth : 1);
            m.put("hidden", hidden);
            m.put("seed", seed);
            m.put("threads", threads);
            m.put("config", RunInfo.flags(spec));
            m.put("epochs_run", result.epochsRun());
            m.put("best_epoch", result.bestEpoch());
            m.put("seconds_per_epoch", medianEpoch);
            m.put("load_seconds", loadSeconds);
            m.put("train_seconds", trainSeconds);
            m.put("eval_seconds", evalSeconds);
            m.put("total_seconds", (System.nanoTime() - start) / 1e9);
            m.put("peak_rss_mib", peak.mib());
            m.put("peak_rss_source", peak.source());
            m.put("loss", result.loss());
            m.put("terms", result.terms());
            m.put("epoch_seconds", result.epochSeconds());
            ProbeOptions.putResults(m, evals);
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("file", "embeddings.npy");
            file.put("dtype", "float32");
            file.put("shape", List.of(result.embeddings().rows, result.embeddings().cols));
            m.put("embeddings", file);
            m.putAll(RunInfo.environment());
            Files.writeString(metricsTemp, Json.write(m) + "\n");
            outputs.commit();

            err.println("wrote " + embeddingsFile + " and " + metricsFile);
            if (evals.isEmpty()) {
                out().println(method.name() + " on " + graph.name() + ": embeddings written to " + embeddingsFile + " (no evaluation)");
            }
            for (ProbeResult r : evals) {
                out().println(ProbeOptions.accuracyLine(method, graph.name(), r, Main.plusMinus()));
            }
            return ExitCodes.OK;
        }
    }

    private TrainConfig config() {
        TrainConfig c = new TrainConfig();
        c.method = method;
        c.layers = layers;
        c.hidden = hidden;
        c.negatives = negatives;
        c.alpha = alpha;
        c.beta = beta;
        c.gamma = gamma;
        c.lr = lr;
        c.epochs = epochs;
        c.patience = patience;
        c.seed = seed;
        return c;
    }

    /** Checks DIR and creates it if needed; returns whether it was created here. */
    private boolean prepareOutputFolder(Path embeddingsFile, Path metricsFile) throws IOException {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException("--out: '" + out + "' exists and is not a folder");
        }
        if (!force) {
            List<String> existing = new ArrayList<>();
            for (Path p : List.of(embeddingsFile, metricsFile)) {
                if (Files.exists(p)) {
                    existing.add(p.getFileName().toString());
                }
            }
            require(existing.isEmpty(), "--out: '" + out + "' already holds " + String.join(" and ", existing)
                    + " from an earlier run; pass --force to replace them or choose another --out");
        }
        boolean created = false;
        if (!Files.isDirectory(out)) {
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new BadInputException("--out: cannot create folder '" + out + "' (" + ExitCodes.messageFor(e) + ")", e);
            }
            created = true;
        }
        require(Files.isWritable(out), "--out: folder '" + out + "' is not writable");
        return created;
    }

    static Map<String, Object> splitJson(Graph g) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", g.split().kind());
        s.put("train", g.split().train().length);
        s.put("val", g.split().val().length);
        s.put("test", g.split().test().length);
        return s;
    }
}
