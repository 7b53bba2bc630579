package org.gmi.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.gmi.models.TrainConfig;
import org.gmi.study.FinishedCells.Cell;
import org.gmi.study.FinishedCells.Row;
import org.gmi.study.plot.BarPanel;
import org.gmi.study.plot.Charts;
import org.gmi.study.plot.Line;
import org.gmi.study.plot.LinePanel;

/**
 * The PNG charts of a study, for {@code DIR/plots}: loss curves per dataset, accuracy against width
 * and against depth, seconds per epoch and peak memory per method.
 *
 * <p>Charts use each dataset's main setting: the largest width in the study and the dataset's
 * default depth (2 for Cora, 1 otherwise) where it was run, else the smallest depth. Loss curves are
 * those of the lowest seed (early stopping ends seeds at different epochs, so a mean curve would mix
 * run lengths): the total loss and each of its unweighted terms. Accuracies plotted are the val
 * protocol's where it was run.
 */
final class StudyCharts {
    private StudyCharts() {}

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

    static Map<Path, byte[]> plots(Path dir, List<Row> rows, List<String> protocols) {
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
                double[] loss = FinishedCells.doubles(c.metrics().get("loss"));
                lines.add(new Line("loss (total)", epochs(loss.length), loss, null));
                if (c.metrics().get("terms") instanceof Map<?, ?> terms) {
                    for (Map.Entry<?, ?> t : terms.entrySet()) {
                        double[] v = FinishedCells.doubles(t.getValue());
                        lines.add(new Line(String.valueOf(t.getKey()), epochs(v.length), v, null));
                    }
                }
                panels.add(new LinePanel(m + " (seed " + c.seed() + ", " + StudyTables.setting(r) + ")",
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
}
