package org.gmi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.gmi.autodiff.OpProfile;
import org.gmi.engine.JitWarmUp;
import org.gmi.engine.Parallel;
import org.gmi.engine.Simd;
import org.gmi.engine.Backend;
import org.gmi.graph.Graph;
import org.gmi.graph.Json;
import org.gmi.models.EpochFlop;
import org.gmi.models.EpochReport;
import org.gmi.models.MemoryEstimate;
import org.gmi.models.MinibatchTrainer;
import org.gmi.models.Method;
import org.gmi.models.PhaseTimes;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.SelfSupervisedModel;
import org.gmi.models.TrainConfig;
import org.gmi.models.TrainingListener;
import org.gmi.models.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gmi bench}: times training epochs and writes {@code DIR/bench.json}.
 *
 * <p>Builds the model as {@code gmi train} does, warms the kernels up ({@link JitWarmUp#warmUp()}),
 * then trains {@code --epochs} epochs without early stopping and without evaluation. The first
 * {@code --warmup} of them are left out of every figure; over the rest it reports the median epoch
 * time, the median seconds of each {@link PhaseTimes.Phase phase}, the FLOP counted from the shapes
 * over the median time, the peak resident memory and the Java heap allocated per epoch.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Time GMI or DGI training epochs and write DIR/bench.json.",
                "",
                "Trains --epochs epochs (no early stopping, no evaluation) after a kernel warm-up; the first",
                "--warmup epochs are left out, and over the rest DIR/bench.json records:",
                "  seconds_per_epoch        median epoch wall time",
                "  phases                   median seconds per epoch of encoder, discriminators,",
                "                           reconstruction (forward fused with its gradient), backward, optimiser",
                "  flop_per_epoch, gflops   FLOP counted from the shapes (GEMM 2mkn, SpMM 2 nnz d, exact",
                "                           reconstruction 3 N^2 d, sampled 6 (nnz(A+I) + kN) d, row dots 2d and",
                "                           their scatters 4d; elementwise work not counted) over the median time",
                "  peak_rss_mib             peak resident memory (VmHWM)",
                "  allocated_mib_per_epoch  Java heap allocated by all threads per measured epoch",
                "and the threads, the machine (cores, SIMD lanes) and the Java version.",
                "A one-line summary goes to stdout, progress to stderr."},
        footer = {"", "Example:", "  gmi bench --method gmi --dataset cora --epochs 20 --threads 2 --out runs/bench-cora",
                "", "Exit codes: 0 success, 2 bad input or usage, 3 numerical failure (NaN loss), 1 anything else."})
final class BenchCommand extends GmiCommand {
    private static final TrainConfig DEFAULTS = new TrainConfig();

    @Option(names = "--method", paramLabel = "gmi|dgi", required = true, converter = Choices.MethodConverter.class,
            completionCandidates = Choices.MethodCandidates.class, description = "gmi or dgi.")
    Method method;

    @Mixin
    DatasetOptions data;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (created if needed) for bench.json.")
    Path out;

    @Option(names = "--force", description = "Replace a bench.json already in DIR.")
    boolean force;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs to train in all, warm-up included (default: ${DEFAULT-VALUE}).")
    int epochs = 20;

    @Option(names = "--warmup", paramLabel = "W", description = "First epochs left out of the figures (default: ${DEFAULT-VALUE}); must be < --epochs.")
    int warmup = 3;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores, here ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Mixin
    ModelOptions model;

    @Option(names = "--profile-ops", description = "Also time every op of the tape (forward and backward) and write the "
            + "table as \"ops\" in bench.json and to stderr; adds two clock reads per op.")
    boolean profileOps;

    @Mixin
    DeviceOptions deviceOptions;

    @Override
    protected int run() throws IOException {
        PrintWriter err = err();
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(warmup >= 0, "--warmup must be >= 0, got " + warmup);
        require(warmup < epochs, "--warmup " + warmup + " leaves no epoch to measure out of --epochs " + epochs
                + "; use more --epochs or fewer --warmup");
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        // no early stopping: every epoch runs its backward and step
        TrainConfig config = model.config(method, epochs, Integer.MAX_VALUE);
        try {
            config.validate();
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        data.validate();
        deviceOptions.validate();
        Path benchFile = out.resolve("bench.json");
        // the device before any output: a missing one is bad input and leaves nothing behind
        Backend backend = deviceOptions.open();
        model.requireKernels(method, backend);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new BadInputException("--out: '" + out + "' exists and is not a folder");
        }
        require(force || !Files.exists(benchFile), "--out: '" + out + "' already holds bench.json; pass --force to replace it "
                + "or choose another --out");
        boolean created = false;
        if (!Files.isDirectory(out)) {
            try {
                Files.createDirectories(out);
            } catch (IOException e) {
                throw new BadInputException("--out: cannot create folder '" + out + "' (" + ExitCodes.messageFor(e) + ")", e);
            }
            created = true;
        }
        AtomicOutputs.removeStale(out, benchFile.getFileName().toString());

        try (backend; AtomicOutputs outputs = new AtomicOutputs(created ? out : null)) {
            Path benchTemp = outputs.temp(benchFile);
            Parallel.setThreads(threads);
            Graph graph = data.load();
            require(graph.numNodes() >= 2, "dataset '" + data.dataset + "' has " + graph.numNodes() + " node; training needs at least 2");
            int depth = config.layersFor(graph.name());
            config.layers = depth;
            model.requireFanouts(config, depth);
            String whyReconstruction = model.resolveReconstruction(graph, method);
            config.reconstruction = model.reconstruction;
            MemoryEstimate estimate = MemoryEstimate.ofEpochs(graph, config, threads);
            long limit = Runtime.getRuntime().maxMemory();
            require(limit == Long.MAX_VALUE || estimate.bytes() <= limit, "not enough memory: this run needs about "
                    + MemoryEstimate.size(estimate.bytes()) + " of Java heap, more than the " + MemoryEstimate.size(limit)
                    + " this JVM may use (" + estimate.breakdown() + "); give Java more heap: GMI_XMX=... ./gmi bench ...");
            DatasetOptions.printSummary(graph, err);
            if (whyReconstruction != null) {
                err.println(whyReconstruction);
            }

            boolean minibatch = config.batchSize > 0;
            require(!minibatch || !profileOps, "--profile-ops times the ops of full-batch training; drop it or --batch-size");
            SelfSupervisedModel network = minibatch ? null : Trainer.createModel(graph, config);
            JitWarmUp.Result warm = backend.isCpu() ? JitWarmUp.warmUp() : new JitWarmUp.Result(0, 0.0, false);
            err.println(Text.fmt("bench %s on %s: %s%d hidden, %d threads, device %s, %d epochs (%d warm-up); kernel warm-up %s",
                    method.name(), graph.name(), method == Method.GMI ? depth + " layers, " + model.reconstruction.cliName()
                            + " reconstruction, " : "", model.hidden, threads, backend.name(), epochs, warmup,
                    warm.ran() ? Text.fmt("%.2f s (%d rounds)", warm.seconds(), warm.rounds()) : "off or already done"));
            err.flush();

            OpProfile profile = profileOps ? new OpProfile() : null;
            Recorder recorder = new Recorder(epochs, warmup, err, profile);
            PeakMemory memory = new PeakMemory();
            recorder.startAllocation();
            if (minibatch) {
                MinibatchTrainer.train(graph, config, recorder, false);
            } else {
                Trainer.fit(network, config, recorder, Trainer.Checkpointing.NONE, backend, profile);
            }
            PeakMemory.Reading peak = memory.read();

            // the figures over the measured epochs
            double[] measured = Arrays.copyOfRange(recorder.seconds, warmup, epochs);
            double median = RunInfo.median(measured);
            Map<String, Object> phases = new LinkedHashMap<>();
            double phaseSum = 0;
            for (PhaseTimes.Phase p : PhaseTimes.Phase.values()) {
                if (p == PhaseTimes.Phase.SAMPLING && !minibatch) {
                    continue;
                }
                double[] col = new double[epochs - warmup];
                for (int e = warmup; e < epochs; e++) {
                    col[e - warmup] = recorder.phases[e][p.ordinal()];
                }
                double m = RunInfo.median(col);
                phases.put(p.key(), m);
                phaseSum += m;
            }
            double[] other = new double[epochs - warmup];
            for (int e = warmup; e < epochs; e++) {
                double s = recorder.seconds[e];
                for (double v : recorder.phases[e]) {
                    s -= v;
                }
                other[e - warmup] = s;
            }
            // FLOP are counted for full-batch epochs; a minibatch epoch's depend on the sampled subgraphs
            EpochFlop flop = minibatch ? null : EpochFlop.count(graph, config, method, depth);
            double allocatedMib = recorder.allocatedBytesPerEpoch() / (1024.0 * 1024.0);

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method.cliName());
            m.put("dataset", graph.name());
            m.put("dataset_source", data.dataset);
            m.put("nodes", graph.numNodes());
            m.put("edges", graph.numUndirectedEdges());
            m.put("features", graph.numFeatures());
            m.put("hidden", model.hidden);
            m.put("layers", depth);
            m.put("negatives", method == Method.GMI ? model.negatives : null);
            m.put("reconstruction", method == Method.GMI ? model.reconstruction.cliName() : null);
            m.put("recon_negatives", method == Method.GMI && model.reconstruction == ReconstructionMode.SAMPLED ? model.reconNegatives : null);
            m.put("batch_size", minibatch ? config.batchSize : null);
            m.put("fanout", minibatch ? TrainConfig.fanoutText(config.fanoutsFor(depth)) : null);
            m.put("threads", threads);
            m.put("device", backend.name());
            m.put("device_peak_mib", DeviceOptions.peakMib(backend));
            m.put("epochs", epochs);
            m.put("warmup", warmup);
            m.put("measured_epochs", epochs - warmup);
            m.put("seconds_per_epoch", median);
            m.put("nodes_per_second", graph.numNodes() / median);
            m.put("phases", phases);
            m.put("phases_sum", phaseSum);
            m.put("other_seconds", RunInfo.median(other));
            m.put("flop_per_epoch", flop == null ? null : flop.total());
            m.put("gflops", flop == null ? null : flop.total() / median / 1e9);
            m.put("flop_parts", flop == null ? null : flop.parts());
            m.put("flop_note", EpochFlop.NOTE);
            m.put("peak_rss_mib", peak.mib());
            m.put("peak_rss_source", peak.source());
            m.put("allocated_mib_per_epoch", allocatedMib);
            m.put("allocation_source", recorder.allocationSource());
            if (profile != null) {
                m.put("ops", opTable(profile, err));
            }
            m.put("first_epoch_seconds", recorder.seconds[0]);
            m.put("epoch_seconds", recorder.seconds);
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("ran", warm.ran());
            k.put("seconds", warm.seconds());
            k.put("rounds", warm.rounds());
            m.put("kernel_warmup", k);
            m.put("estimated_memory_mib", estimate.mib());
            m.put("machine", machine());
            m.put("java_version", Runtime.version().toString());
            m.put("java_vendor", System.getProperty("java.vendor"));
            m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
            m.put("gmi_version", RunInfo.version());
            m.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            Files.writeString(benchTemp, Json.write(m) + "\n");
            outputs.commit();

            err.println("wrote " + benchFile);
            out().println(Text.fmt("bench %s on %s (%s%d hidden, %d threads%s): %.4g s/epoch (median of %d), %s, "
                            + "peak RSS %.0f MiB, %.3g MiB allocated/epoch", method.cliName(), graph.name(),
                    (method == Method.GMI ? model.reconstruction.cliName() + ", " : "") + depth + (depth == 1 ? " layer, " : " layers, "),
                    model.hidden, threads, (backend.isCpu() ? "" : ", device " + backend.name())
                            + (minibatch ? ", batches of " + config.batchSize + ", fan-out " + TrainConfig.fanoutText(config.fanoutsFor(depth)) : ""),
                    median, epochs - warmup, minibatch ? Text.fmt("%.4g nodes/s", graph.numNodes() / median)
                            : Text.fmt("%.1f GFLOP/s", flop.total() / median / 1e9), peak.mib(), allocatedMib));
            return ExitCodes.OK;
        }
    }

    /**
     * The per-op profile as bench.json rows (mean seconds per measured epoch), and to stderr the ops
     * from the slowest down, with their share of the profiled time.
     */
    private static List<Map<String, Object>> opTable(OpProfile profile, PrintWriter err) {
        List<OpProfile.Entry> entries = profile.entries();
        List<Map<String, Object>> rows = new ArrayList<>();
        double total = 0;
        for (OpProfile.Entry e : entries) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("op", e.name());
            row.put("forward_seconds", e.forwardSeconds());
            row.put("backward_seconds", e.backwardSeconds());
            rows.add(row);
            total += e.totalSeconds();
        }
        List<OpProfile.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingDouble(OpProfile.Entry::totalSeconds).reversed());
        err.println(Text.fmt("ops by time (mean s/epoch over %d epochs; forward includes untaped work before the op):",
                profile.passes()));
        for (OpProfile.Entry e : sorted) {
            err.println(Text.fmt("  %8.4f  fwd %8.4f  bwd %8.4f  %5.1f %%  %s", e.totalSeconds(), e.forwardSeconds(),
                    e.backwardSeconds(), total > 0 ? 100 * e.totalSeconds() / total : 0.0, e.name()));
        }
        return rows;
    }

    /** Cores, SIMD lanes, the CPU model and its AVX-512 flag (from /proc/cpuinfo where readable). */
    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("simd_lanes", Simd.LANES);
        m.put("simd_enabled", Simd.enabled());
        String model = null;
        Boolean avx512 = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (model == null && line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                }
                if (avx512 == null && line.startsWith("flags")) {
                    avx512 = line.contains(" avx512f");
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: leave them null
        }
        m.put("cpu_model", model);
        m.put("avx512f", avx512);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }

    /**
     * Collects every epoch's time and phases, and the heap allocated between the end of the last
     * warm-up epoch and the end of the last epoch (its own progress lines subtracted).
     */
    private static final class Recorder implements TrainingListener {
        final double[] seconds;
        final double[][] phases;
        private final int warmup;
        private final PrintWriter err;
        private final Allocation allocation = Allocation.create();
        private long startBytes;
        private long endBytes;
        /** Bytes allocated by this listener's own progress lines since startBytes. */
        private long excludedBytes;
        private long excludedAtEnd;

        /** Reset when warm-up ends, so that it times the measured epochs only; may be null. */
        private final OpProfile profile;

        Recorder(int epochs, int warmup, PrintWriter err, OpProfile profile) {
            this.seconds = new double[epochs];
            this.phases = new double[epochs][];
            this.warmup = warmup;
            this.err = err;
            this.profile = profile;
        }

        void startAllocation() {
            if (warmup == 0) {
                startBytes = allocation.bytes();
            }
        }

        @Override
        public void onEpoch(EpochReport r) {
            long now = allocation.bytes();
            int e = r.epoch();
            seconds[e - 1] = r.seconds();
            phases[e - 1] = r.phases();
            if (e == warmup) {
                startBytes = now;
                excludedBytes = 0;
                if (profile != null) {
                    profile.reset();
                }
            }
            if (e == seconds.length) {
                endBytes = now;
                excludedAtEnd = excludedBytes;
            }
            err.println(Text.fmt("epoch %d/%d  %.4f s%s  loss %.4f", e, r.maxEpochs(), r.seconds(), e <= warmup ? " (warm-up)" : "",
                    r.loss()));
            err.flush();
            excludedBytes += allocation.bytes() - now;
        }

        double allocatedBytesPerEpoch() {
            if (startBytes < 0 || endBytes < 0) {
                return Double.NaN;
            }
            return Math.max(0, endBytes - startBytes - excludedAtEnd) / (double) (seconds.length - warmup);
        }

        String allocationSource() {
            return allocation.source();
        }
    }

    /** Java heap allocated by all threads so far: com.sun.management's counters. */
    private interface Allocation {
        long bytes();

        String source();

        static Allocation create() {
            java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            if (bean instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
                if (!sun.isThreadAllocatedMemoryEnabled()) {
                    sun.setThreadAllocatedMemoryEnabled(true);
                }
                try {
                    sun.getTotalThreadAllocatedBytes();
                    return new Allocation() {
                        @Override
                        public long bytes() {
                            return sun.getTotalThreadAllocatedBytes();
                        }

                        @Override
                        public String source() {
                            return "getTotalThreadAllocatedBytes";
                        }
                    };
                } catch (UnsupportedOperationException e) {
                    return new Allocation() {
                        @Override
                        public long bytes() {
                            long sum = 0;
                            for (long b : sun.getThreadAllocatedBytes(sun.getAllThreadIds())) {
                                sum += Math.max(b, 0);
                            }
                            return sum;
                        }

                        @Override
                        public String source() {
                            return "getThreadAllocatedBytes (live threads)";
                        }
                    };
                }
            }
            return new Allocation() {
                @Override
                public long bytes() {
                    return -1;
                }

                @Override
                public String source() {
                    return "unavailable";
                }
            };
        }
    }
}
