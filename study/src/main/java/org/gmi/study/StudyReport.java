package org.gmi.study;

import org.gmi.cli.AtomicOutputs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.study.FinishedCells.Cell;
import org.gmi.study.FinishedCells.Row;

/**
 * The aggregate outputs of a study, rebuilt from every finished cell under {@code DIR/runs}
 * ({@link FinishedCells}), all written atomically together:
 * <ul>
 *   <li>{@code study.csv}: one row per dataset, method, width, depth and setting ({@link StudyTables});
 *   <li>{@code study.md}: the command lines, the same table to read, what differs significantly
 *       ({@link StudyTables});
 *   <li>{@code plots/}: loss curves per dataset, accuracy against width and against depth, seconds per
 *       epoch and peak memory per method ({@link StudyCharts}).
 * </ul>
 */
final class StudyReport {
    private StudyReport() {}

    /** The table as printed, and the files written. */
    record Written(String markdownTable, List<Path> files) {}

    /** Reads every finished cell, writes study.csv, study.md and the charts (atomically, together). */
    static Written write(Path out, PrintWriter err) throws IOException {
        List<String> commands = Files.isRegularFile(out.resolve(StudyCommand.COMMANDS_FILE))
                ? Files.readAllLines(out.resolve(StudyCommand.COMMANDS_FILE), StandardCharsets.UTF_8) : List.of();
        List<Cell> cells = FinishedCells.readCells(out);
        List<Row> rows = FinishedCells.rows(cells, FinishedCells.datasetOrder(commands));
        List<String> protocols = FinishedCells.protocols(cells);
        Map<Path, byte[]> files = new LinkedHashMap<>();
        String table = StudyTables.markdownTable(rows, protocols);
        files.put(out.resolve("study.csv"), StudyTables.csv(rows, protocols).getBytes(StandardCharsets.UTF_8));
        Map<Path, byte[]> plots = Map.of();
        try {
            plots = rows.isEmpty() ? Map.of() : StudyCharts.plots(out.resolve("plots"), rows, protocols);
        } catch (LinkageError e) {
            // a Java runtime linked without java.desktop: the tables are still worth having
            err.println("study: no charts: " + PlotCommand.noDesktop(e));
        }
        files.put(out.resolve("study.md"), StudyTables.markdown(commands, table, rows, protocols, plots.keySet(), out)
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
}
