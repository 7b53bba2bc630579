package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.Matrix;
import org.gmi.graph.Datasets;
import org.gmi.graph.Graph;
import org.gmi.graph.Json;
import org.gmi.graph.JsonReader;
import org.gmi.models.Method;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.junit.jupiter.api.Test;

/** metrics.json as TrainingMetrics writes it: its keys in order, GMI's keys null for DGI, values read back as written. */
class TrainingMetricsTest {
    private static final Graph CORA = Datasets.loadBundled("cora");
    private static final List<String> KEYS = List.of("method", "dataset", "dataset_source", "nodes", "edges", "features",
            "classes", "split", "inductive", "layers", "hidden", "seed", "threads", "device", "device_peak_mib", "reconstruction",
            "recon_negatives", "variant", "jsd_on", "config", "epochs_run", "best_epoch", "seconds_per_epoch", "load_seconds",
            "train_seconds", "eval_seconds", "total_seconds", "peak_rss_mib", "peak_rss_source", "estimated_memory_mib",
            "resumed_from_epoch", "loss", "terms", "epoch_seconds", "eval", "clustering", "eval_skipped", "embeddings", "java");

    private static TrainingMetrics metrics(TrainConfig c, Integer resumedFrom) {
        Map<String, double[]> terms = new LinkedHashMap<>();
        terms.put("mi_feature", new double[] {1.5, 1.25, 1.0});
        TrainResult r = new TrainResult(new Matrix(CORA.numNodes(), c.hidden), 3, 2, new double[] {3, 2, 2.5}, terms,
                new double[] {0.4, 0.1, 0.3}, null);
        return new TrainingMetrics(c, CORA, "cora", 2, "cpu", null, Map.of("--hidden", c.hidden), r,
                new TrainingMetrics.Timings(0.5, 0.8, 0.25, 1.75), new PeakMemory.Reading(321.5, "cell"), 400, resumedFrom, null,
                ProbeOptions.Evaluation.none("--no-eval"), Map.of("java", "25"));
    }

    @Test
    void gmiMetricsHoldEveryKeyInOrderAndReadBackAsWritten() {
        TrainConfig c = new TrainConfig();
        c.method = Method.GMI;
        c.hidden = 16;
        c.layers = 2;
        c.reconstruction = ReconstructionMode.SAMPLED;
        c.reconNegatives = 7;
        Map<String, Object> json = JsonReader.object(Json.write(metrics(c, 2).toJson()));
        assertEquals(KEYS, List.copyOf(json.keySet()));
        assertEquals("gmi", json.get("method"));
        assertEquals(2708L, ((Number) json.get("nodes")).longValue());
        assertEquals(2L, ((Number) json.get("layers")).longValue());
        assertEquals("sampled", json.get("reconstruction"));
        assertEquals(7L, ((Number) json.get("recon_negatives")).longValue());
        assertEquals("mean", json.get("variant"));
        assertEquals(0.3, ((Number) json.get("seconds_per_epoch")).doubleValue(), 0.0, "median of the epochs' seconds");
        assertEquals(1.75, ((Number) json.get("total_seconds")).doubleValue(), 0.0);
        assertEquals(2L, ((Number) json.get("resumed_from_epoch")).longValue());
        assertEquals(List.of(3.0, 2.0, 2.5), json.get("loss"));
        assertEquals(Map.of("mi_feature", List.of(1.5, 1.25, 1.0)), json.get("terms"));
        assertEquals(Map.of("file", "embeddings.npy", "dtype", "float32", "shape", List.of(2708.0, 16.0)), json.get("embeddings"));
        assertNull(json.get("eval"));
        assertEquals("--no-eval", json.get("eval_skipped"));
        assertEquals("25", json.get("java"));
    }

    @Test
    void dgiMetricsLeaveGmiKeysNull() {
        TrainConfig c = new TrainConfig();
        c.method = Method.DGI;
        c.layers = 1;
        Map<String, Object> json = JsonReader.object(Json.write(metrics(c, null).toJson()));
        assertEquals(KEYS, List.copyOf(json.keySet()));
        assertEquals("dgi", json.get("method"));
        for (String key : List.of("reconstruction", "recon_negatives", "variant", "jsd_on", "resumed_from_epoch", "device_peak_mib")) {
            assertTrue(json.containsKey(key) && json.get(key) == null, key + " is null for DGI: " + json.get(key));
        }
    }
}
