package org.gmi.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.graph.Graph;
import org.gmi.models.EncoderFile;
import org.gmi.models.Method;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;

/**
 * {@code metrics.json} of {@code gmi train}: the one place that names its keys and their order (the
 * schema is in docs/outputs.md). What ran (method, configuration, flags), on what (the graph, the
 * device, the threads), how it went (losses and GMI's terms per epoch, timings, peak memory) and the
 * probe's results. GMI's keys are null for DGI.
 *
 * @param flags       every flag of the command line, defaults included ({@link RunInfo#flags})
 * @param devicePeakMib the device's peak buffer memory, null for the CPU
 * @param resumedFromEpoch the epoch a resumed run started from, null for a fresh run
 * @param inductive   what an inductive run trained on and tested (--inductive), null otherwise
 * @param environment the JVM, the machine and the build ({@link RunInfo#environment})
 */
record TrainingMetrics(TrainConfig config, Graph graph, String datasetSource, int threads, String device,
                       Double devicePeakMib, Map<String, Object> flags, TrainResult result, Timings timings,
                       PeakMemory.Reading peak, long estimatedMib, Integer resumedFromEpoch, Map<String, Object> inductive,
                       ProbeOptions.Evaluation evaluation, Map<String, Object> environment) {

    /** Wall-clock seconds of the run's phases. */
    record Timings(double load, double train, double eval, double total) {}

    /** The file's content, in its order. */
    Map<String, Object> toJson() {
        boolean gmi = config.method == Method.GMI;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", config.method.cliName());
        m.put("dataset", graph.name());
        m.put("dataset_source", datasetSource);
        m.put("nodes", graph.numNodes());
        m.put("edges", graph.numUndirectedEdges());
        m.put("features", graph.numFeatures());
        m.put("classes", graph.numClasses());
        m.put("split", TrainCommand.splitJson(graph));
        m.put("inductive", inductive);
        m.put("layers", config.layers);
        m.put("hidden", config.hidden);
        m.put("seed", config.seed);
        m.put("threads", threads);
        m.put("device", device);
        m.put("device_peak_mib", devicePeakMib);
        m.put("reconstruction", gmi ? config.reconstruction.cliName() : null);
        m.put("recon_negatives", gmi && config.reconstruction == ReconstructionMode.SAMPLED ? config.reconNegatives : null);
        m.put("variant", gmi ? config.variant.cliName() : null);
        m.put("jsd_on", gmi ? TrainConfig.jsdOnName(config.jsdOn) : null);
        m.put("config", flags);
        m.put("epochs_run", result.epochsRun());
        m.put("best_epoch", result.bestEpoch());
        m.put("seconds_per_epoch", RunInfo.median(result.epochSeconds()));
        m.put("load_seconds", timings.load());
        m.put("train_seconds", timings.train());
        m.put("eval_seconds", timings.eval());
        m.put("total_seconds", timings.total());
        m.put("peak_rss_mib", peak.mib());
        m.put("peak_rss_source", peak.source());
        m.put("estimated_memory_mib", estimatedMib);
        m.put("resumed_from_epoch", resumedFromEpoch);
        m.put("loss", result.loss());
        m.put("terms", result.terms());
        m.put("epoch_seconds", result.epochSeconds());
        ProbeOptions.putResults(m, evaluation);
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("file", "embeddings.npy");
        file.put("dtype", "float32");
        // a Spark run without evaluation does not read its embeddings back: their shape is the graph's nodes by d
        file.put("shape", result.embeddings() != null ? List.of(result.embeddings().rows, result.embeddings().cols)
                : List.of(graph.numNodes(), config.hidden));
        m.put("embeddings", file);
        // the encoder that made them (gmi embed --model DIR/encoder.gmi), when the run saved one
        if (result.encoder() != null) {
            Map<String, Object> encoder = new LinkedHashMap<>();
            encoder.put("file", EncoderFile.FILE);
            encoder.put("format_version", EncoderFile.VERSION);
            encoder.put("layers", result.encoder().layers());
            encoder.put("features", result.encoder().features());
            encoder.put("hidden", result.encoder().hidden());
            m.put("encoder", encoder);
        }
        m.putAll(environment);
        return m;
    }
}
