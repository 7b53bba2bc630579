package org.gmi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gmi.graph.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Minibatch training through the command line: its outputs, gmi embed on them, and its refusals. */
class MinibatchCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"gmi, 2, '25,10', '[25.0, 10.0]'", "dgi, 1, 5, '[5.0]'"})
    void aMinibatchRunWritesItsSettingsAndEmbedReproducesItsEmbeddings(String method, String layers, String fanout, String recorded)
            throws Exception {
        Path run = dir.resolve("run");
        Cli r = Cli.run("train", "--method", method, "--dataset", "cora", "--layers", layers, "--epochs", "2", "--hidden", "8",
                "--threads", "2", "--batch-size", "1000", "--fanout", fanout, "--no-eval", "--out", run.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("minibatches of 1000 seed nodes, fan-out " + fanout), r.err());
        Map<String, Object> m = JsonReader.object(Files.readString(run.resolve("metrics.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) m.get("config");
        assertEquals(1000.0, config.get("batch_size"), config.toString());
        assertEquals(recorded, String.valueOf(config.get("fanout")), config.toString());

        Path out = dir.resolve("embedded");
        Cli e = Cli.run("embed", "--model", run.resolve("encoder.gmi").toString(), "--dataset", "cora", "--threads", "2",
                "--out", out.toString());
        assertEquals(0, e.code(), e.toString());
        assertArrayEquals(Files.readAllBytes(run.resolve("embeddings.npy")), Files.readAllBytes(out.resolve("embeddings.npy")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--variant adaptive|--variant adaptive: GMI-adaptive weights neighbours by their embeddings, which a minibatch computes for its seeds only; use --variant mean with --batch-size",
        "--reconstruction sampled|--reconstruction sampled: minibatch training computes the reconstruction exactly over each batch's B x B seed pairs; drop --reconstruction or --batch-size",
        "--fanout 5,5|--fanout gives 2 fan-outs for an encoder of 1 layer; give one per layer",
        "--device opencl|--batch-size: minibatch training runs on the CPU; drop --device"})
    void whatMinibatchesCannotDoIsRefusedWithOneLine(String flags, String message) throws Exception {
        Path out = dir.resolve("refused");
        List<String> args = new ArrayList<>(List.of("train", "--method", "gmi", "--dataset", "citeseer", "--epochs", "1",
                "--hidden", "8", "--batch-size", "64", "--out", out.toString()));
        args.addAll(List.of(flags.split(" ")));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        String last = r.errLines().get(r.errLines().size() - 1);
        assertTrue(last.startsWith("gmi: error: " + message), last);
        assertFalse(Files.exists(out.resolve("metrics.json")) || Files.exists(out.resolve("embeddings.npy")), r.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void benchInMinibatchesRecordsThroughputAndTheSamplingPhase() throws Exception {
        Path out = dir.resolve("bench");
        Cli r = Cli.run("bench", "--method", "gmi", "--dataset", "cora", "--hidden", "8", "--epochs", "3", "--warmup", "1",
                "--threads", "2", "--batch-size", "512", "--fanout", "5,5", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        Map<String, Object> m = JsonReader.object(Files.readString(out.resolve("bench.json")));
        assertEquals(512.0, m.get("batch_size"));
        assertEquals("5,5", m.get("fanout"));
        double seconds = (Double) m.get("seconds_per_epoch");
        assertEquals(2708 / seconds, (Double) m.get("nodes_per_second"), 1e-6 * (Double) m.get("nodes_per_second"));
        Map<String, Object> phases = (Map<String, Object>) m.get("phases");
        assertTrue((Double) phases.get("sampling") > 0, phases.toString());
        assertEquals(null, m.get("flop_per_epoch"));
        assertTrue(r.out().contains("batches of 512, fan-out 5,5"), r.out());
    }

    @Test
    void fanoutWithoutBatchSizeIsRefused() {
        Cli r = Cli.run("train", "--method", "dgi", "--dataset", "cora", "--fanout", "10", "--out", dir.resolve("x").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--fanout applies to minibatch training; give --batch-size too"), r.err());
    }
}
