package org.gmi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gmi.engine.SparseRows;
import org.gmi.engine.Parallel;
import org.gmi.engine.Backend;
import org.gmi.engine.Matrix;
import org.gmi.graph.Npy;
import org.gmi.graph.Graph;
import org.gmi.graph.Json;
import org.gmi.graph.SplitFile;
import org.gmi.graph.NegativeSampler;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.models.Checkpoint;
import org.gmi.models.EncoderFile;
import org.gmi.models.EpochFlop;
import org.gmi.models.EpochSeeds;
import org.gmi.models.GmiVariant;
import org.gmi.models.Inductive;
import org.gmi.models.MemoryEstimate;
import org.gmi.models.Method;
import org.gmi.models.NumericalFailureException;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.TrainState;
import org.gmi.models.Trainer;
import org.gmi.models.eval.ProbeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code gmi train}: learns node embeddings with GMI or DGI, evaluates them with the linear probe and
 * writes {@code DIR/embeddings.npy} and {@code DIR/metrics.json}, both or neither.
 *
 * <p>With {@code --checkpoint-every N} the training state goes to {@code DIR/checkpoint/state.ckpt}
 * every N epochs and when training ends ({@link Checkpoint}); {@code --resume DIR} continues such a
 * run. The checkpoint keeps the run's flags: a resumed run takes every flag it is not given from
 * there, and refuses (exit 2) a flag that changes the training ({@link #TRAINING_FLAGS}) or a
 * dataset whose graph differs. A finished run removes its checkpoint once its outputs are in place.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Train GMI or DGI embeddings, evaluate them, write them to DIR.",
                "",
                "Writes DIR/embeddings.npy (float32, nodes x hidden) and DIR/metrics.json,",
                "both or neither. Progress goes to stderr, the accuracy line to stdout."},
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 3 numerical failure (NaN loss), 1 anything else."})
final class TrainCommand extends GmiCommand {
    private static final TrainConfig DEFAULTS = new TrainConfig();
    /** Flags that change the training's mathematics (or its bits: threads): a resumed run must match the checkpoint. */
    static final List<String> TRAINING_FLAGS = List.of("method", "layers", "hidden", "negatives", "alpha", "beta",
            "gamma", "lr", "epochs", "patience", "seed", "sampler", "reconstruction", "recon_negatives", "variant", "jsd_on",
            "threads", "device", "batch_size", "fanout", "partitions");
    /**
     * Training flags added after checkpoints were first written, with the value every older
     * checkpoint was trained with: such a checkpoint resumes as if it recorded them.
     */
    static final Map<String, String> LATER_TRAINING_FLAGS = Map.of("reconstruction", "exact", "recon_negatives", "5",
            "variant", "mean", "jsd_on", "probabilities", "device", DeviceOptions.CPU, "batch_size", "0");
    /** Flags a resumed run takes from the checkpoint when not given, and may change. */
    static final List<String> CARRIED_FLAGS = List.of("dataset", "train_frac", "val_frac", "split_seed", "checkpoint_every",
            "engine", "master", "force");
    /** The checkpoint's key for the fingerprint of the graph it was trained on. */
    static final String GRAPH_KEY = "graph";
    /** The labels and the split(s) the evaluation used, beside the embeddings (docs/outputs.md). */
    /** The throughput the s/epoch estimate assumes, FLOP per second and thread (measured epoch times: docs/benchmarks.md). */
    static final double ESTIMATE_FLOPS_PER_THREAD = 50e9;

    // required, but checked in run(): --resume DIR takes it from the checkpoint
    @Option(names = "--method", paramLabel = "gmi|dgi", converter = Choices.MethodConverter.class,
            completionCandidates = Choices.MethodCandidates.class,
            description = "gmi (GMI-mean, Peng et al. 2020) or dgi (Deep Graph Infomax, Velickovic et al. 2019).")
    Method method;

    @Mixin
    DatasetOptions data;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output folder (created if needed) for embeddings.npy, encoder.gmi, split.json and metrics.json; "
                    + "with --engine spark also a Hadoop file system URI (hdfs://..., s3a://..., file:...).")
    String outSpec;

    /** The folder the run writes its outputs in: --out, or for a URI --out the driver's local staging folder. */
    private Path out;
    /** --out when it is a Hadoop file system URI (the outputs are published there at the end), else null. */
    private String outUri;

    @Option(names = "--force", description = "Replace embeddings.npy and metrics.json already in DIR (only once the new run has finished).")
    boolean force;

    @Mixin
    ModelOptions model;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum training epochs (default: ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs;

    @Option(names = "--patience", paramLabel = "N", description = "Stop after this many epochs without a lower loss, then restore the best epoch (default: ${DEFAULT-VALUE}).")
    int patience = DEFAULTS.patience;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores, here ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Save the training state to DIR/checkpoint every N epochs and when training ends (default: 0, never); "
                    + "continue an interrupted run with --resume DIR.")
    int checkpointEvery = 0;

    @Option(names = "--resume", paramLabel = "DIR",
            description = {"Continue the run checkpointed in DIR/checkpoint and write its outputs into DIR. Flags left out "
                    + "are taken from the checkpoint; flags that change the training (method, layers, hidden, negatives, "
                    + "alpha, beta, gamma, lr, epochs, patience, seed, sampler, reconstruction, recon-negatives, variant, jsd-on, "
                    + "threads, device, batch-size, fanout, partitions) "
                    + "and the graph must match it."})
    String resumeSpec;

    /** The folder resumed: --resume, or for a URI --resume the local staging folder its checkpoint is fetched into. */
    private Path resume;

    @Option(names = "--engine", paramLabel = "local|spark",
            description = {"Where training runs: local (this JVM, default) or spark (data-parallel minibatch training on "
                    + "Apache Spark: needs --batch-size and a graph converted with 'gmi convert', in a folder every executor "
                    + "reads or at a Hadoop URI such as hdfs://HOST/DIR; see docs/spark.md)."})
    String engine = "local";

    /** --engine spark with a URI for --dataset: the URI (the graph is loaded from the local copy in data.dataset). */
    private String graphUri;

    @Option(names = "--master", paramLabel = "URL",
            description = "--engine spark: the Spark master, local[N] or spark://HOST:PORT (default: spark.master when "
                    + "launched by spark-submit, else local[*]).")
    String master;

    @Option(names = "--partitions", paramLabel = "P",
            description = "--engine spark: Spark tasks per batch, each computing the gradient of 1/P of its seeds "
                    + "(default: Spark's default parallelism, the cores of the executors).")
    int partitions = 0;

    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    ProbeOptions probe;

    @Option(names = "--no-eval", description = "Skip the linear probe; metrics.json then has \"eval\": null.")
    boolean noEval;

    @Option(names = "--inductive", paramLabel = "FRACTION",
            description = {"Train on the subgraph induced by this fraction of the nodes (drawn with --split-seed), then embed "
                    + "the whole graph, the other nodes unseen in training; the probe learns from the seen nodes' train and "
                    + "validation labels and is tested on the unseen nodes' test labels (val protocol, one split)."})
    Double inductive;

    @Override
    protected int run() throws IOException {
        long start = System.nanoTime();
        PrintWriter err = err();

        // 1. every flag, before any data is read (a resumed run's from its checkpoint first)
        Checkpoint.Contents resumed = resumeSpec == null ? null : readCheckpointForResume();
        require(method != null, "missing required option: '--method=gmi|dgi' (see 'gmi train --help')");
        require(out != null || outSpec != null, "missing required option: '--out=DIR' (see 'gmi train --help')");
        if (out == null) {
            if (DatasetOptions.isUri(outSpec)) {
                outUri = outSpec.endsWith("/") ? outSpec.substring(0, outSpec.length() - 1) : outSpec;
            } else {
                out = Path.of(outSpec);
            }
        }
        TrainConfig config = model.config(method, epochs, patience);
        try {
            config.validate();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        require(checkpointEvery >= 0, "--checkpoint-every must be >= 0 (0: no checkpoints), got " + checkpointEvery);
        probe.validate(spec);
        require(engine.equals("local") || engine.equals("spark"), "--engine must be local or spark, got '" + engine + "'");
        boolean onSpark = engine.equals("spark");
        require(outUri == null || onSpark, "--out " + outUri + ": outputs go to a Hadoop file system URI with --engine spark; "
                + "give a folder");
        require(onSpark || (master == null && partitions == 0), "--master and --partitions apply to --engine spark");
        Path graphFolder = null;
        if (onSpark) {
            require(model.batchSize > 0, "--engine spark trains in minibatches: give --batch-size (e.g. 512)");
            require(partitions >= 0, "--partitions must be >= 1 (0: Spark's default parallelism), got " + partitions);
            require(checkpointEvery == 0 || partitions > 0, "--engine spark with --checkpoint-every needs --partitions P: a "
                    + "resumed run must cut its batches into the same P slices, whatever the cluster's parallelism then");
            require(data.dataset != null, "missing required option: '--dataset=NAME|PATH'");
            if (DatasetOptions.isUri(data.dataset)) {
                // the executors copy it from the storage, and so does the driver, which loads it too
                graphUri = data.dataset;
                try {
                    data.dataset = trainingEngine("spark").stage(graphUri, err).toString();
                } catch (IOException | RuntimeException e) {
                    throw new BadInputException("--dataset " + graphUri + ": " + e.getMessage(), e);
                }
                err.println("spark: graph " + graphUri + " copied to " + data.dataset);
            }
            graphFolder = Path.of(data.dataset);
            require(Files.isRegularFile(graphFolder.resolve(org.gmi.graph.BinaryGraph.MANIFEST)), "--engine spark reads the graph "
                    + "from a folder every executor can read, or a Hadoop file system URI: '" + data.dataset + "' is neither; "
                    + "write it with 'gmi convert " + data.dataset + " --out DIR' and pass --dataset DIR");
        }
        data.validate();
        if (inductive != null) {
            require(inductive > 0 && inductive < 1, "--inductive must be a fraction strictly between 0 and 1, got " + inductive);
            require(checkpointEvery == 0 && resume == null, "--inductive: an inductive run has no checkpoints; drop "
                    + "--checkpoint-every and --resume, or --inductive");
            require(noEval || (probe.protocol == Choices.ProtocolChoice.VAL && probe.splits == 1), "--inductive evaluates with "
                    + "the val protocol on one split (the unseen nodes' test labels); drop --protocol and --splits");
        }
        if (!noEval && probe.protocol != Choices.ProtocolChoice.PAPER) {
            require(data.valFrac > 0, "--val-frac 0 leaves no validation nodes for --protocol " + probe.protocol.cliName()
                    + "; use --protocol paper or --no-eval");
        }
        deviceOptions.validate();
        // a URI --out: the driver writes its outputs in a local staging folder, then publishes them there
        // (a resumed one's is the folder its checkpoint was fetched into)
        Path staging = outUri == null ? null : out != null ? out : Files.createTempDirectory("gmi-out-");
        out = staging != null ? staging : out;
        // ... and the executors write the embeddings under a temporary name there
        String remoteEmbeddings = outUri == null ? null
                : outUri + "/" + AtomicOutputs.tempName("embeddings.npy", ProcessHandle.current().pid());
        boolean published = false;
        // --inductive on Spark: the seen nodes' subgraph in the binary layout, in the output folder
        Path inductiveFolder = out.resolve(AtomicOutputs.tempName("inductive-graph", ProcessHandle.current().pid()));
        try {
            Path embeddingsFile = out.resolve("embeddings.npy");
            Path metricsFile = out.resolve("metrics.json");
            Path splitFile = out.resolve(SplitFile.FILE);
            Path encoderFile = out.resolve(EncoderFile.FILE);
            Path checkpointFolder = out.resolve(Checkpoint.FOLDER);
            // the device before any output: a missing one is bad input and leaves nothing behind
            Backend backend = deviceOptions.open();
            model.requireKernels(method, backend);
            // the folder is this run's until it ends: a second run into it stops here, naming this one
            OutputLock lock;
            try {
                lock = OutputLock.acquire(out, resumed != null ? "--resume" : "--out");
            } catch (IOException | RuntimeException e) {
                backend.close();
                throw e;
            }
            try (backend; AtomicOutputs outputs = new AtomicOutputs(lock)) {
                checkEarlierOutputs(List.of(embeddingsFile, encoderFile, splitFile, metricsFile), resumed != null);
                AtomicOutputs.removeStale(out, embeddingsFile.getFileName().toString(), EncoderFile.FILE, SplitFile.FILE,
                        metricsFile.getFileName().toString());
                AtomicOutputs.removeStale(checkpointFolder, Checkpoint.FILE);
                Path embeddingsTemp = outUri == null ? outputs.temp(embeddingsFile) : null;
                String embeddingsTarget = outUri == null ? embeddingsTemp.toString() : remoteEmbeddings;
                Path encoderTemp = outputs.temp(encoderFile);
                Path splitTemp = outputs.temp(splitFile);
                Path metricsTemp = outputs.temp(metricsFile);

                // 2. data
                Parallel.setThreads(threads);
                long t0 = System.nanoTime();
                Graph graph = data.load();
                require(graph.numNodes() >= 2, "dataset '" + data.dataset + "' has " + graph.numNodes()
                        + " node; training needs at least 2 (a node's negatives are other nodes)");
                data.checkSplitFlags(graph, spec, probe.splits);
                // inductive: training sees the subgraph of the seen nodes; the probe's test nodes are unseen
                Graph trainingGraph = graph;
                Graph evaluationGraph = graph;
                Map<String, Object> inductiveJson = null;
                if (inductive != null) {
                    Inductive.Run run;
                    try {
                        run = Inductive.of(graph, inductive, data.splitSeed);
                    } catch (IllegalArgumentException e) {
                        throw new BadInputException(e.getMessage(), e);
                    }
                    trainingGraph = run.training();
                    evaluationGraph = run.evaluation();
                    inductiveJson = run.summary();
                }
                if (!noEval && probe.skipReason(graph) != null) {
                    err.println("note: no evaluation after training: " + probe.skipReason(graph));
                }
                int depth = config.layersFor(graph.name());
                config.layers = depth;
                model.requireFanouts(config, depth);
                String whyReconstruction = model.resolveReconstruction(trainingGraph, method);
                config.reconstruction = model.reconstruction;
                // the graph's fingerprint reads the features on the heap: only a run with checkpoints needs it
                Map<String, String> runConfig = resumed != null || checkpointEvery > 0 ? checkpointConfig(config, graph) : null;
                TrainState startState = resumed == null ? null : checkResumable(resumed, runConfig);
                // the memory guard: before anything big is allocated
                // on Spark the driver holds the parameters and what a step ships; the executors hold the operators
                MemoryEstimate estimate = onSpark ? MemoryEstimate.ofRemoteDriver(trainingGraph, config, Math.max(1, partitions))
                        : MemoryEstimate.of(trainingGraph, config, threads, checkpointEvery > 0);
                checkMemory(estimate, graph);
                DatasetOptions.printSummary(graph, err);
                if (inductiveJson != null) {
                    err.println(Text.fmt("inductive: training on the %d seen nodes (%s of %d, --split-seed %d) and their %d edges; "
                                    + "the probe learns from %d train and %d validation nodes among them and is tested on %d unseen nodes",
                            trainingGraph.numNodes(), Text.fmt("%.3g", inductive), graph.numNodes(), data.splitSeed,
                            trainingGraph.numUndirectedEdges(), evaluationGraph.split().train().length,
                            evaluationGraph.split().val().length, evaluationGraph.split().test().length));
                }
                if (whyReconstruction != null) {
                    err.println(whyReconstruction);
                }
                double loadSeconds = (System.nanoTime() - t0) / 1e9;

                // 3. training
                err.println(Text.fmt("training %s on %s: %s%d hidden, lr %s, up to %d epochs (patience %d), seed %d, %d threads, "
                        + "device %s; about %s of heap needed%s", method.name(), graph.name(),
                        method == Method.GMI ? "GMI-" + model.variant.cliName() + ", " + depth + " layers, " + model.negatives + " "
                                + Choices.samplerName(model.sampler) + " negatives, " + model.reconstructionText() + ", "
                                + (model.jsdOn == JsdMi.Mode.LOGITS ? "JSD on logits, " : "") : depth + (depth == 1 ? " layer, " : " layers, "),
                        model.hidden, Text.sig4(model.lr), epochs, patience, model.seed, threads, backend.name(), MemoryEstimate.size(estimate.bytes()),
                        config.batchSize > 0 ? Text.fmt(", minibatches of %d seed nodes, fan-out %s", config.batchSize,
                                TrainConfig.fanoutText(config.fanoutsFor(depth)))
                        : backend.isCpu() ? Text.fmt(", about %.2g s/epoch (estimated from %s FLOP per epoch at %.0f GFLOP/s per thread)",
                                estimateSeconds(graph, config, depth), Text.flop(EpochFlop.count(graph, config, method, depth).total()),
                                ESTIMATE_FLOPS_PER_THREAD / 1e9) : ""));
                if (startState != null) {
                    err.println(Text.fmt("resuming from %s: %d of %d epochs done%s, best epoch %d (loss %.4f)",
                            Checkpoint.file(checkpointFolder), startState.epochsDone(), epochs,
                            startState.finished() ? " (training finished)" : "", startState.bestEpoch(), startState.bestLoss()));
                }
                err.flush();
                PeakMemory memory = new PeakMemory();
                ProgressPrinter progress = new ProgressPrinter(err, stderrIsTerminal(), memory);
                int[] lastCheckpoint = {startState == null ? 0 : startState.epochsDone()};
                Trainer.Checkpointing checkpoints = new Trainer.Checkpointing(checkpointEvery, state -> {
                    Checkpoint.write(checkpointFolder, runConfig, state);
                    if (outUri != null) {
                        // where a driver started anywhere resumes it from
                        trainingEngine("spark").publish(outUri + "/" + Checkpoint.FOLDER, List.of(Checkpoint.FILE),
                                Map.of(Checkpoint.FILE, Checkpoint.file(checkpointFolder)), Map.of());
                    }
                    lastCheckpoint[0] = state.epochsDone();
                }, startState);
                t0 = System.nanoTime();
                TrainResult result;
                String graphLocation = onSpark ? (graphUri != null ? graphUri : graphFolder.toString()) : null;
                String trainingLocation = graphLocation;
                if (onSpark && inductiveJson != null) {
                    // the executors read the seen nodes' subgraph: written beside the outputs, where they all read
                    trainingLocation = writeForExecutors(trainingGraph, inductiveFolder);
                }
                try {
                    result = onSpark ? trainingEngine("spark").train(trainingLocation, trainingGraph, graphLocation, graph, config,
                            master, partitions, threads, progress, checkpoints, embeddingsTarget, !noEval, err)
                            : Trainer.train(trainingGraph, config, progress, checkpoints, backend);
                } catch (NumericalFailureException e) {
                    String kept = lastCheckpoint[0] > 0
                            ? "; the last good checkpoint (epoch " + lastCheckpoint[0] + ") is kept in "
                            + (outUri != null ? outUri + "/" + Checkpoint.FOLDER : checkpointFolder)
                            : checkpointEvery > 0 ? "; no checkpoint had been written yet" : "";
                    throw e.withNote(kept);
                } catch (EngineFailureException e) {
                    String where = outUri != null ? outUri : out.toString();
                    throw e.withNote(lastCheckpoint[0] > 0 ? "; the checkpoint of epoch " + lastCheckpoint[0] + " is kept: "
                            + "continue with --resume " + where : "");
                } finally {
                    progress.finish();
                }
                double trainSeconds = (System.nanoTime() - t0) / 1e9;
                double medianEpoch = RunInfo.median(result.epochSeconds());
                err.println(Text.fmt("trained %d epochs%s in %s (%s s/epoch median); best epoch %d, loss %.4f",
                        result.epochsRun(), result.epochsRun() < epochs ? " (stopped early)" : "", Text.duration(trainSeconds),
                        Text.fmt("%.3g", medianEpoch), result.bestEpoch(), result.loss()[result.bestEpoch() - 1]));
                Matrix embeddings = result.embeddings();
                if (inductiveJson != null && !onSpark) {
                    // the whole graph, the unseen nodes with it, through the encoder trained on the seen ones (a Spark
                    // run's executors have embedded it)
                    embeddings = result.encoder().embed(graph);
                }
                if (!onSpark) {
                    // a Spark run's executors have written it
                    Npy.writeMatrix(embeddingsTemp, embeddings);
                }
                EncoderFile.writeFile(encoderTemp, result.encoder().withInfo(encoderInfo(trainingGraph)));

                // 4. evaluation
                t0 = System.nanoTime();
                ProbeOptions.Evaluation evaluation = noEval ? ProbeOptions.Evaluation.none("--no-eval")
                        : probe.evaluate(embeddings, evaluationGraph, method, model.seed, data.splitOptions(), err);
                List<ProbeResult> evals = evaluation.results();
                double evalSeconds = (System.nanoTime() - t0) / 1e9;

                // 5. metrics.json, then both files into place
                PeakMemory.Reading peak = memory.read();
                TrainingMetrics metrics = new TrainingMetrics(config, graph, graphUri != null ? graphUri : data.dataset, threads,
                        backend.name(),
                        DeviceOptions.peakMib(backend), RunInfo.flags(spec), result,
                        new TrainingMetrics.Timings(loadSeconds, trainSeconds, evalSeconds, (System.nanoTime() - start) / 1e9),
                        peak, estimate.mib(), startState == null ? null : startState.epochsDone(), inductiveJson, evaluation,
                        RunInfo.environment());
                Files.writeString(splitTemp, Json.write(SplitFile.of(evaluationGraph, evaluation.splits())) + "\n");
                Files.writeString(metricsTemp, Json.write(metrics.toJson()) + "\n");
                outputs.commit();
                removeCheckpoint(checkpointFolder);
                String shownEmbeddings = embeddingsFile.toString();
                if (outUri != null) {
                    trainingEngine("spark").publish(outUri, List.of(embeddingsFile.getFileName().toString(), EncoderFile.FILE,
                                    SplitFile.FILE, metricsFile.getFileName().toString()),
                            Map.of(EncoderFile.FILE, encoderFile, SplitFile.FILE, splitFile, metricsFile.getFileName().toString(),
                                    metricsFile),
                            Map.of(embeddingsFile.getFileName().toString(), embeddingsTarget));
                    published = true;
                    discardQuietly(outUri + "/" + Checkpoint.FOLDER);
                    shownEmbeddings = outUri + "/" + embeddingsFile.getFileName();
                    err.println("wrote " + shownEmbeddings + ", " + EncoderFile.FILE + ", " + SplitFile.FILE + " and "
                            + metricsFile.getFileName() + " (published from " + out + ")");
                } else {
                    err.println("wrote " + embeddingsFile + ", " + encoderFile + ", " + splitFile + " and " + metricsFile);
                }
                if (evals.isEmpty()) {
                    out().println(method.name() + " on " + graph.name() + ": embeddings written to " + shownEmbeddings + " (no evaluation"
                            + (noEval ? "" : ": " + evaluation.skipped()) + ")");
                }
                for (ProbeResult r : evals) {
                    out().println(ProbeOptions.accuracyLine(method.name(), graph.name(), r, Main.plusMinus()));
                }
                return ExitCodes.OK;
            }
        } finally {
            if (Files.exists(inductiveFolder)) {
                DatasetsExportCommand.deleteTree(inductiveFolder);
                if (outUri != null) {
                    discardQuietly(outUri + "/" + inductiveFolder.getFileName());
                }
            }
            if (staging != null) {
                if (!published) {
                    discardQuietly(remoteEmbeddings);
                }
                DatasetsExportCommand.deleteTree(staging);
            }
        }
    }

    /**
     * Writes {@code g} in the binary layout into {@code folder}, graph.json last, and returns where the
     * executors read it: the folder (beside a folder's outputs, on the shared storage they write), or
     * for a URI --out its copy published beside the outputs there.
     */
    private String writeForExecutors(Graph g, Path folder) throws IOException {
        Files.createDirectories(folder);
        org.gmi.graph.BinaryGraph.write(g, folder::resolve);
        if (outUri == null) {
            return folder.toString();
        }
        String uri = outUri + "/" + folder.getFileName();
        List<String> names = org.gmi.graph.BinaryGraph.files(g);
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        for (String n : names) {
            files.put(n, folder.resolve(n));
        }
        trainingEngine("spark").publish(uri, names, files, Map.of());
        return uri;
    }

    /** Deletes a temporary output the executors wrote to a URI, for a run that failed (best effort). */
    private static void discardQuietly(String uri) {
        try {
            trainingEngine("spark").discard(uri);
        } catch (IOException | RuntimeException e) {
            // the run's own failure is what the user needs to see; a leftover temporary name is harmless
        }
    }

    /** The engine of that name on the class path (gmi-spark's "spark"). */
    private static TrainingEngine trainingEngine(String name) {
        for (TrainingEngine e : java.util.ServiceLoader.load(TrainingEngine.class)) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new BadInputException("--engine " + name + ": gmi-" + name + " is not on the class path; ./gmi adds it when "
                + "--engine " + name + " is given (or run the gmi-" + name + " jar with spark-submit)");
    }

    /**
     * --resume DIR: reads DIR/checkpoint, then fills every flag of {@link #TRAINING_FLAGS} and
     * {@link #CARRIED_FLAGS} not given on the command line from it (those given are checked against
     * it once the graph is loaded, in {@link #checkResumable}).
     */
    private Checkpoint.Contents readCheckpointForResume() {
        if (DatasetOptions.isUri(resumeSpec)) {
            // a run whose outputs go to a Hadoop file system: its checkpoint is fetched into a staging folder
            String uri = resumeSpec.endsWith("/") ? resumeSpec.substring(0, resumeSpec.length() - 1) : resumeSpec;
            require(outSpec == null || outSpec.equals(uri) || outSpec.equals(uri + "/"), "--resume writes into the folder it "
                    + "resumes; --out '" + outSpec + "' differs from --resume '" + resumeSpec + "' (leave --out out)");
            outUri = uri;
            String remote = uri + "/" + Checkpoint.FOLDER + "/" + Checkpoint.FILE;
            try {
                resume = Files.createTempDirectory("gmi-out-");
                require(!trainingEngine("spark").existingOutputs(uri, List.of(Checkpoint.FOLDER + "/" + Checkpoint.FILE)).isEmpty(),
                        "--resume: no checkpoint at " + remote + " (only a run with --checkpoint-every N leaves one)");
                trainingEngine("spark").fetch(remote, Checkpoint.file(resume.resolve(Checkpoint.FOLDER)));
            } catch (IOException e) {
                throw new BadInputException("--resume: cannot read " + remote + " (" + e.getMessage() + ")", e);
            }
        } else {
            resume = Path.of(resumeSpec);
            require(Files.isDirectory(resume), "--resume: '" + resume + "' is not a folder");
            require(outSpec == null || (!DatasetOptions.isUri(outSpec) && Path.of(outSpec).toAbsolutePath().normalize()
                            .equals(resume.toAbsolutePath().normalize())),
                    "--resume writes into the folder it resumes; --out '" + outSpec + "' differs from --resume '" + resume
                            + "' (leave --out out)");
        }
        out = resume;
        Path folder = resume.resolve(Checkpoint.FOLDER);
        require(Files.exists(Checkpoint.file(folder)) || Files.isSymbolicLink(Checkpoint.file(folder)), "--resume: no checkpoint in '" + resume + "' ("
                + Checkpoint.file(folder) + " does not exist; only a run with --checkpoint-every N leaves one)");
        Checkpoint.Contents c = Checkpoint.read(folder);
        var parsed = spec.commandLine().getParseResult();
        for (String key : concat(TRAINING_FLAGS, CARRIED_FLAGS)) {
            String saved = key.equals("dataset") ? c.config().get("dataset_path") : c.config().get(key);
            OptionSpec o = spec.findOption("--" + key.replace('_', '-'));
            if (saved == null || o == null || parsed.hasMatchedOption(o)) {
                continue;
            }
            try {
                o.setValue(parseValue(o, saved));
            } catch (RuntimeException e) {
                throw new BadInputException("--resume: checkpoint " + Checkpoint.file(folder) + " holds " + key + " = '"
                        + saved + "', which is not a valid --" + key.replace('_', '-'), e);
            }
        }
        return c;
    }

    /**
     * The state to resume from, after checking the run against the checkpoint: every training flag
     * and the graph's fingerprint must be the same.
     */
    private TrainState checkResumable(Checkpoint.Contents c, Map<String, String> runConfig) {
        Map<String, String> savedTraining = new LinkedHashMap<>();
        Map<String, String> nowTraining = new LinkedHashMap<>();
        for (String key : concat(TRAINING_FLAGS, List.of(GRAPH_KEY))) {
            if (c.config().containsKey(key)) {
                savedTraining.put(key, c.config().get(key));
            } else if (LATER_TRAINING_FLAGS.containsKey(key)) {
                savedTraining.put(key, LATER_TRAINING_FLAGS.get(key));
            }
            nowTraining.put(key, runConfig.get(key));
        }
        List<String> differ = Checkpoint.differingKeys(savedTraining, nowTraining);
        if (!differ.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (String key : differ) {
                String flag = key.equals(GRAPH_KEY) ? "the graph of --dataset" : "--" + key.replace('_', '-');
                parts.add(flag + " " + nowTraining.get(key) + " (checkpoint: " + savedTraining.get(key) + ")");
            }
            throw new BadInputException("--resume: this run differs from the checkpoint in " + resume + " in what the "
                    + "training computes: " + String.join(", ", parts) + "; leave these flags out to take the checkpoint's, "
                    + "or start a new run in another folder");
        }
        return c.state();
    }

    /** What a checkpoint records about the run: the training flags, the carried flags and the graph's fingerprint. */
    private Map<String, String> checkpointConfig(TrainConfig config, Graph graph) {
        Map<String, String> m = new LinkedHashMap<>(config.describe());
        m.put("threads", Integer.toString(threads));
        m.put("device", deviceOptions.device);
        m.put(GRAPH_KEY, fingerprint(graph));
        m.put("dataset", graphUri != null ? graphUri : data.dataset);
        m.put("dataset_path", graphUri != null ? graphUri : DatasetOptions.isName(data.dataset) ? data.dataset
                : Path.of(data.dataset).toAbsolutePath().normalize().toString());
        m.put("train_frac", Double.toString(data.trainFrac));
        m.put("val_frac", Double.toString(data.valFrac));
        m.put("split_seed", Long.toString(data.splitSeed));
        m.put("checkpoint_every", Integer.toString(checkpointEvery));
        // a run started with --force replaces the earlier outputs when it ends, resumed or not
        m.put("force", Boolean.toString(force));
        m.putIfAbsent("batch_size", "0");
        m.put("engine", engine);
        if (engine.equals("spark")) {
            m.put("partitions", Integer.toString(partitions));
            if (master != null) {
                m.put("master", master);
            }
        }
        return m;
    }

    /** Seconds per CPU epoch from the FLOP count at {@link #ESTIMATE_FLOPS_PER_THREAD} per thread (a rough guide). */
    private double estimateSeconds(Graph graph, TrainConfig config, int depth) {
        int used = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
        return EpochFlop.count(graph, config, method, depth).total() / (ESTIMATE_FLOPS_PER_THREAD * used);
    }

    /** Stops the run (exit 2) when the estimate exceeds the heap this JVM may use, saying what to change. */
    private void checkMemory(MemoryEstimate estimate, Graph graph) {
        long limit = Runtime.getRuntime().maxMemory();
        if (limit == Long.MAX_VALUE || estimate.bytes() <= limit) {
            return;
        }
        long suggestGib = Math.max(1, (long) Math.ceil(estimate.bytes() * 1.25 / (1L << 30)));
        String sampled = spec.findOption("--reconstruction") != null && method == Method.GMI
                && model.reconstruction == ReconstructionMode.EXACT && model.gamma > 0 && model.batchSize == 0
                ? ", use --reconstruction sampled (no per-thread N x d buffers)" : "";
        throw new BadInputException("not enough memory: this run needs about " + MemoryEstimate.size(estimate.bytes())
                + " of Java heap, more than the " + MemoryEstimate.size(limit) + " this JVM may use (" + estimate.breakdown()
                + "); use a smaller --hidden (now " + model.hidden + "; the " + graph.numNodes() + " x d buffers and the d x d and "
                + graph.numFeatures() + " x d parameters shrink with it)" + sampled + ", or give Java more heap: GMI_XMX=" + suggestGib
                + "g ./gmi ... (java -Xmx" + suggestGib + "g)");
    }

    /**
     * A fingerprint of the graph a run trains on: sizes and a SplitMix64-chained hash of the CSR
     * arrays of A and X (structure and values), so a resumed run notices another or an edited dataset.
     */
    static String fingerprint(Graph g) {
        long h = 0;
        // read row by row where they are, so a mapped graph is not copied onto the heap
        for (SparseRows m : List.of(g.adjacencyRows(), g.featureRows())) {
            h = EpochSeeds.mix64(h ^ m.rows()) + EpochSeeds.GOLDEN;
            h = EpochSeeds.mix64(h ^ m.cols()) + EpochSeeds.GOLDEN;
            for (int i = 0; i <= m.rows(); i++) {
                h = EpochSeeds.mix64(h ^ m.rowStart(i)) + EpochSeeds.GOLDEN;
            }
            for (long k = 0; k < m.entries(); k++) {
                h = EpochSeeds.mix64(h ^ m.column(k)) + EpochSeeds.GOLDEN;
            }
            for (long k = 0; k < m.entries(); k++) {
                h = EpochSeeds.mix64(h ^ Float.floatToIntBits(m.value(k))) + EpochSeeds.GOLDEN;
            }
        }
        return String.format(Locale.ROOT, "%d nodes, %d features, %d + %d entries, %016x", g.numNodes(), g.numFeatures(),
                g.adjacencyRows().entries(), g.featureRows().entries(), h);
    }

    /** Removes DIR/checkpoint once the run's outputs are in place (best effort: a leftover is harmless). */
    private static void removeCheckpoint(Path folder) {
        try {
            Files.deleteIfExists(Checkpoint.file(folder));
            Files.deleteIfExists(folder);
        } catch (IOException ignored) {
            // a folder that still holds something else stays
        }
    }

    private static Object parseValue(OptionSpec o, String s) {
        Class<?> t = o.type();
        if (t == int.class || t == Integer.class) {
            return Integer.parseInt(s);
        }
        if (t == long.class || t == Long.class) {
            return Long.parseLong(s);
        }
        if (t == int[].class) {
            return java.util.Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
        }
        if (t == double.class || t == Double.class) {
            return Double.parseDouble(s);
        }
        if (t == boolean.class || t == Boolean.class) {
            return Boolean.parseBoolean(s);
        }
        if (t == Method.class) {
            return new Choices.MethodConverter().convert(s);
        }
        if (t == NegativeSampler.Mode.class) {
            return new Choices.SamplerConverter().convert(s);
        }
        if (t == Choices.ReconstructionChoice.class) {
            return new Choices.ReconstructionChoiceConverter().convert(s);
        }
        if (t == GmiVariant.class) {
            return new Choices.VariantConverter().convert(s);
        }
        if (t == JsdMi.Mode.class) {
            return new Choices.JsdOnConverter().convert(s);
        }
        if (t == String.class) {
            return s;
        }
        throw new IllegalStateException("no conversion for " + o.longestName() + " of type " + t.getName());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Refuses (without --force) outputs or the checkpoint of an earlier run in DIR; called while DIR is locked. */
    private void checkEarlierOutputs(List<Path> outputFiles, boolean resuming) {
        if (!force) {
            List<String> existing = new ArrayList<>();
            boolean remoteCheckpoint = false;
            if (outUri != null) {
                // the outputs and the checkpoint, asked together
                String checkpoint = Checkpoint.FOLDER + "/" + Checkpoint.FILE;
                List<String> names = new ArrayList<>(outputFiles.stream().map(p -> p.getFileName().toString()).toList());
                names.add(checkpoint);
                try {
                    existing = new ArrayList<>(trainingEngine("spark").existingOutputs(outUri, names));
                    remoteCheckpoint = existing.remove(checkpoint);
                } catch (IOException | RuntimeException e) {
                    throw new BadInputException("--out " + outUri + ": cannot list it (" + e.getMessage() + ")", e);
                }
            }
            for (Path p : outputFiles) {
                if (Files.exists(p)) {
                    existing.add(p.getFileName().toString());
                }
            }
            require(existing.isEmpty(), "--out: '" + (outUri != null ? outUri : out) + "' already holds " + String.join(" and ", existing)
                    + " from an earlier run" + (resuming ? ", which finished" : "")
                    + "; pass --force to replace them or choose another --out");
            Object where = outUri != null ? outUri : out;
            require(resuming || !(remoteCheckpoint || Files.exists(Checkpoint.file(out.resolve(Checkpoint.FOLDER)))), "--out: '"
                    + where + "' holds the checkpoint of an interrupted run; continue it with --resume " + where
                    + ", or pass --force to start afresh");
        }
    }

    /** What encoder.gmi records beyond the encoder itself: where and how it was trained. */
    private Map<String, String> encoderInfo(Graph graph) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("trained_on", graph.name());
        m.put("dataset", data.dataset);
        m.put("nodes", Integer.toString(graph.numNodes()));
        m.put("seed", Long.toString(model.seed));
        if (method == Method.GMI) {
            m.put("variant", model.variant.cliName());
        }
        m.put("gmi_version", RunInfo.version());
        return m;
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
