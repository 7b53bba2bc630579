package org.gmi.study;

import org.gmi.cli.Text;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.gmi.study.FinishedCells.Cell;
import org.gmi.study.FinishedCells.Row;

/**
 * The tables of a study: {@code study.csv} (one row per dataset, method, width, depth and setting),
 * the Markdown table printed and kept in {@code study.md}, study.md itself (the command lines, the
 * table, what differs significantly, links to the charts), and that summary of differences.
 *
 * <p>Statistics. A row's accuracy is the mean and the sample standard deviation (n - 1) of its seeds'
 * cell accuracies: the spread over training runs, not over classifiers on one embedding. "Differs
 * significantly" is Welch's two-sided t-test on those per-seed values at p &lt; 0.05
 * ({@link WelchTest}), each method against gmi and against dgi on the same dataset and width (and
 * depth, DGI having one layer); with one seed nothing is tested.
 */
final class StudyTables {
    private StudyTables() {}

    static final List<String> SETTING_COLUMNS = List.of("max_epochs", "patience", "reconstruction", "recon_negatives",
            "variant", "jsd_on", "alpha", "beta", "gamma", "eval_runs", "threads");

    static String csv(List<Row> rows, List<String> protocols) {
        List<String> header = new ArrayList<>(List.of("dataset", "method", "hidden", "layers", "seeds"));
        for (String p : protocols) {
            header.add("acc_" + p + "_mean_pct");
            header.add("acc_" + p + "_std_pct");
        }
        header.addAll(List.of("best_epoch_mean", "epochs_run_mean", "seconds_per_epoch", "train_seconds_mean",
                "wall_seconds_mean", "peak_rss_mib", "memory_scope", "estimated_memory_mib"));
        header.addAll(SETTING_COLUMNS);
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (Row r : rows) {
            List<String> v = new ArrayList<>(List.of(r.dataset(), r.method(), Integer.toString(r.hidden()),
                    Integer.toString(r.layers()), Integer.toString(r.cells().size())));
            for (String p : protocols) {
                double[] a = r.accuracies(p);
                v.add(a.length == 0 ? "" : num(100 * WelchTest.mean(a), 2));
                v.add(a.length < 2 ? "" : num(100 * Math.sqrt(WelchTest.variance(a, WelchTest.mean(a))), 2));
            }
            v.add(num(r.mean("best_epoch"), 1));
            v.add(num(r.mean("epochs_run"), 1));
            v.add(num(r.mean("seconds_per_epoch"), 4));
            v.add(num(r.mean("train_seconds"), 1));
            v.add(num(r.mean("total_seconds"), 1));
            v.add(num(r.max("peak_rss_mib"), 0));
            v.add(r.memoryScope());
            v.add(num(r.max("estimated_memory_mib"), 0));
            Cell c = r.firstSeed();
            v.add(c.config("epochs"));
            v.add(c.config("patience"));
            boolean gmi = !r.method().equals("dgi");
            v.add(gmi && !c.config("gamma").equals("0") ? c.config("reconstruction") : "");
            v.add(gmi && c.config("reconstruction").equals("sampled") && !c.config("gamma").equals("0")
                    ? c.config("recon_negatives") : "");
            v.add(gmi ? c.config("variant") : "");
            v.add(gmi ? c.config("jsd_on") : "");
            v.add(gmi ? c.config("alpha") : "");
            v.add(gmi ? c.config("beta") : "");
            v.add(gmi ? c.config("gamma") : "");
            v.add(c.config("eval_runs"));
            v.add(c.config("threads"));
            sb.append(String.join(",", v.stream().map(StudyTables::csvField).toList())).append('\n');
        }
        return sb.toString();
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static String markdownTable(List<Row> rows, List<String> protocols) {
        StringBuilder sb = new StringBuilder("| dataset | method | hidden | layers | seeds |");
        for (String p : protocols) {
            sb.append(p.equals("paper") ? " paper acc. %† |" : " " + p + " acc. % |");
        }
        sb.append(" best epoch | s/epoch | wall s | peak RSS MiB |\n|---|---|---:|---:|---:|");
        sb.append("---:|".repeat(protocols.size())).append("---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.dataset()).append(" | ").append(r.method()).append(" | ").append(r.hidden())
                    .append(" | ").append(r.layers()).append(" | ").append(r.cells().size()).append(" |");
            for (String p : protocols) {
                double[] a = r.accuracies(p);
                sb.append(' ').append(a.length == 0 ? "-" : num(100 * WelchTest.mean(a), 1)
                        + (a.length < 2 ? "" : " ± " + num(100 * Math.sqrt(WelchTest.variance(a, WelchTest.mean(a))), 1))).append(" |");
            }
            sb.append(' ').append(num(r.mean("best_epoch"), 0)).append(" | ").append(sig3(r.mean("seconds_per_epoch")))
                    .append(" | ").append(num(r.mean("total_seconds"), 0)).append(" | ").append(num(r.max("peak_rss_mib"), 0))
                    .append(r.memoryScope().equals("cell") ? "" : "*").append(" |\n");
        }
        return sb.toString();
    }

    static String markdown(List<String> commands, String table, List<Row> rows, List<String> protocols,
                           Set<Path> plots, Path out) {
        StringBuilder sb = new StringBuilder("# Study\n\n");
        sb.append(commands.size() == 1 ? "Produced by:\n\n" : "Produced by these commands into one folder:\n\n");
        for (String c : commands) {
            sb.append("    ").append(c).append('\n');
        }
        sb.append('\n').append(table).append('\n');
        int classifiers = rows.isEmpty() ? 0 : (int) Math.round(Double.parseDouble(
                rows.get(0).firstSeed().config("eval_runs").isEmpty() ? "0" : rows.get(0).firstSeed().config("eval_runs")));
        sb.append("Accuracy: mean ± standard deviation over seeds of each seed's mean test accuracy (")
                .append(classifiers).append(" classifiers per seed). `val` picks the classifier's iteration count on the ")
                .append("validation nodes; `paper` is each method's published protocol: † for the GMI methods it picks ")
                .append("the iteration count on the test nodes, as the official GMI code does (leaky); for DGI, 100 iterations. ")
                .append("best epoch: the epoch of the lowest training loss, whose parameters are kept (mean over seeds); ")
                .append("s/epoch: median epoch time; wall s: the whole run with loading and evaluation (means over seeds). ");
        boolean process = rows.stream().anyMatch(r -> !r.memoryScope().equals("cell"));
        sb.append(process
                ? "Peak RSS marked * is the whole study process's peak at the end of the cell (cells ran in one JVM, so it "
                        + "only grows along the grid); run with --jvm-per-cell for each cell's own peak.\n\n"
                : "Peak RSS: each cell's own process (--jvm-per-cell), the largest over seeds.\n\n");
        sb.append("## What differs significantly\n\n").append(summary(rows, protocols)).append("\n\n");
        if (!plots.isEmpty()) {
            sb.append("## Plots\n\n");
            for (Path p : plots) {
                String rel = out.relativize(p).toString().replace('\\', '/');
                sb.append("![").append(p.getFileName()).append("](").append(rel).append(")\n\n");
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- significance

    /**
     * One paragraph: per protocol and dataset, GMI against DGI whatever the test says, then every
     * other difference that is significant (p < 0.05) against gmi or dgi.
     */
    static String summary(List<Row> rows, List<String> protocols) {
        if (rows.isEmpty()) {
            return "No cell has finished yet.";
        }
        int minSeeds = rows.stream().mapToInt(r -> r.cells().size()).min().orElse(0);
        StringBuilder sb = new StringBuilder();
        if (minSeeds < 2) {
            sb.append("Some rows have a single seed, so no difference involving them can be tested; the differences "
                    + "below are single runs. ");
        }
        sb.append("Test: Welch's two-sided t-test on the per-seed mean accuracies, p < 0.05, each method against gmi and "
                + "against dgi on the same dataset and width (and depth, DGI having one layer).");
        for (String p : protocols) {
            sb.append(' ').append(p.equals("paper") ? "Paper protocol (leaky for the GMI methods):" : "Val protocol:");
            List<String> sentences = new ArrayList<>();
            for (Row r : rows) {
                if (!r.method().equals("gmi")) {
                    continue;
                }
                Row dgi = partner(rows, r, "dgi");
                if (dgi != null) {
                    sentences.add("on " + r.dataset() + " (" + setting(r) + ") " + comparison(r, dgi, p));
                }
            }
            List<String> significant = new ArrayList<>();
            List<String> untested = new ArrayList<>();
            for (Row r : rows) {
                for (String base : List.of("gmi", "dgi")) {
                    if (r.method().equals(base) || (r.method().equals("dgi") && base.equals("gmi"))
                            || (r.method().equals("gmi") && base.equals("dgi"))) {
                        continue;
                    }
                    Row b = partner(rows, r, base);
                    if (b == null || r.accuracies(p).length == 0 || b.accuracies(p).length == 0) {
                        continue;
                    }
                    WelchTest.Result t = WelchTest.test(r.accuracies(p), b.accuracies(p));
                    String sentence = "on " + r.dataset() + " (" + setting(r) + ") " + comparison(r, b, p);
                    if (t == null) {
                        untested.add(sentence);
                    } else if (t.p() < 0.05) {
                        significant.add(sentence);
                    }
                }
            }
            if (sentences.isEmpty() && significant.isEmpty() && untested.isEmpty()) {
                sb.append(" no pair to compare.");
                continue;
            }
            if (!sentences.isEmpty()) {
                sb.append(' ').append(String.join("; ", sentences)).append('.');
            }
            if (!significant.isEmpty()) {
                sb.append(" Significant otherwise: ").append(String.join("; ", significant)).append('.');
            } else if (untested.isEmpty() || rows.stream().anyMatch(r -> r.cells().size() >= 2)) {
                sb.append(" No other difference against gmi or dgi is significant.");
            }
            if (!untested.isEmpty()) {
                sb.append(" Single runs, not tested: ").append(String.join("; ", untested)).append('.');
            }
        }
        return sb.toString();
    }

    /** The row of {@code method} to compare {@code r} with: same dataset, width and setting length; DGI at one layer. */
    private static Row partner(List<Row> rows, Row r, String method) {
        for (Row o : rows) {
            if (o.method().equals(method) && o.dataset().equals(r.dataset()) && o.hidden() == r.hidden()
                    && (method.equals("dgi") || r.method().equals("dgi") || o.layers() == r.layers())
                    && o.firstSeed().config("epochs").equals(r.firstSeed().config("epochs"))) {
                return o;
            }
        }
        return null;
    }

    /** {@code 512 wide, 2 layers}. */
    static String setting(Row r) {
        return r.hidden() + " wide, " + r.layers() + (r.layers() == 1 ? " layer" : " layers");
    }

    /** {@code gmi-adaptive 82.3 % vs gmi 81.1 % (+1.2 points, significant, p = 0.03)}. */
    private static String comparison(Row a, Row b, String protocol) {
        double[] x = a.accuracies(protocol);
        double[] y = b.accuracies(protocol);
        if (x.length == 0 || y.length == 0) {
            return a.method() + " vs " + b.method() + ": no " + protocol + " accuracy to compare";
        }
        double diff = 100 * (WelchTest.mean(x) - WelchTest.mean(y));
        WelchTest.Result t = WelchTest.test(x, y);
        String verdict = t == null ? "one seed, not tested"
                : (t.p() < 0.05 ? "significant" : "not significant") + ", p " + pValue(t.p());
        return a.method() + " " + num(100 * WelchTest.mean(x), 1) + " % vs " + b.method() + " " + num(100 * WelchTest.mean(y), 1)
                + " % (" + (diff >= 0 ? "+" : "") + num(diff, 1) + " points, " + verdict + ")";
    }

    private static String pValue(double p) {
        return p < 0.001 ? "< 0.001" : Text.fmt("= %.3f", p);
    }

    // ---------------------------------------------------------------- values

    private static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "";
    }

    private static String sig3(double v) {
        return Double.isFinite(v) ? Text.fmt("%.3g", v) : "";
    }
}
