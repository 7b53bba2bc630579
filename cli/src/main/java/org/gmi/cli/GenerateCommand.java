package org.gmi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.Parallel;
import org.gmi.graph.DcSbm;
import org.gmi.graph.Json;
import org.gmi.graph.NpzWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gmi generate}: a synthetic attributed graph from a degree-corrected stochastic block
 * model ({@link DcSbm}), written as {@code DIR/graph.npz} (the gnn-benchmark layout gmi train
 * reads) and {@code DIR/generate.json} (the parameters and what was measured on the graph), both
 * or neither. The same seed gives the same bytes on any thread count.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Generate a synthetic graph: a degree-corrected stochastic block model with",
                "power-law degrees and sparse class-correlated bag-of-words features.",
                "",
                "Writes DIR/graph.npz (adjacency, features and labels, the .npz layout gmi",
                "train reads) and DIR/generate.json (every parameter, the seed, and the",
                "measured nodes, edges, degrees, intra-class edge fraction and feature",
                "non-zeros), both or neither. The same seed gives the same bytes, on any",
                "thread count. The model and its calibration: docs/generate.md."},
        footer = {"", "Exit codes: 0 success, 2 bad input or usage, 1 anything else.",
                "",
                "Example:",
                "  gmi generate --nodes 10000 --avg-degree 10 --features 128 --classes 5 \\",
                "      --seed 1 --out data/sbm-10k",
                "  gmi train --method dgi --dataset data/sbm-10k/graph.npz --out runs/sbm-10k"})
final class GenerateCommand extends GmiCommand {
    static final String GRAPH_FILE = "graph.npz";
    static final String METADATA_FILE = "generate.json";

    @Option(names = "--nodes", required = true, paramLabel = "N", description = "Number of nodes, >= 2.")
    int nodes;

    @Option(names = "--avg-degree", required = true, paramLabel = "D",
            description = "Target average degree: N * D / 2 undirected edges; > 0 and < N - 1.")
    double avgDegree;

    @Option(names = "--features", required = true, paramLabel = "F", description = "Feature columns, >= 1.")
    int features;

    @Option(names = "--classes", required = true, paramLabel = "C", description = "Classes (the labels), >= 2 and <= N.")
    int classes;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (created if needed) for graph.npz and generate.json.")
    Path out;

    @Option(names = "--power-law-exponent", paramLabel = "A",
            description = "Exponent of the power-law (Pareto) degree propensities, > 1 (default: ${DEFAULT-VALUE}).")
    double powerLawExponent = DcSbm.Params.DEFAULT_POWER_LAW_EXPONENT;

    @Option(names = "--max-degree", paramLabel = "K",
            description = "Cap on a node's expected degree, >= 1; 0 for sqrt(N * D), at most N - 1 (default: ${DEFAULT-VALUE}).")
    double maxDegree = 0;

    @Option(names = "--homophily", paramLabel = "P",
            description = "Probability that an edge stays within its first endpoint's class, in [0, 1] "
                    + "(default: ${DEFAULT-VALUE}).")
    double homophily = DcSbm.Params.DEFAULT_HOMOPHILY;

    @Option(names = "--feature-density", paramLabel = "R",
            description = "Feature tokens per node as a fraction of F, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double featureDensity = DcSbm.Params.DEFAULT_FEATURE_DENSITY;

    @Option(names = "--feature-signal", paramLabel = "Q",
            description = "Probability that a token comes from its class's preferred features, else any feature, "
                    + "in [0, 1] (default: ${DEFAULT-VALUE}).")
    double featureSignal = DcSbm.Params.DEFAULT_FEATURE_SIGNAL;

    @Option(names = "--class-proportions", split = ",", paramLabel = "P1,P2,...",
            description = "Each class's share of the nodes: C positive weights, normalised (default: equal shares).")
    double[] classProportions;

    @Option(names = "--force", description = "Replace graph.npz and generate.json already in DIR.")
    boolean force;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (default: all cores, here ${DEFAULT-VALUE}); the output is the same for any count.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    protected int run() throws IOException {
        long start = System.nanoTime();
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        DcSbm.Params p = new DcSbm.Params(nodes, avgDegree, features, classes, seed, powerLawExponent, maxDegree,
                homophily, featureDensity, featureSignal, classProportions);
        String problem = p.problem();
        require(problem == null, "--" + problem);
        Parallel.setThreads(threads);
        PrintWriter err = err();

        Path graphFile = out.resolve(GRAPH_FILE);
        Path metadataFile = out.resolve(METADATA_FILE);
        OutputLock lock = OutputLock.acquire(out, "--out");
        try (AtomicOutputs outputs = new AtomicOutputs(lock)) {
            requireNoEarlierOutputs(out, force, List.of(graphFile, metadataFile));
            AtomicOutputs.removeStale(out, GRAPH_FILE, METADATA_FILE);
            Path graphTemp = outputs.temp(graphFile);
            Path metadataTemp = outputs.temp(metadataFile);
            err.println(Text.fmt("generating %d nodes, %d target edges, %d features, %d classes (seed %d)",
                    nodes, p.targetEdges(), features, classes, seed));
            err.flush();
            long t0 = System.nanoTime();
            DcSbm.Result g = DcSbm.generate(p, line -> {
                err.println(Text.fmt("  %s (%.1f s)", line, (System.nanoTime() - t0) / 1e9));
                err.flush();
            });
            double generateSeconds = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            NpzWriter.write(g, graphTemp);
            double writeSeconds = (System.nanoTime() - t1) / 1e9;

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", "degree-corrected stochastic block model");
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("nodes", nodes);
            params.put("avg_degree", avgDegree);
            params.put("features", features);
            params.put("classes", classes);
            params.put("seed", seed);
            params.put("power_law_exponent", powerLawExponent);
            params.put("max_degree", maxDegree);
            params.put("max_degree_used", p.effectiveMaxDegree());
            params.put("homophily", homophily);
            params.put("feature_density", featureDensity);
            params.put("feature_signal", featureSignal);
            params.put("class_proportions", classProportions == null ? "equal" : java.util.Arrays.stream(classProportions).boxed().toList());
            m.put("parameters", params);
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("nodes", g.nodes());
            stats.put("target_edges", p.targetEdges());
            stats.put("undirected_edges", g.undirectedEdges());
            stats.put("avg_degree", 2.0 * g.undirectedEdges() / g.nodes());
            stats.put("max_degree", g.maxDegree());
            stats.put("intra_class_edge_fraction", g.intraClassFraction());
            stats.put("feature_nnz", g.features().nnz());
            stats.put("class_sizes", java.util.Arrays.stream(p.classSizes()).boxed().toList());
            stats.put("top_up_rounds", g.topUpRounds());
            m.put("statistics", stats);
            m.put("file", GRAPH_FILE);
            m.put("threads", threads);
            m.put("generate_seconds", generateSeconds);
            m.put("write_seconds", writeSeconds);
            m.put("total_seconds", (System.nanoTime() - start) / 1e9);
            m.putAll(RunInfo.environment());
            Files.writeString(metadataTemp, Json.write(m) + "\n");
            outputs.commit();
            err.println("wrote " + graphFile + " and " + metadataFile);
            out().println(Text.fmt("generated %d nodes, %d undirected edges (average degree %.2f, max %d, %.1f%% "
                            + "intra-class), %d x %d features with %d non-zeros, %d classes: %s",
                    g.nodes(), g.undirectedEdges(), 2.0 * g.undirectedEdges() / g.nodes(), g.maxDegree(),
                    100 * g.intraClassFraction(), g.nodes(), features, g.features().nnz(), classes, graphFile));
        }
        return ExitCodes.OK;
    }
}
