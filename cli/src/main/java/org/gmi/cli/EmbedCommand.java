package org.gmi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.Matrix;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.Json;
import org.gmi.graph.Npy;
import org.gmi.graph.SplitOptions;
import org.gmi.models.EncoderFile;
import org.gmi.models.SavedEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gmi embed}: a saved encoder ({@code encoder.gmi} from gmi train) applied to any graph with
 * the same feature dimension; writes {@code DIR/embeddings.npy} and {@code DIR/embed.json}, both or
 * neither. On the graph it was trained on, with the same thread count, it reproduces that run's
 * {@code embeddings.npy} bit for bit.
 */
@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Embed a graph with a trained encoder (DIR/encoder.gmi of gmi train).",
                "",
                "The graph needs the feature columns the encoder was trained on; its nodes and",
                "edges may be new. Writes DIR/embeddings.npy (float32, nodes x hidden) and",
                "DIR/embed.json (what was embedded with which encoder), both or neither."},
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 1 anything else.",
                "",
                "Example:",
                "  gmi train --method gmi --dataset cora --out runs/cora",
                "  gmi embed --model runs/cora/encoder.gmi --dataset my-graph/ --out runs/my-graph"})
final class EmbedCommand extends GmiCommand {
    static final String METADATA_FILE = "embed.json";

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The trained encoder: DIR/encoder.gmi written by gmi train.")
    Path model;

    @Option(names = "--dataset", required = true, paramLabel = "NAME|PATH",
            description = {"The graph to embed: a bundled or downloadable name, a Planetoid folder, a .npz file or a "
                    + "plain folder (edges.csv, features.csv; labels.csv is not needed), as gmi train reads it."})
    String dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (created if needed) for embeddings.npy and embed.json.")
    Path out;

    @Option(names = "--force", description = "Replace embeddings.npy and embed.json already in DIR.")
    boolean force;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores, here ${DEFAULT-VALUE}); "
            + "the training's thread count reproduces its embeddings bit for bit.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    protected int run() throws IOException {
        long start = System.nanoTime();
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        requireRegularFile("--model", model);
        // the encoder and the graph before any output: either one unusable leaves nothing behind
        SavedEncoder encoder = EncoderFile.read(model);
        PrintWriter err = err();
        Parallel.setThreads(threads);
        Graph graph = DatasetOptions.load(dataset, SplitOptions.DEFAULT);
        require(graph.numFeatures() == encoder.features(), "--dataset: " + graph.name() + " has " + graph.numFeatures()
                + " feature columns, but the encoder " + model + " was trained on " + encoder.features()
                + " (" + encoder.info().getOrDefault("trained_on", "its training graph")
                + "); embed a graph whose features have the same columns");
        DatasetOptions.printSummary(graph, err);
        err.println("encoder: " + describe(encoder) + " from " + model);
        err.flush();

        Path embeddingsFile = out.resolve("embeddings.npy");
        Path metadataFile = out.resolve(METADATA_FILE);
        OutputLock lock = OutputLock.acquire(out, "--out");
        try (AtomicOutputs outputs = new AtomicOutputs(lock)) {
            requireNoEarlierOutputs(out, force, List.of(embeddingsFile, metadataFile));
            AtomicOutputs.removeStale(out, embeddingsFile.getFileName().toString(), METADATA_FILE);
            Path embeddingsTemp = outputs.temp(embeddingsFile);
            Path metadataTemp = outputs.temp(metadataFile);
            long t0 = System.nanoTime();
            Matrix h = encoder.embed(graph);
            double embedSeconds = (System.nanoTime() - t0) / 1e9;
            Npy.writeMatrix(embeddingsTemp, h);

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("encoder", new LinkedHashMap<String, Object>(encoder.info()));
            m.put("dataset", graph.name());
            m.put("dataset_source", dataset);
            m.put("nodes", graph.numNodes());
            m.put("edges", graph.numUndirectedEdges());
            m.put("features", graph.numFeatures());
            m.put("threads", threads);
            m.put("embed_seconds", embedSeconds);
            m.put("total_seconds", (System.nanoTime() - start) / 1e9);
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("file", embeddingsFile.getFileName().toString());
            file.put("dtype", "float32");
            file.put("shape", List.of(h.rows, h.cols));
            m.put("embeddings", file);
            m.putAll(RunInfo.environment());
            Files.writeString(metadataTemp, Json.write(m) + "\n");
            outputs.commit();
            err.println("wrote " + embeddingsFile + " and " + metadataFile);
            out().println(Text.fmt("embedded %d nodes of %s with %s (%s): %d x %d in %s", graph.numNodes(), graph.name(),
                    model, describe(encoder), h.rows, h.cols, embeddingsFile));
        }
        return ExitCodes.OK;
    }

    private static String describe(SavedEncoder e) {
        return Text.fmt("%s, %d layer%s, %d -> %d", e.method().name(), e.layers(), e.layers() == 1 ? "" : "s",
                e.features(), e.hidden());
    }
}
