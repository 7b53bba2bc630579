package org.gmi.study;

import org.gmi.cli.AtomicOutputs;
import org.gmi.cli.JsonReader;
import org.gmi.cli.Text;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gmi.study.plot.BarPanel;
import org.gmi.study.plot.Charts;
import org.gmi.study.plot.Line;
import org.gmi.study.plot.LinePanel;
import org.gmi.models.TrainConfig;

/**
 * The aggregate outputs of a study, rebuilt from every finished cell under {@code DIR/runs} (a cell
 * is finished when its metrics.json exists), all written atomically together:
 * <ul>
 *   <li>{@code study.csv}: one row per dataset, method, width, depth and setting;
 *   <li>{@code study.md}: the command lines, the same table to read, what differs significantly;
 *   <li>{@code plots/}: loss curves per dataset, accuracy against width and against depth, seconds per
 *       epoch and peak memory per method.
 * </ul>
 *
 * <p>Statistics. A cell's accuracy is the mean test accuracy of its probe's classifiers; a row's
 * accuracy is the mean and the sample standard deviation (n - 1) of its seeds' cell accuracies: the
 * spread over training runs, not over classifiers on one embedding. "Differs significantly" is
 * Welch's two-sided t-test on those per-seed values at p &lt; 0.05 ({@link WelchTest}), each method
 * against gmi and against dgi on the same dataset and width (and depth, DGI having one layer);
 * with one seed nothing is tested.
 *
 * <p>Charts use each dataset's main setting: the largest width in the study and the dataset's
 * default depth (2 for Cora, 1 otherwise) where it was run, else the smallest depth. Loss curves are
 * those of the lowest seed (early stopping ends seeds at different epochs, so a mean curve would mix
 * run lengths): the total loss and each of its unweighted terms. Accuracies plotted are the val
 * protocol's where it was run.
 */
final class StudyReport {
    private StudyReport() {}

    static final List<String> PROTOCOL_ORDER = List.of("val", "paper");

    /** The table as printed, and the files written. */
    record Written(String markdownTable, List<Path> files) {}

    /** A finished cell: its study-cell.json and its metrics.json. */
    record Cell(Map<String, Object> record, Map<String, Object> metrics) {
        String dataset() {
            return Objects.toString(record.get("dataset"));
        }

        String method() {
            return Objects.toString(record.get("method"));
        }

        int hidden() {
            return integer(record.get("hidden"));
        }

        int layers() {
            return integer(record.get("layers"));
        }

        int seed() {
            return integer(record.get("seed"));
        }

        /** The settings that are not in the cell's name, or the seed: cells with the same key form one row. */
        String settingsKey() {
            List<String> s = new ArrayList<>(StudyCell.strings(record.get("settings")));
            int i = s.indexOf("--seed");
            if (i >= 0) {
                s.remove(i + 1);
                s.remove(i);
            }
            return String.join(" ", s);
        }

        String memoryScope() {
            return Objects.toString(record.get("memory_scope"), "unknown");
        }

        /** The mean test accuracy of this cell under a protocol, or null. */
        Double accuracy(String protocol) {
            Map<String, Object> e = evaluation(metrics, protocol);
            return e == null ? null : number(e.get("mean"));
        }

        Double value(String key) {
            return number(metrics.get(key));
        }

        /** A value of the training config (alpha, beta, gamma, ...) as the run recorded it. */
        String config(String key) {
            Object config = metrics.get("config");
            Object v = config instanceof Map<?, ?> m ? m.get(key) : null;
            if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString(d.longValue()); // JSON has one number type: 5.0 was the int 5
            }
            return v == null ? "" : String.valueOf(v);
        }
    }

    /** The cells of one dataset, method, width, depth and setting: one row of the tables. */
    record Row(String dataset, String method, int hidden, int layers, String settingsKey, List<Cell> cells) {
        /** Per-seed accuracies (fractions) under a protocol, in seed order. */
        double[] accuracies(String protocol) {
            return cells.stream().map(c -> c.accuracy(protocol)).filter(Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
        }

        double mean(String key) {
            return cells.stream().map(c -> c.value(key)).filter(Objects::nonNull).mapToDouble(Double::doubleValue)
                    .average().orElse(Double.NaN);
        }

        double max(String key) {
            return cells.stream().map(c -> c.value(key)).filter(Objects::nonNull).mapToDouble(Double::doubleValue)
                    .max().orElse(Double.NaN);
        }

        String memoryScope() {
            Set<String> scopes = new TreeSet<>();
            cells.forEach(c -> scopes.add(c.memoryScope()));
            return String.join("+", scopes);
        }

        Cell firstSeed() {
            return cells.get(0);
        }
    }

    // ---------------------------------------------------------------- reading

    /** The total wall time of a finished cell, or null. */
    static Double totalSeconds(Path cellDir) {
        Map<String, Object> m = metrics(cellDir);
        return m == null ? null : number(m.get("total_seconds"));
    }

    /** {@code ; test accuracy val 81.2 %, paper 82.0 % (leaky)} for a finished cell, or "". */
    static String accuracySummary(Path cellDir) {
        Map<String, Object> m = metrics(cellDir);
        if (m == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String p : PROTOCOL_ORDER) {
            Map<String, Object> e = evaluation(m, p);
            if (e != null && number(e.get("mean")) != null) {
                parts.add(p + " " + Text.fmt("%.1f", 100 * number(e.get("mean"))) + " %");
            }
        }
        return parts.isEmpty() ? "" : "; test accuracy " + String.join(", ", parts);
    }

    private static Map<String, Object> metrics(Path cellDir) {
        Path file = cellDir.resolve("metrics.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JsonReader.object(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> evaluation(Map<String, Object> metrics, String protocol) {
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            if (e.getKey().startsWith("eval") && e.getValue() instanceof Map<?, ?> m && protocol.equals(m.get("protocol"))) {
                return (Map<String, Object>) m;
            }
        }
        return null;
    }

    /** Every finished cell under DIR/runs. */
    static List<Cell> readCells(Path out) throws IOException {
        List<Cell> cells = new ArrayList<>();
        Path runs = out.resolve(StudyCommand.RUNS);
        if (!Files.isDirectory(runs)) {
            return cells;
        }
        try (var dirs = Files.list(runs)) {
            for (Path dir : dirs.sorted().toList()) {
                Map<String, Object> rec = StudyCell.readRecord(dir);
                Map<String, Object> m = rec == null ? null : metrics(dir);
                if (m != null) {
                    cells.add(new Cell(rec, m));
                }
            }
        }
        return cells;
    }

    /**
     * Rows in reading order: datasets in the order the study's commands name them, methods in
     * {@link StudyMethod} order, widths and depths ascending; cells in a row by seed.
     */
    static List<Row> rows(List<Cell> cells, List<String> datasetOrder) {
        Map<String, List<Cell>> groups = new LinkedHashMap<>();
        for (Cell c : cells) {
            groups.computeIfAbsent(c.dataset() + "\n" + c.method() + "\n" + c.hidden() + "\n" + c.layers() + "\n" + c.settingsKey(),
                    k -> new ArrayList<>()).add(c);
        }
        List<Row> rows = new ArrayList<>();
        for (List<Cell> g : groups.values()) {
            g.sort(Comparator.comparingInt(Cell::seed));
            Cell c = g.get(0);
            rows.add(new Row(c.dataset(), c.method(), c.hidden(), c.layers(), c.settingsKey(), g));
        }
        rows.sort(Comparator.comparingInt((Row r) -> {
                    int i = datasetOrder.indexOf(r.dataset());
                    return i < 0 ? Integer.MAX_VALUE : i;
                }).thenComparing(Row::dataset)
                .thenComparingInt(r -> methodIndex(r.method()))
                .thenComparingInt(Row::hidden)
                .thenComparingInt(Row::layers)
                .thenComparing(Row::settingsKey));
        return rows;
    }

    private static int methodIndex(String method) {
        for (StudyMethod m : StudyMethod.values()) {
            if (m.cliName.equals(method)) {
                return m.ordinal();
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The protocols some cell was evaluated with, val before paper. */
    static List<String> protocols(List<Cell> cells) {
        List<String> ps = new ArrayList<>();
        for (String p : PROTOCOL_ORDER) {
            if (cells.stream().anyMatch(c -> c.accuracy(p) != null)) {
                ps.add(p);
            }
        }
        return ps;
    }

    // ---------------------------------------------------------------- writing

    /** Reads every finished cell, writes study.csv, study.md and the charts (atomically, together). */
    static Written write(Path out, PrintWriter err) throws IOException {
        List<String> commands = Files.isRegularFile(out.resolve(StudyCommand.COMMANDS_FILE))
                ? Files.readAllLines(out.resolve(StudyCommand.COMMANDS_FILE), StandardCharsets.UTF_8) : List.of();
        List<Cell> cells = readCells(out);
        List<Row> rows = rows(cells, datasetOrder(commands));
        List<String> protocols = protocols(cells);
        Map<Path, byte[]> files = new LinkedHashMap<>();
        String table = markdownTable(rows, protocols);
        files.put(out.resolve("study.csv"), csv(rows, protocols).getBytes(StandardCharsets.UTF_8));
        Map<Path, byte[]> plots = Map.of();
        try {
            plots = rows.isEmpty() ? Map.of() : plots(out.resolve("plots"), rows, protocols);
        } catch (LinkageError e) {
            // a Java runtime linked without java.desktop: the tables are still worth having
            err.println("study: no charts: " + PlotCommand.noDesktop(e));
        }
        files.put(out.resolve("study.md"), markdown(commands, table, rows, protocols, plots.keySet(), out)
                .getBytes(StandardCharsets.UTF_8));
        files.putAll(plots);
        Files.createDirectories(out.resolve("plots"));
        try (AtomicOutputs outputs = new AtomicOutputs()) {
            for (Map.Entry<Path, byte[]> f : files.entrySet()) {
                Files.write(outputs.temp(f.getKey()), f.getValue());
            }
            outputs.commit();
        }
        err.println("study: " + cells.size() + " finished cells in " + rows.size() + " rows");
        return new Written(table, new ArrayList<>(files.keySet()));
    }

    /** Dataset names in the order the recorded commands' --datasets list them. */
    static List<String> datasetOrder(List<String> commands) {
        List<String> order = new ArrayList<>();
        Pattern p = Pattern.compile("--datasets[ =]('[^']*'|\\S+)");
        for (String line : commands) {
            Matcher m = p.matcher(line);
            while (m.find()) {
                String list = m.group(1).replace("'", "");
                for (String spec : list.split(",")) {
                    if (!spec.isBlank()) {
                        String name = StudyCommand.shortName(spec.strip());
                        if (!order.contains(name)) {
                            order.add(name);
                        }
                    }
                }
            }
        }
        return order;
    }

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
            sb.append(String.join(",", v.stream().map(StudyReport::csvField).toList())).append('\n');
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

    private static String markdown(List<String> commands, String table, List<Row> rows, List<String> protocols,
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
    private static String setting(Row r) {
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

    // ---------------------------------------------------------------- charts

    /** The width of a dataset's main setting: the largest in the study. */
    private static int mainHidden(List<Row> rows, String dataset) {
        return rows.stream().filter(r -> r.dataset().equals(dataset)).mapToInt(Row::hidden).max().orElse(0);
    }

    /** The depth of a dataset's main setting: its default if GMI was run at it, else the smallest. */
    private static int mainLayers(List<Row> rows, String dataset) {
        int preferred = new TrainConfig().layersFor(dataset);
        Set<Integer> depths = new TreeSet<>();
        rows.stream().filter(r -> r.dataset().equals(dataset) && !r.method().equals("dgi")).forEach(r -> depths.add(r.layers()));
        return depths.isEmpty() || depths.contains(preferred) ? preferred : depths.iterator().next();
    }

    /** The row of a method at a dataset's main setting (DGI: at one layer), or null. */
    private static Row mainRow(List<Row> rows, String dataset, String method) {
        int h = mainHidden(rows, dataset);
        int l = method.equals("dgi") ? 1 : mainLayers(rows, dataset);
        for (Row r : rows) {
            if (r.dataset().equals(dataset) && r.method().equals(method) && r.hidden() == h && r.layers() == l) {
                return r;
            }
        }
        return null;
    }

    private static Map<Path, byte[]> plots(Path dir, List<Row> rows, List<String> protocols) {
        Set<String> datasets = new LinkedHashSet<>();
        Set<String> methods = new LinkedHashSet<>();
        rows.forEach(r -> {
            datasets.add(r.dataset());
            methods.add(r.method());
        });
        Map<Path, byte[]> files = new LinkedHashMap<>();
        String protocol = protocols.contains("val") ? "val" : protocols.isEmpty() ? null : protocols.get(0);

        // loss curves: one file per dataset, one panel per method
        for (String d : datasets) {
            List<LinePanel> panels = new ArrayList<>();
            for (String m : methods) {
                Row r = mainRow(rows, d, m);
                if (r == null) {
                    continue;
                }
                Cell c = r.firstSeed();
                List<Line> lines = new ArrayList<>();
                double[] loss = doubles(c.metrics().get("loss"));
                lines.add(new Line("loss (total)", epochs(loss.length), loss, null));
                if (c.metrics().get("terms") instanceof Map<?, ?> terms) {
                    for (Map.Entry<?, ?> t : terms.entrySet()) {
                        double[] v = doubles(t.getValue());
                        lines.add(new Line(String.valueOf(t.getKey()), epochs(v.length), v, null));
                    }
                }
                panels.add(new LinePanel(m + " (seed " + c.seed() + ", " + setting(r) + ")",
                        "loss", lines));
            }
            if (!panels.isEmpty()) {
                files.put(dir.resolve("loss-" + d + ".png"), Charts.lines("Training loss on " + d
                        + ": total and unweighted terms per epoch", "epoch", panels, true, false, 900, 220));
            }
        }
        if (protocol != null) {
            String what = protocol + " accuracy %";
            String of = "test accuracy (" + protocol + " protocol), mean ± sd over seeds";
            files.put(dir.resolve("accuracy-vs-hidden.png"), Charts.lines("Accuracy against width: " + of, "hidden units",
                    accuracyPanels(rows, datasets, methods, protocol, true, what), true, true, 900, 260));
            files.put(dir.resolve("accuracy-vs-layers.png"), Charts.lines("Accuracy against depth (DGI: one layer): " + of,
                    "encoder layers", accuracyPanels(rows, datasets, methods, protocol, false, what), true, true, 900, 260));
        }
        List<BarPanel> time = new ArrayList<>();
        List<BarPanel> memory = new ArrayList<>();
        boolean process = rows.stream().anyMatch(r -> !r.memoryScope().equals("cell"));
        for (String d : datasets) {
            Map<String, Double> t = new LinkedHashMap<>();
            Map<String, Double> mem = new LinkedHashMap<>();
            for (String m : methods) {
                Row r = mainRow(rows, d, m);
                if (r != null) {
                    t.put(m, r.mean("seconds_per_epoch"));
                    mem.put(m, r.max("peak_rss_mib"));
                }
            }
            time.add(new BarPanel(d, "s/epoch", t));
            memory.add(new BarPanel(d, process ? "peak RSS MiB (process-wide)" : "peak RSS MiB", mem));
        }
        files.put(dir.resolve("seconds-per-epoch.png"), Charts.bars("Seconds per epoch (median epoch, mean over seeds)",
                time, 900, 240));
        files.put(dir.resolve("peak-memory.png"), Charts.bars(process
                ? "Peak RSS (the study process's, cumulative: see study.md)" : "Peak RSS per cell (largest over seeds)",
                memory, 900, 240));
        return files;
    }

    /** Accuracy against width (at each dataset's main depth) or against depth (at its main width). */
    private static List<LinePanel> accuracyPanels(List<Row> rows, Set<String> datasets, Set<String> methods, String protocol,
                                                  boolean byWidth, String yLabel) {
        List<LinePanel> panels = new ArrayList<>();
        for (String d : datasets) {
            int h = mainHidden(rows, d);
            int l = mainLayers(rows, d);
            List<Line> lines = new ArrayList<>();
            for (String m : methods) {
                List<double[]> points = new ArrayList<>();
                for (Row r : rows) {
                    boolean here = r.dataset().equals(d) && r.method().equals(m)
                            && (byWidth ? (m.equals("dgi") || r.layers() == l) : r.hidden() == h);
                    double[] a = here ? r.accuracies(protocol) : new double[0];
                    if (a.length > 0) {
                        double sd = a.length < 2 ? 0 : Math.sqrt(WelchTest.variance(a, WelchTest.mean(a)));
                        points.add(new double[] {byWidth ? r.hidden() : r.layers(), 100 * WelchTest.mean(a), 100 * sd});
                    }
                }
                if (!points.isEmpty()) {
                    points.sort(Comparator.comparingDouble(p -> p[0]));
                    lines.add(new Line(m, points.stream().mapToDouble(p -> p[0]).toArray(),
                            points.stream().mapToDouble(p -> p[1]).toArray(), points.stream().mapToDouble(p -> p[2]).toArray()));
                }
            }
            panels.add(new LinePanel(d + (byWidth ? " (GMI at " + l + (l == 1 ? " layer)" : " layers)") : " (" + h + " wide)"),
                    yLabel, lines));
        }
        return panels;
    }

    // ---------------------------------------------------------------- values

    private static double[] epochs(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    static double[] doubles(Object list) {
        if (!(list instanceof List<?> l)) {
            return new double[0];
        }
        double[] v = new double[l.size()];
        for (int i = 0; i < v.length; i++) {
            Double d = number(l.get(i));
            v[i] = d == null ? Double.NaN : d;
        }
        return v;
    }

    static Double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    static int integer(Object o) {
        return o instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(o));
    }

    private static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "";
    }

    private static String sig3(double v) {
        return Double.isFinite(v) ? Text.fmt("%.3g", v) : "";
    }
}
