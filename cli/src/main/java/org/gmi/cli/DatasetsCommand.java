package org.gmi.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.graph.Datasets;
import org.gmi.graph.Downloads;
import org.gmi.graph.Graph;
import org.gmi.graph.Json;
import org.gmi.graph.SplitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gmi datasets}: the bundled datasets and their statistics, as a table or as JSON. */
@Command(name = "datasets", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        subcommands = {DatasetsExportCommand.class, DatasetsDownloadCommand.class},
        description = {"List the bundled datasets and their statistics, then the datasets",
                "downloaded by name (cached, or fetched on first use).",
                "",
                "Each can be used as --dataset NAME. Edges are undirected, self loops not",
                "counted; train/val/test are the sizes of the public split."})
final class DatasetsCommand extends GmiCommand {
    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Override
    protected int run() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : Datasets.bundled()) {
            Graph g = DatasetOptions.load(name, SplitOptions.DEFAULT);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", name);
            r.put("nodes", g.numNodes());
            r.put("edges", g.numUndirectedEdges());
            r.put("self_loops", g.report() == null ? 0 : g.report().selfLoops());
            r.put("features", g.numFeatures());
            r.put("classes", g.numClasses());
            r.put("train", g.split().train().length);
            r.put("val", g.split().val().length);
            r.put("test", g.split().test().length);
            r.put("split", g.split().kind());
            r.put("where", "bundled");
            rows.add(r);
        }
        List<Map<String, Object>> downloads = new ArrayList<>();
        for (Downloads.Entry e : Downloads.entries()) {
            if (DatasetOptions.isBundled(e.name())) {
                continue;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", e.name());
            r.put("where", Downloads.isCached(e) ? "cached" : "downloadable");
            r.put("path", Downloads.folder(e).toString());
            r.put("pyg", e.pyg());
            r.put("source", Downloads.url(e, e.files().get(0)));
            r.put("sha256_pinned", !e.sha256().isEmpty());
            downloads.add(r);
        }
        if (json) {
            List<Map<String, Object>> all = new ArrayList<>(rows);
            all.addAll(downloads);
            out().println(Json.write(all));
            return ExitCodes.OK;
        }
        String[] header = {"name", "nodes", "edges", "self_loops", "features", "classes", "train", "val", "test", "split"};
        List<String[]> cells = new ArrayList<>();
        cells.add(header);
        for (Map<String, Object> r : rows) {
            String[] line = new String[header.length];
            for (int i = 0; i < header.length; i++) {
                line[i] = String.valueOf(r.get(header[i]));
            }
            cells.add(line);
        }
        int[] width = new int[header.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                boolean text = i == 0 || i == line.length - 1;
                String cell = text ? line[i] + " ".repeat(width[i] - line[i].length())
                        : " ".repeat(width[i] - line[i].length()) + line[i];
                sb.append(i == 0 ? "" : "  ").append(cell);
            }
            out().println(sb.toString().stripTrailing());
        }
        out().println();
        out().println("by name, downloaded on first use into " + Downloads.cacheRoot() + " ($GMI_DATA):");
        for (Map<String, Object> r : downloads) {
            out().println(Text.fmt("%-17s %-13s %-27s %s", r.get("name"), r.get("where"), r.get("pyg"),
                    r.get("where").equals("cached") ? r.get("path") : r.get("source")));
        }
        return ExitCodes.OK;
    }
}
