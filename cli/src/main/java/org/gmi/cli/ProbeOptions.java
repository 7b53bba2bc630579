package org.gmi.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;
import org.gmi.graph.Split;
import org.gmi.graph.SplitOptions;
import org.gmi.graph.Splits;
import org.gmi.models.Method;
import org.gmi.models.eval.ClusterScores;
import org.gmi.models.eval.KMeans;
import org.gmi.models.eval.LinearProbe;
import org.gmi.models.eval.LogisticProbe;
import org.gmi.models.eval.ProbeResult;
import org.gmi.models.eval.Protocol;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --protocol}, {@code --eval-runs} and {@code --splits}, and running the evaluation (the
 * linear probe and the k-means check); shared by {@code train} and {@code eval}.
 */
final class ProbeOptions {
    @Option(names = "--protocol", paramLabel = "val|paper|both", defaultValue = "val",
            converter = Choices.ProtocolConverter.class, completionCandidates = Choices.ProtocolCandidates.class,
            description = {"Linear probe protocol (default: ${DEFAULT-VALUE}):",
                    "val (honest): embeddings standardised on the train nodes, L2 logistic regression solved to convergence "
                            + "(L-BFGS), its strength C chosen on the validation nodes;",
                    "paper: each method's published protocol (GMI: Adam iterations chosen on TEST accuracy, reported as leaky; "
                            + "DGI: 100 iterations at lr 0.01), --eval-runs classifiers;",
                    "both: val and paper, side by side."})
    Choices.ProtocolChoice protocol;

    @Option(names = "--eval-runs", paramLabel = "N", defaultValue = "" + LinearProbe.DEFAULT_RUNS,
            description = "Paper protocol only: freshly initialised classifiers whose test accuracy is averaged (default: ${DEFAULT-VALUE}).")
    int evalRuns;

    @Option(names = "--splits", paramLabel = "K", defaultValue = "1",
            description = {"Val protocol: evaluate on K random train/val/test splits of the labelled nodes (--train-frac, "
                    + "--val-frac; seeds --split-seed to --split-seed + K - 1) and report the mean and standard deviation "
                    + "over splits (the GRACE/GCA protocol with K = 20). Default 1: the dataset's split (public, or one random split)."})
    int splits;

    /** The outcome of the evaluation step. */
    record Evaluation(List<ProbeResult> results, Map<String, Object> clustering, String skipped, List<Split> splits) {
        static Evaluation none(String why) {
            return new Evaluation(List.of(), null, why, List.of());
        }
    }

    void validate(CommandSpec spec) {
        GmiCommand.require(evalRuns >= 1, "--eval-runs must be >= 1, got " + evalRuns);
        GmiCommand.require(splits >= 1, "--splits must be >= 1, got " + splits);
        GmiCommand.require(splits == 1 || protocol == Choices.ProtocolChoice.VAL, "--splits " + splits
                + " applies to the val protocol; the paper protocols run on the dataset's one split (use --protocol val)");
        GmiCommand.require(protocol != Choices.ProtocolChoice.VAL || !given(spec, "--eval-runs"),
                "--eval-runs applies to the paper protocol only (the val protocol's classifier is deterministic); "
                        + "drop it or use --protocol paper|both");
    }

    static boolean given(CommandSpec spec, String option) {
        var parsed = spec.commandLine().getParseResult();
        return parsed != null && spec.findOption(option) != null && parsed.hasMatchedOption(spec.findOption(option));
    }

    /**
     * Why the probe cannot run on {@code graph}, or null when it can: no labels, one class, or a split
     * without train, validation (for the val protocol) or test nodes.
     */
    String skipReason(Graph graph) {
        int labelled = 0;
        for (int l : graph.labels()) {
            if (l >= 0) {
                labelled++;
            }
        }
        if (labelled == 0) {
            return "the dataset has no labels (no labels.csv, or every label -1): there is nothing to evaluate the embeddings against";
        }
        if (graph.numClasses() < 2) {
            return "every labelled node is in one class: a classifier has nothing to tell apart";
        }
        Split s = graph.split();
        boolean needsVal = protocol != Choices.ProtocolChoice.PAPER;
        if (s.train().length == 0 || s.test().length == 0 || (needsVal && s.val().length == 0)) {
            return String.format(Locale.ROOT, "only %d labelled nodes: the split %s leaves %d train / %d val / %d test nodes",
                    labelled, s.kind(), s.train().length, s.val().length, s.test().length);
        }
        return null;
    }

    /** The splits the val protocol runs on: the graph's own, or {@code --splits K} random ones. */
    List<Split> splits(Graph graph, SplitOptions options) {
        if (splits == 1) {
            return List.of(graph.split());
        }
        List<Split> list = new ArrayList<>();
        for (int k = 0; k < splits; k++) {
            list.add(Splits.random(graph.labels(), options.withSeed(options.seed() + k)));
        }
        return list;
    }

    /**
     * Runs the probe once per protocol asked and the k-means check, with a line on {@code err}
     * before each; when the graph cannot be evaluated ({@link #skipReason}) returns why instead.
     */
    Evaluation evaluate(Matrix embeddings, Graph graph, Method method, long seed, SplitOptions splitOptions, PrintWriter err) {
        String skip = skipReason(graph);
        if (skip != null) {
            return Evaluation.none(skip);
        }
        List<Split> used = splits(graph, splitOptions);
        List<ProbeResult> results = new ArrayList<>();
        if (graph.isMultiLabel()) {
            if (protocol != Choices.ProtocolChoice.VAL) {
                throw new BadInputException("--protocol " + protocol.cliName() + ": dataset " + graph.name() + " is multi-label ("
                        + graph.numClasses() + " labels per node), scored by micro-F1 under the val protocol only; use --protocol val");
            }
            err.println("evaluating: linear probe, val protocol, multi-label: micro-F1 over " + graph.numClasses()
                    + " labels (one-vs-rest L2 logistic regressions, C from " + LinearProbe.list(LogisticProbe.DEFAULT_GRID)
                    + " chosen on validation micro-F1), " + used.size() + " split" + (used.size() == 1 ? "" : "s") + " ...");
            err.flush();
            long t0 = System.nanoTime();
            try {
                results.add(LinearProbe.evaluateMultiLabel(embeddings, graph, used, LogisticProbe.DEFAULT_GRID));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            err.println("  done in " + Text.duration((System.nanoTime() - t0) / 1e9));
            err.println("k-means: skipped (it scores clusters against one class per node; this dataset is multi-label)");
            err.flush();
            return new Evaluation(results, null, null, used);
        }
        for (Protocol p : protocol.protocols()) {
            err.println(p == Protocol.VAL
                    ? "evaluating: linear probe, val protocol (L2 logistic regression, C from " + LinearProbe.list(LogisticProbe.DEFAULT_GRID)
                            + " chosen on validation), " + used.size() + " split" + (used.size() == 1 ? "" : "s") + " ..."
                    : "evaluating: linear probe, paper protocol, " + evalRuns + " runs ...");
            err.flush();
            long t0 = System.nanoTime();
            try {
                results.add(p == Protocol.VAL
                        ? LinearProbe.evaluateHonest(embeddings, graph, used, LogisticProbe.DEFAULT_GRID)
                        : LinearProbe.evaluate(embeddings, graph, p, method, seed, evalRuns));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            err.println("  done in " + Text.duration((System.nanoTime() - t0) / 1e9));
        }
        long t0 = System.nanoTime();
        Map<String, Object> clustering = clustering(embeddings, graph, seed);
        err.println(Text.fmt("k-means (k = %d, %d restarts) against the labels: NMI %.3f, ARI %.3f (%s)",
                clustering.get("k"), KMeans.RESTARTS, clustering.get("nmi"), clustering.get("ari"),
                Text.duration((System.nanoTime() - t0) / 1e9)));
        err.flush();
        return new Evaluation(results, clustering, null, used);
    }

    /** k-means with k = the number of classes on every node's embedding, scored on the labelled nodes. */
    static Map<String, Object> clustering(Matrix embeddings, Graph graph, long seed) {
        int k = graph.numClasses();
        KMeans.Result r = KMeans.cluster(embeddings.data, embeddings.cols, k, seed);
        ClusterScores.Scores s = ClusterScores.of(graph.labels(), r.assignment());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", "k-means++ seeding, Lloyd iterations, " + KMeans.RESTARTS + " restarts (lowest inertia kept), on the raw embeddings of all nodes");
        m.put("k", k);
        m.put("nmi", s.nmi());
        m.put("ari", s.ari());
        m.put("scored_nodes", s.nodes());
        m.put("iterations", r.iterations());
        m.put("inertia", r.inertia());
        return m;
    }

    /**
     * {@code GMI on cora: test accuracy 82.9 % (val protocol, C = 0.1 chosen on validation)}, with
     * K splits {@code 85.1 ± 0.4 % (val protocol, 20 splits)}; paper: {@code ... (paper protocol, 50
     * runs)} plus the leak flag where due.
     */
    static String accuracyLine(String who, String dataset, ProbeResult r, String plusMinus) {
        if ("micro_f1".equals(r.details().get("metric"))) {
            Object c = r.details().get("c_chosen");
            return r.runs() == 1 && c instanceof double[] cs
                    ? String.format(Locale.ROOT, "%s on %s: test micro-F1 %.3f (val protocol, multi-label, C = %s chosen on validation)",
                            who, dataset, r.mean(), LinearProbe.g(cs[0]))
                    : String.format(Locale.ROOT, "%s on %s: test micro-F1 %.3f %s %.3f (val protocol, multi-label, %d splits)",
                            who, dataset, r.mean(), plusMinus, r.std(), r.runs());
        }
        if (r.protocol().equals(Protocol.VAL.cliName())) {
            Object c = r.details().get("c_chosen");
            return r.runs() == 1 && c instanceof double[] cs
                    ? String.format(Locale.ROOT, "%s on %s: test accuracy %.1f %% (val protocol, C = %s chosen on validation)",
                            who, dataset, 100 * r.mean(), LinearProbe.g(cs[0]))
                    : String.format(Locale.ROOT, "%s on %s: test accuracy %.1f %s %.1f %% (val protocol, %d splits)",
                            who, dataset, 100 * r.mean(), plusMinus, 100 * r.std(), r.runs());
        }
        String line = String.format(Locale.ROOT, "%s on %s: test accuracy %.1f %s %.1f %% (%s protocol, %d runs)",
                who, dataset, 100 * r.mean(), plusMinus, 100 * r.std(), r.protocol(), r.runs());
        if (r.leaky()) {
            line += " [leaky: iterations chosen on test accuracy]";
        }
        return line;
    }

    /** The probe result as written to JSON; accuracies are fractions in [0, 1]. */
    static Map<String, Object> toJson(ProbeResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", r.protocol());
        m.put("mean", r.mean());
        m.put("std", r.std());
        m.put("runs", r.runs());
        m.put("iterations", r.iterations());
        m.put("leaky", r.leaky());
        m.put("note", r.note());
        m.put("accuracies", r.accuracies());
        m.putAll(r.details());
        return m;
    }

    /**
     * Puts the evaluation into {@code json}: the first probe result as {@code eval}, a second (the
     * paper protocol when both were asked) as {@code eval_paper}, the k-means check as
     * {@code clustering}, and, when the evaluation was skipped, why as {@code eval_skipped}.
     */
    static void putResults(Map<String, Object> json, Evaluation e) {
        List<ProbeResult> results = e.results();
        json.put("eval", results.isEmpty() ? null : toJson(results.get(0)));
        for (int i = 1; i < results.size(); i++) {
            json.put("eval_" + results.get(i).protocol(), toJson(results.get(i)));
        }
        json.put("clustering", e.clustering());
        json.put("eval_skipped", e.skipped());
    }
}
