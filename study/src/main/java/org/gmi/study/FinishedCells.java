package org.gmi.study;

import org.gmi.graph.JsonReader;
import org.gmi.cli.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A study folder's finished cells, read into the rows of its tables and charts. A cell is finished
 * when its metrics.json exists beside its study-cell.json under {@code DIR/runs}.
 *
 * <p>A cell's accuracy is the mean test accuracy of its probe's classifiers; a row gathers the cells
 * (seeds) of one dataset, method, width, depth and setting, in seed order.
 */
final class FinishedCells {
    private FinishedCells() {}

    static final List<String> PROTOCOL_ORDER = List.of("val", "paper");

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

    // ---------------------------------------------------------------- values

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
}
