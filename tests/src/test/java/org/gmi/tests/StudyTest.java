package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.gmi.engine.Parallel;
import org.gmi.graph.Graph;
import org.gmi.graph.PlainWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gmi study} and {@code gmi plot embeddings} through the real command line, on a planted
 * 60-node graph written in the plain format: the cells, study.csv, study.md, the PNG charts (decoded),
 * a rerun that skips every cell and rewrites the aggregates, a rerun with other flags refused, one
 * cell in a child JVM (--jvm-per-cell), and the PCA scatter of a cell's embeddings. Kept small (12 cells
 * of 4 epochs): the real study runs from scripts/run-study.sh.
 */
class StudyTest {
    private static final List<String> PLOTS = List.of("loss-planted.png", "accuracy-vs-hidden.png", "accuracy-vs-layers.png",
            "seconds-per-epoch.png", "peak-memory.png");

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    private Path writePlantedGraph() {
        Graph g = TestGraphs.planted(new SplittableRandom(42), "planted", 60, 3, 0.3, 0.02, 4);
        Path folder = dir.resolve("planted");
        PlainWriter.write(g, folder);
        return folder;
    }

    @Test
    void gridWritesTablesAndPlotsAndARerunSkipsEveryCell() throws Exception {
        Path data = writePlantedGraph();
        Path out = dir.resolve("study");
        String[] args = {"study", "--datasets", data.toString(), "--methods", "dgi,gmi,gmi-adaptive",
            "--seeds", "2", "--hidden", "8,16", "--layers", "2", "--epochs", "4", "--eval-runs", "2", "--threads", "1",
            "--out", out.toString()};
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), r.toString());
        // DGI: 2 widths x 2 seeds (at one layer, whatever --layers says); two GMI methods: 2 widths x 2 seeds
        int cells = 2 * 2 + 2 * 2 * 2;
        assertTrue(r.err().contains("study: " + cells + " cells"), r.err());
        assertTrue(r.err().contains("0 finished earlier, " + cells + " to run"), r.err());
        assertTrue(r.err().contains("study: cell " + cells + "/" + cells + " done in"), r.err());
        assertTrue(r.err().contains("ETA"), "a grid ETA once a cell has finished:\n" + r.err());

        // every cell folder holds what gmi train writes, plus the study's record of the cell
        List<Path> runs;
        try (Stream<Path> s = Files.list(out.resolve("runs"))) {
            runs = s.sorted().toList();
        }
        assertEquals(cells, runs.size(), runs.toString());
        for (Path run : runs) {
            try (Stream<Path> s = Files.list(run)) {
                assertEquals(List.of("embeddings.npy", "encoder.gmi", "metrics.json", "split.json", "study-cell.json"),
                        s.map(p -> p.getFileName().toString()).sorted().toList(), run.toString());
            }
        }
        assertTrue(Files.isDirectory(out.resolve("runs/planted-gmi-adaptive-h16-l2-s1")));
        assertTrue(Files.isDirectory(out.resolve("runs/planted-dgi-h8-l1-s0")));
        assertFalse(Files.exists(out.resolve("runs/planted-dgi-h8-l2-s0")), "DGI has one layer: no cell at two");
        assertFalse(Files.exists(out.resolve("runs/planted-gmi-h8-l1-s0")), "GMI at the depths asked only");

        // study.csv: one row per dataset, method, width and depth, two seeds each
        List<String> csv = Files.readAllLines(out.resolve("study.csv"));
        List<String> header = Arrays.asList(csv.get(0).split(","));
        for (String column : List.of("dataset", "method", "hidden", "layers", "seeds", "acc_val_mean_pct", "acc_val_std_pct",
                "acc_paper_mean_pct", "acc_paper_std_pct", "best_epoch_mean", "seconds_per_epoch", "wall_seconds_mean",
                "peak_rss_mib", "memory_scope", "max_epochs", "reconstruction", "variant", "jsd_on")) {
            assertTrue(header.contains(column), "study.csv lacks column " + column + ": " + header);
        }
        assertEquals(1 + 2 + 2 * 2, csv.size(), String.join("\n", csv));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : csv.subList(1, csv.size())) {
            String[] v = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int k = 0; k < header.size(); k++) {
                row.put(header.get(k), v[k]);
            }
            rows.put(row.get("method") + "-h" + row.get("hidden") + "-l" + row.get("layers"), row);
        }
        for (Map<String, String> row : rows.values()) {
            assertEquals("planted", row.get("dataset"));
            assertEquals("2", row.get("seeds"), row.toString());
            for (String acc : List.of("acc_val_mean_pct", "acc_paper_mean_pct")) {
                double a = Double.parseDouble(row.get(acc));
                assertTrue(a >= 0 && a <= 100, acc + " " + row);
            }
            assertTrue(Double.parseDouble(row.get("acc_val_std_pct")) >= 0, row.toString());
            double best = Double.parseDouble(row.get("best_epoch_mean"));
            assertTrue(best >= 1 && best <= 4, row.toString());
            assertEquals("4", row.get("max_epochs"), row.toString());
            assertEquals("process", row.get("memory_scope"), row.toString());
            assertTrue(Double.parseDouble(row.get("peak_rss_mib")) > 0, row.toString());
        }
        assertEquals("adaptive", rows.get("gmi-adaptive-h16-l2").get("variant"));
        assertEquals("probabilities", rows.get("gmi-adaptive-h16-l2").get("jsd_on"));
        assertEquals("exact", rows.get("gmi-h8-l2").get("reconstruction"));
        assertEquals("", rows.get("dgi-h8-l1").get("variant"), "GMI settings stay empty for DGI");

        // study.md: the command line above the table, the table, the significance paragraph, the plots
        String md = Files.readString(out.resolve("study.md"));
        assertTrue(md.contains("    ./gmi study --datasets " + data), md);
        long tableRows = md.lines().filter(l -> l.startsWith("| planted |")).count();
        assertEquals(csv.size() - 1, tableRows, md);
        assertTrue(md.contains("## What differs significantly"), md);
        assertTrue(md.contains("gmi ") && md.contains(" % vs dgi ")
                && java.util.regex.Pattern.compile("p (= [01]\\.\\d{3}|< 0\\.001)\\)").matcher(md).find(), md);
        assertFalse(md.contains("p = <"), md);
        for (String plot : PLOTS) {
            assertTrue(md.contains("(plots/" + plot + ")"), plot + " linked from study.md");
            assertValidPng(out.resolve("plots").resolve(plot));
        }
        // the table also goes to stdout
        assertTrue(r.out().contains("| planted | gmi-adaptive | 16 | 2 | 2 |"), r.out());

        // a second run skips every cell (their files untouched) and rewrites the aggregates
        Map<Path, FileTime> before = new LinkedHashMap<>();
        for (Path run : runs) {
            before.put(run, Files.getLastModifiedTime(run.resolve("metrics.json")));
        }
        Files.delete(out.resolve("study.csv"));
        Cli again = Cli.run(args);
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.err().contains(cells + " finished earlier, 0 to run"), again.err());
        assertFalse(again.err().contains("study: cell 1/"), again.err());
        for (Path run : runs) {
            assertEquals(before.get(run), Files.getLastModifiedTime(run.resolve("metrics.json")), run.toString());
        }
        assertEquals(csv, Files.readAllLines(out.resolve("study.csv")), "the same table from the same cells");
        assertEquals(1, Files.readString(out.resolve("study.md")).lines().filter(l -> l.startsWith("    ./gmi study")).count(),
                "the same command is recorded once");

        // --report-only rebuilds the aggregates from the finished cells, running and recording nothing
        Files.delete(out.resolve("study.csv"));
        String commands = Files.readString(out.resolve("commands.txt"));
        Cli report = Cli.run("study", "--report-only", "--out", out.toString());
        assertEquals(0, report.code(), report.toString());
        assertFalse(report.err().contains("study: cell"), report.err());
        assertEquals(csv, Files.readAllLines(out.resolve("study.csv")), "the same table from the same cells");
        assertTrue(report.out().contains("| planted | gmi-adaptive | 16 | 2 | 2 |"), report.out());
        assertEquals(commands, Files.readString(out.resolve("commands.txt")), "--report-only records no command");
        for (Path run : runs) {
            assertEquals(before.get(run), Files.getLastModifiedTime(run.resolve("metrics.json")), run.toString());
        }
        Cli notStudy = Cli.run("study", "--report-only", "--out", dir.toString());
        assertEquals(2, notStudy.code(), notStudy.toString());
        assertTrue(notStudy.err().contains("not a study folder"), notStudy.err());

        // the same cells with other training flags: refused before anything runs, nothing changed
        String[] other = args.clone();
        other[Arrays.asList(other).indexOf("--epochs") + 1] = "5";
        Cli refused = Cli.run(other);
        assertEquals(2, refused.code(), refused.toString());
        assertTrue(refused.err().contains("was run with other flags"), refused.err());
        for (Path run : runs) {
            assertEquals(before.get(run), Files.getLastModifiedTime(run.resolve("metrics.json")), run.toString());
        }

        // gmi plot embeddings: the PCA scatter of one cell's embeddings
        Path png = dir.resolve("emb.png");
        Cli plot = Cli.run("plot", "embeddings", "--embeddings", out.resolve("runs/planted-gmi-h16-l2-s0/embeddings.npy").toString(),
                "--dataset", data.toString(), "--out", png.toString());
        assertEquals(0, plot.code(), plot.toString());
        assertTrue(plot.err().contains("PCA: the first two components explain"), plot.err());
        assertValidPng(png);
        Cli exists = Cli.run("plot", "embeddings", "--embeddings", out.resolve("runs/planted-gmi-h16-l2-s0/embeddings.npy").toString(),
                "--dataset", data.toString(), "--out", png.toString());
        assertEquals(2, exists.code(), "an existing --out needs --force\n" + exists);
    }

    /** One cell in a child JVM: its peak RSS is its own, and the tables say so. */
    @Test
    void jvmPerCellRecordsEachCellsOwnMemory() throws Exception {
        Path data = writePlantedGraph();
        Path out = dir.resolve("study-jvm");
        Cli r = Cli.run("study", "--datasets", data.toString(), "--methods", "gmi-logits", "--seeds", "1", "--hidden", "8",
                "--epochs", "3", "--eval-runs", "1", "--protocol", "val", "--threads", "1", "--jvm-per-cell", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("each in a child JVM"), r.err());
        assertTrue(r.err().contains("epoch 3/3"), "the child's progress is copied to stderr:\n" + r.err());
        List<String> csv = Files.readAllLines(out.resolve("study.csv"));
        assertEquals(2, csv.size(), String.join("\n", csv));
        List<String> header = Arrays.asList(csv.get(0).split(","));
        String[] row = csv.get(1).split(",", -1);
        assertEquals("cell", row[header.indexOf("memory_scope")]);
        assertEquals("logits", row[header.indexOf("jsd_on")]);
        assertEquals("mean", row[header.indexOf("variant")]);
        assertFalse(header.contains("acc_paper_mean_pct"), "only the protocols evaluated get columns");
        String md = Files.readString(out.resolve("study.md"));
        assertTrue(md.contains("each cell's own process"), md);
    }

    /** The file is a PNG (signature) that decodes to a non-empty image. */
    static void assertValidPng(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        assertTrue(bytes.length > 1000, file + ": " + bytes.length + " bytes");
        assertArrayEquals(signature, Arrays.copyOf(bytes, 8), file + " is not a PNG");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode");
        assertTrue(image.getWidth() >= 400 && image.getHeight() >= 300, file + ": " + image.getWidth() + "x" + image.getHeight());
        // not blank: more than one colour
        int first = image.getRGB(0, 0);
        List<Integer> others = new ArrayList<>();
        for (int y = 0; y < image.getHeight() && others.isEmpty(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                if (image.getRGB(x, y) != first) {
                    others.add(image.getRGB(x, y));
                    break;
                }
            }
        }
        assertFalse(others.isEmpty(), file + " is a blank image");
    }
}
