package org.gmi.study;

import org.gmi.cli.AtomicOutputs;
import org.gmi.graph.Json;
import org.gmi.graph.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One cell of a study: one {@code gmi train} run into {@code DIR/runs/}{@link #dirName()}.
 *
 * @param dataset     the dataset's name in the study ({@link StudyCommand#shortName})
 * @param datasetSpec what --dataset is given (a bundled name or a path)
 * @param settings    the gmi train flags but --dataset, --out, --force and --threads
 */
record StudyCell(String dataset, String datasetSpec, StudyMethod method, int hidden, int layers, int seed,
                 List<String> settings) {

    /** {@code cora-gmi-adaptive-h512-l2-s0}. */
    String dirName() {
        return dataset + "-" + method.cliName + "-h" + hidden + "-l" + layers + "-s" + seed;
    }

    String describe() {
        return dataset + " " + method.cliName + ", hidden " + hidden + ", layers " + layers + ", seed " + seed;
    }

    /** The whole gmi train command line of the cell. */
    List<String> trainArgs(Path dir, int threads) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(settings);
        a.addAll(List.of("--dataset", datasetSpec, "--out", dir.toString(), "--force", "--threads", Integer.toString(threads)));
        return a;
    }

    /** Writes {@code study-cell.json}: the cell, its flags and how its memory is measured ("cell" or "process"). */
    void writeRecord(Path dir, String memoryScope) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("dataset_spec", datasetSpec);
        m.put("method", method.cliName);
        m.put("hidden", hidden);
        m.put("layers", layers);
        m.put("seed", seed);
        m.put("settings", settings);
        m.put("memory_scope", memoryScope);
        Path file = dir.resolve(StudyCommand.CELL_FILE);
        try (AtomicOutputs outputs = new AtomicOutputs()) {
            Files.writeString(outputs.temp(file), Json.write(m) + "\n", StandardCharsets.UTF_8);
            outputs.commit();
        }
    }

    /** The cell record in {@code dir}, or null when there is none (or it cannot be read). */
    static Map<String, Object> readRecord(Path dir) {
        Path file = dir.resolve(StudyCommand.CELL_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Map<String, Object> m = JsonReader.object(Files.readString(file, StandardCharsets.UTF_8));
            m.put("settings", strings(m.get("settings")));
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            for (Object o : l) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }
}
