package org.gmi.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;
import org.gmi.models.Method;
import org.gmi.models.eval.LinearProbe;
import org.gmi.models.eval.ProbeResult;
import org.gmi.models.eval.Protocol;
import picocli.CommandLine.Option;

/** {@code --protocol} and {@code --eval-runs}, and running the linear probe; shared by {@code train} and {@code eval}. */
final class ProbeOptions {
    @Option(names = "--protocol", paramLabel = "val|paper|both", defaultValue = "val",
            converter = Choices.ProtocolConverter.class, completionCandidates = Choices.ProtocolCandidates.class,
            description = {"How the linear probe picks its iteration count (default: ${DEFAULT-VALUE}):",
                    "val: on the validation nodes (honest);",
                    "paper: each method's published protocol (GMI: on TEST accuracy, reported as leaky; DGI: 100 iterations at lr 0.01);",
                    "both: val and paper, side by side."})
    Choices.ProtocolChoice protocol;

    @Option(names = "--eval-runs", paramLabel = "N", defaultValue = "" + LinearProbe.DEFAULT_RUNS,
            description = "Freshly initialised classifiers whose test accuracy is averaged (default: ${DEFAULT-VALUE}).")
    int evalRuns;

    void validate() {
        GmiCommand.require(evalRuns >= 1, "--eval-runs must be >= 1, got " + evalRuns);
    }

    /** Runs the probe once per protocol asked, printing a line on {@code err} before each. */
    List<ProbeResult> evaluate(Matrix embeddings, Graph graph, Method method, long seed, PrintWriter err) {
        List<ProbeResult> results = new ArrayList<>();
        for (Protocol p : protocol.protocols()) {
            err.println("evaluating: linear probe, " + p.cliName() + " protocol, " + evalRuns + " runs ...");
            err.flush();
            long t0 = System.nanoTime();
            try {
                results.add(LinearProbe.evaluate(embeddings, graph, p, method, seed, evalRuns));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            err.println("  done in " + Text.duration((System.nanoTime() - t0) / 1e9));
        }
        return results;
    }

    /** {@code GMI on cora: test accuracy 82.9 ± 0.4 % (val protocol, 50 runs)}, plus the leak flag where due. */
    static String accuracyLine(Method method, String dataset, ProbeResult r, String plusMinus) {
        if (r.protocol().equals(Protocol.VAL.cliName())) {
            Object c = r.details().get("c_chosen");
            String what = r.runs() == 1 && c instanceof double[] cs
                    ? "val protocol, C = " + LinearProbe.g(cs[0]) + " chosen on validation"
                    : "val protocol, " + r.runs() + " splits";
            return r.runs() == 1
                    ? String.format(Locale.ROOT, "%s on %s: test accuracy %.1f %% (%s)", method.name(), dataset, 100 * r.mean(), what)
                    : String.format(Locale.ROOT, "%s on %s: test accuracy %.1f %s %.1f %% (%s)", method.name(), dataset,
                            100 * r.mean(), plusMinus, 100 * r.std(), what);
        }
        String line = String.format(Locale.ROOT, "%s on %s: test accuracy %.1f %s %.1f %% (%s protocol, %d runs)",
                method.name(), dataset, 100 * r.mean(), plusMinus, 100 * r.std(), r.protocol(), r.runs());
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
     * Puts the results into {@code json}: the first as {@code eval}, a second (the paper protocol
     * when both were asked) as {@code eval_paper}.
     */
    static void putResults(Map<String, Object> json, List<ProbeResult> results) {
        if (results.isEmpty()) {
            json.put("eval", null);
            return;
        }
        json.put("eval", toJson(results.get(0)));
        for (int i = 1; i < results.size(); i++) {
            json.put("eval_" + results.get(i).protocol(), toJson(results.get(i)));
        }
    }
}
