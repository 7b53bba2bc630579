package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gmi.engine.Matrix;
import org.gmi.engine.CpuBackend;
import org.gmi.graph.Datasets;
import org.gmi.graph.Graph;
import org.gmi.graph.PlainWriter;
import org.gmi.models.Method;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainResult;
import org.gmi.models.TrainState;
import org.gmi.models.Trainer;
import org.gmi.models.TrainingListener;
import org.gmi.opencl.OpenClBackend;
import org.gmi.opencl.OpenClDevices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GMI and DGI trained on an OpenCL device (PoCL in the default suite) against the CPU backend, and the
 * {@code --device} command line. The 40-epoch, 512-dimension Cora comparison of the issue takes
 * about 17 minutes on PoCL and is a script ({@code scripts/opencl-vs-cpu.sh}); here the same check
 * runs for 3 epochs at 32 dimensions.
 *
 * <p>Without an OpenCL device the device tests are skipped, saying why, and fail when
 * {@code GMI_REQUIRE_OPENCL=1} (set by {@code .ci/run}).
 */
class OpenClTrainingTest {
    @TempDir
    Path dir;

    private static OpenClBackend openOrSkip() {
        OpenClDevices.Found found = OpenClDevices.find();
        if (found.devices().isEmpty()) {
            String why = "OpenCL tests need an OpenCL device (apt-get install pocl-opencl-icd ocl-icd-libopencl1): " + found.summary();
            if ("1".equals(System.getenv("GMI_REQUIRE_OPENCL")) || Boolean.getBoolean("gmi.requireOpenCl")) {
                fail(why + " [GMI_REQUIRE_OPENCL=1: a missing device is a failure]");
            }
            System.err.println("SKIPPED: " + why + " [set GMI_REQUIRE_OPENCL=1 to fail instead]");
            Assumptions.abort(why + " [skipped; set GMI_REQUIRE_OPENCL=1 to fail instead]");
        }
        return OpenClBackend.open("opencl");
    }

    /** GMI with the sampled reconstruction (its own kernels), the loss of every epoch as in the exact case. */
    @Test
    void coraWithTheSampledReconstructionOnOpenClFollowsTheCpuBackend() {
        Graph cora = Datasets.loadBundled("cora");
        TrainConfig c = cora(Method.GMI, 3);
        c.reconstruction = ReconstructionMode.SAMPLED;
        TrainResult cpu = Trainer.train(cora, c, TrainingListener.NONE, Trainer.Checkpointing.NONE, CpuBackend.INSTANCE);
        TrainResult dev;
        try (OpenClBackend cl = openOrSkip()) {
            dev = Trainer.train(cora, c, TrainingListener.NONE, Trainer.Checkpointing.NONE, cl);
        }
        for (int e = 0; e < cpu.epochsRun(); e++) {
            double a = cpu.terms().get("reconstruction")[e];
            double b = dev.terms().get("reconstruction")[e];
            assertTrue(Math.abs(a - b) <= 1e-3 * Math.abs(a), "epoch " + (e + 1) + ": sampled reconstruction cpu " + a + ", opencl " + b);
            assertTrue(Math.abs(cpu.loss()[e] - dev.loss()[e]) <= 1e-3 * Math.abs(cpu.loss()[e]), "epoch " + (e + 1) + " loss");
        }
    }

    private static TrainConfig cora(Method method, int epochs) {
        TrainConfig c = new TrainConfig();
        c.method = method;
        c.hidden = 32;
        c.epochs = epochs;
        c.patience = epochs;
        c.seed = 0;
        return c;
    }

    /** The loss of every epoch within 1e-3 relative (each term too), and the embeddings close. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Method.class)
    void coraOnOpenClFollowsTheCpuBackend(Method method) {
        Graph cora = Datasets.loadBundled("cora");
        TrainResult cpu = Trainer.train(cora, cora(method, 3), TrainingListener.NONE, Trainer.Checkpointing.NONE, CpuBackend.INSTANCE);
        TrainResult dev;
        try (OpenClBackend cl = openOrSkip()) {
            dev = Trainer.train(cora, cora(method, 3), TrainingListener.NONE, Trainer.Checkpointing.NONE, cl);
            assertTrue(cl.peakBytes() > 2708L * 32 * 4, "peak device memory " + cl.peakBytes());
        }
        assertEquals(cpu.epochsRun(), dev.epochsRun());
        for (int e = 0; e < cpu.epochsRun(); e++) {
            double a = cpu.loss()[e];
            double b = dev.loss()[e];
            assertTrue(Math.abs(a - b) <= 1e-3 * Math.abs(a), "epoch " + (e + 1) + ": loss cpu " + a + ", opencl " + b);
            for (Map.Entry<String, double[]> t : cpu.terms().entrySet()) {
                double x = t.getValue()[e];
                double y = dev.terms().get(t.getKey())[e];
                assertTrue(Math.abs(x - y) <= 1e-3 * Math.abs(x), "epoch " + (e + 1) + ": " + t.getKey() + " cpu " + x + ", opencl " + y);
            }
        }
        Matrix h = cpu.embeddings();
        Matrix g = dev.embeddings();
        double max = 0;
        double diff = 0;
        for (int i = 0; i < h.data.length; i++) {
            max = Math.max(max, Math.abs(h.data[i]));
            diff = Math.max(diff, Math.abs(h.data[i] - g.data[i]));
        }
        assertTrue(diff <= 1e-2 * max, "embeddings differ by " + diff + " (largest entry " + max + ")");
    }

    /**
     * The device kernels are deterministic (one writer per output, reductions in a fixed order), so a
     * run resumed on the device from a checkpoint taken on the device ends bit for bit where the
     * uninterrupted one does; the checkpoint holds the device's parameters, moments and best epoch.
     */
    @Test
    void aCheckpointTakenOnTheDeviceResumesThereBitForBit() {
        Graph g = TestGraphs.planted(new SplittableRandom(5), "planted", 50, 2, 0.3, 0.02, 3);
        TrainConfig c = cora(Method.GMI, 5);
        c.hidden = 16;
        c.patience = 2;
        List<TrainState> states = new ArrayList<>();
        try (OpenClBackend cl = openOrSkip()) {
            TrainResult full = Trainer.train(g, c, TrainingListener.NONE, new Trainer.Checkpointing(2, states::add, null), cl);
            TrainState atTwo = states.get(0);
            assertEquals(2, atTwo.epochsDone());
            TrainResult resumed = Trainer.train(g, c, TrainingListener.NONE, new Trainer.Checkpointing(2, s -> {}, atTwo), cl);
            assertArrayEquals(full.loss(), resumed.loss());
            assertEquals(full.bestEpoch(), resumed.bestEpoch());
            assertArrayEquals(full.embeddings().data, resumed.embeddings().data);
        }
    }

    @Test
    void trainOnOpenClThroughTheCommandLineRecordsTheDevice() throws Exception {
        openOrSkip().close();
        Graph g = TestGraphs.planted(new SplittableRandom(3), "planted", 40, 2, 0.3, 0.02, 3);
        Path data = dir.resolve("planted");
        PlainWriter.write(g, data);
        Path out = dir.resolve("run");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", data.toString(), "--out", out.toString(), "--hidden", "8",
                "--epochs", "3", "--no-eval", "--device", "opencl", "--train-frac", "0.2", "--val-frac", "0.2");
        assertEquals(0, r.code(), r.toString());
        String metrics = Files.readString(out.resolve("metrics.json"));
        assertTrue(metrics.contains("\"device\": \"opencl:"), metrics);
        assertFalse(metrics.contains("\"device_peak_mib\": null"), metrics);
        Cli devices = Cli.run("devices");
        assertEquals(0, devices.code(), devices.toString());
        assertTrue(devices.outLines().get(0).startsWith("cpu  CPU  "), devices.toString());
        assertTrue(devices.outLines().stream().anyMatch(l -> l.startsWith("opencl:0:0  ")), devices.toString());
    }

    /** The case: no GPU here, so --device gpu is bad input, one line naming what was found, and no outputs. */
    /** GMI-adaptive is refused by the backend's own capability check: one line, exit 2, nothing written. */
    @Test
    void gmiAdaptiveOnABackendWithoutNeighbourWeightKernelsIsRefused() throws Exception {
        try (OpenClBackend cl = openOrSkip()) {
            assertFalse(cl.hasNeighbourWeights());
            assertTrue(CpuBackend.INSTANCE.hasNeighbourWeights());
        }
        Path out = dir.resolve("adaptive-run");
        Cli r = Cli.run("train", "--method", "gmi", "--variant", "adaptive", "--dataset", "cora", "--device", "opencl",
                "--out", out.toString(), "--epochs", "2");
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(r.errLines().get(0).startsWith("gmi: error: --variant adaptive: backend opencl:"), r.toString());
        assertTrue(r.errLines().get(0).contains("has no kernels for GMI-adaptive's neighbour weights"), r.toString());
        assertFalse(Files.exists(out), "a refused run must not create " + out);
    }

    @Test
    void deviceGpuWithoutAGpuExitsTwoNamingTheDevicesFound() {
        OpenClDevices.Found found = OpenClDevices.find();
        Assumptions.assumeFalse(found.devices().stream().anyMatch(d -> d.type().equals("GPU")), "this machine has a GPU");
        Path out = dir.resolve("gpu-run");
        Cli r = Cli.run("train", "--method", "gmi", "--dataset", "cora", "--device", "gpu", "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), r.toString());
        assertTrue(lines.get(0).startsWith("gmi: error: --device gpu: no OpenCL GPU on this machine; "), lines.get(0));
        for (OpenClDevices.Device d : found.devices()) {
            assertTrue(lines.get(0).contains(d.spec() + " " + d.type() + " " + d.name()), lines.get(0));
        }
        if (found.devices().isEmpty()) {
            assertTrue(lines.get(0).contains("no OpenCL device found ("), lines.get(0));
        }
        assertFalse(Files.exists(out), "no output folder");
    }

    @Test
    void deviceValuesAndWhatDevicesRunAreChecked() {
        Path out = dir.resolve("bad");
        Cli tpu = Cli.run("train", "--method", "gmi", "--dataset", "cora", "--device", "tpu", "--out", out.toString());
        assertEquals(2, tpu.code(), tpu.toString());
        assertEquals(List.of("gmi: error: --device must be cpu, gpu, opencl or opencl:PLATFORM:DEVICE (see 'gmi devices'), got tpu"),
                tpu.errLines());
        Cli missing = Cli.run("bench", "--method", "gmi", "--dataset", "cora", "--device", "opencl:9:9", "--out", out.toString());
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.errLines().get(0).startsWith("gmi: error: --device opencl:9:9: no OpenCL device opencl:9:9 on this machine"),
                missing.toString());
        assertFalse(Files.exists(out), "no output folder");
    }
}
