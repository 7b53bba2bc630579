package org.gmi.study;

import org.gmi.cli.AtomicOutputs;
import org.gmi.cli.OutputLock;
import org.gmi.cli.Text;
import org.gmi.cli.Choices;
import org.gmi.cli.DatasetOptions;
import org.gmi.cli.ExitCodes;
import org.gmi.cli.GmiCommand;
import org.gmi.cli.BadInputException;
import org.gmi.cli.Main;
import org.gmi.cli.Subcommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gmi study}: the grid of datasets x methods x widths x depths x seeds, one {@code gmi train}
 * run per cell, then the tables and charts of all finished cells.
 *
 * <p>Cell {@code (dataset, method, hidden, layers, seed)} writes {@code DIR/runs/CELL/} exactly as
 * {@code gmi train --out DIR/runs/CELL} does (embeddings.npy and metrics.json, atomically), after a
 * {@code study-cell.json} that records the cell and the training flags it runs with. A cell whose
 * metrics.json exists is done: running the grid again skips it (and refuses, exit 2, when the same
 * cell was trained with other flags, so no table mixes settings silently). The aggregate files
 * ({@link StudyReport}) are rebuilt from every finished cell under DIR/runs, also those of earlier
 * invocations into the same DIR, and written atomically.
 *
 * <p>Cells run in this JVM by default (the training code itself, through the {@code train} command
 * line): the peak RSS then is the process's so far, which only grows over the grid, and the tables
 * say so. {@code --jvm-per-cell} runs each cell in a child JVM with this one's options and class
 * path instead: each cell's peak RSS is its own (at a JVM start-up per cell).
 *
 * <p>DGI has one GCN layer whatever --layers says (its paper and code), so its cells are run once per
 * width and recorded with layers 1.
 */
@Command(name = "study", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"Run a grid of gmi train runs (datasets x methods x widths x depths x seeds)",
                "into DIR/runs, then write DIR/study.csv, DIR/study.md and charts in DIR/plots.",
                "",
                "Methods: dgi, gmi (GMI-mean, official), gmi-no-recon (gamma 0),",
                "gmi-no-neighbour (beta 0, gamma 0), gmi-adaptive (--variant adaptive),",
                "gmi-logits (--jsd-on logits). Running a grid again skips its finished cells.",
                "Progress and an ETA go to stderr, the table to stdout."},
        footer = {"", "Example:",
                "  gmi study --datasets cora,citeseer --methods dgi,gmi,gmi-adaptive \\",
                "            --seeds 3 --out runs/study",
                "", "Exit codes: 0 success, 2 bad input or usage, 3 a cell failed numerically (the others still ran), 1 anything else."})
public final class StudyCommand extends GmiCommand implements Subcommand {
    static final String CELL_FILE = "study-cell.json";
    static final String RUNS = "runs";
    static final String COMMANDS_FILE = "commands.txt";
    private static final TrainConfig DEFAULTS = new TrainConfig();

    @Option(names = "--datasets", paramLabel = "LIST", split = ",",
            description = "Comma-separated datasets: bundled names (cora, citeseer) or paths, as gmi train --dataset takes them.")
    List<String> datasets;

    @Option(names = "--methods", paramLabel = "LIST", split = ",",
            defaultValue = "dgi,gmi,gmi-no-recon,gmi-no-neighbour,gmi-adaptive,gmi-logits",
            description = "Comma-separated methods (default: all six: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "3",
            description = "Seeds per cell, 0 .. N-1: initialisation, negatives and probe (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--out", paramLabel = "DIR", description = "Study folder (created if needed); cells go to DIR/runs.")
    Path out;

    @Option(names = "--hidden", paramLabel = "LIST", split = ",", defaultValue = "512",
            description = "Comma-separated embedding widths (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--layers", paramLabel = "LIST", split = ",",
            description = "Comma-separated GMI encoder depths, 1 or 2 (default: each dataset's, 2 for Cora and 1 otherwise).")
    List<Integer> layers;

    @Option(names = "--protocol", paramLabel = "LIST", split = ",", defaultValue = "val,paper",
            description = "Probe protocols, val and/or paper (default: ${DEFAULT-VALUE}; paper picks iterations on TEST accuracy: leaky).")
    List<String> protocols;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum training epochs per cell (default: ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs;

    @Option(names = "--patience", paramLabel = "N", description = "Early-stopping patience (default: ${DEFAULT-VALUE}).")
    int patience = DEFAULTS.patience;

    @Option(names = "--reconstruction", paramLabel = "exact|sampled", converter = Choices.ReconstructionConverter.class,
            completionCandidates = Choices.ReconstructionCandidates.class,
            description = "GMI's reconstruction term for the methods that have one (default: exact); sampled for large graphs.")
    ReconstructionMode reconstruction = DEFAULTS.reconstruction;

    @Option(names = "--recon-negatives", paramLabel = "K",
            description = "Non-edges per node and epoch of --reconstruction sampled (default: ${DEFAULT-VALUE}).")
    int reconNegatives = DEFAULTS.reconNegatives;

    @Option(names = "--eval-runs", paramLabel = "N", defaultValue = "50",
            description = "Classifiers averaged by the probe of each cell (default: ${DEFAULT-VALUE}).")
    int evalRuns;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads per cell (default: all cores, here ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--jvm-per-cell",
            description = "Run each cell in a child JVM, so that its peak RSS is its own (default: in this JVM; the peak RSS is then process-wide).")
    boolean jvmPerCell;

    @Option(names = "--report-only",
            description = "Run nothing: rebuild DIR's tables and charts from the cells finished so far (no --datasets needed).")
    boolean reportOnly;

    @Override
    protected int run() throws IOException {
        PrintWriter err = err();
        require(out != null, "missing required option: '--out=DIR' (see 'gmi study --help')");
        if (reportOnly) {
            return reportOnly(err);
        }
        require(datasets != null && !datasets.isEmpty(), "missing required option: '--datasets=LIST' (see 'gmi study --help')");
        List<StudyCell> cells = grid();
        // the study folder is this study's until it ends (each cell's folder is also locked by its gmi train)
        try (OutputLock lock = OutputLock.acquire(out, "--out")) {
            return runGrid(cells, err);
        }
    }

    private int runGrid(List<StudyCell> cells, PrintWriter err) throws IOException {
        Path runs = out.resolve(RUNS);
        try {
            Files.createDirectories(runs);
        } catch (IOException e) {
            throw new BadInputException("--out: cannot create folder '" + runs + "' (" + ExitCodes.messageFor(e) + ")", e);
        }

        // which cells are done; a cell trained with other flags stops the study before anything runs
        List<StudyCell> todo = new ArrayList<>();
        for (StudyCell c : cells) {
            Path dir = runs.resolve(c.dirName());
            Map<String, Object> recorded = StudyCell.readRecord(dir);
            if (recorded != null && !c.settings().equals(recorded.get("settings"))) {
                throw new BadInputException("--out: cell " + c.dirName() + " in " + runs + " was run with other flags ("
                        + String.join(" ", StudyCell.strings(recorded.get("settings"))) + "; now "
                        + String.join(" ", c.settings()) + "); choose another --out, or remove that cell's folder to rerun it");
            }
            if (recorded == null || !Files.isRegularFile(dir.resolve("metrics.json"))) {
                todo.add(c);
            }
        }
        recordCommand();
        int done = cells.size() - todo.size();
        err.println(Text.fmt("study: %d cells (%d datasets x %d methods x %d widths x %s depths x %d seeds, DGI at 1 layer); "
                        + "%d finished earlier, %d to run%s", cells.size(), datasets.size(), methods.size(), hidden.size(),
                layers == null ? "default" : Integer.toString(layers.size()), seeds, done, todo.size(),
                jvmPerCell ? ", each in a child JVM" : ""));
        err.flush();

        Eta eta = new Eta(runs);
        int failedCode = ExitCodes.OK;
        List<String> failed = new ArrayList<>();
        for (int k = 0; k < todo.size(); k++) {
            StudyCell c = todo.get(k);
            Path dir = runs.resolve(c.dirName());
            err.println(Text.fmt("study: cell %d/%d (%d of the grid done): %s%s", k + 1, todo.size(), done + k,
                    c.describe(), eta.line(todo.subList(k, todo.size()))));
            err.flush();
            Files.createDirectories(dir);
            c.writeRecord(dir, jvmPerCell ? "cell" : "process");
            long t0 = System.nanoTime();
            int code = jvmPerCell ? runInChild(c.trainArgs(dir, threads)) : runInProcess(c.trainArgs(dir, threads));
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (code == ExitCodes.BAD_INPUT) {
                throw new BadInputException("study: cell " + c.dirName() + " was refused by gmi train (its message above); "
                        + "the study stops");
            }
            if (code != ExitCodes.OK) {
                failed.add(c.dirName() + " (exit " + code + ")");
                failedCode = failedCode == ExitCodes.OK ? code : failedCode;
                err.println(Text.fmt("study: cell %s failed (exit %d) after %s; going on with the others", c.dirName(), code,
                        Text.duration(seconds)));
                continue;
            }
            eta.finished(c, seconds);
            err.println(Text.fmt("study: cell %d/%d done in %s%s", k + 1, todo.size(), Text.duration(seconds),
                    FinishedCells.accuracySummary(dir)));
            err.flush();
        }

        StudyReport.Written written = StudyReport.write(out, err);
        out().println(written.markdownTable());
        err.println("wrote " + written.files().size() + " files: " + String.join(", ",
                written.files().stream().map(p -> out.relativize(p).toString()).toList()) + " in " + out);
        if (!failed.isEmpty()) {
            err.println("study: " + failed.size() + " cells failed: " + String.join(", ", failed)
                    + "; run the same command again to retry them");
        }
        return failedCode;
    }

    /**
     * --report-only: the aggregates of a study folder as it stands (say, while a grid still runs in it,
     * or after one was interrupted), without running or recording anything.
     */
    private int reportOnly(PrintWriter err) throws IOException {
        require(Files.isDirectory(out.resolve(RUNS)), "--out: '" + out + "' has no " + RUNS + "/ folder; it is not a study folder");
        StudyReport.Written written = StudyReport.write(out, err);
        out().println(written.markdownTable());
        err.println("wrote " + written.files().size() + " files: " + String.join(", ",
                written.files().stream().map(p -> out.relativize(p).toString()).toList()) + " in " + out);
        return ExitCodes.OK;
    }

    /** The cells of the grid, in the order they run: dataset, width, depth, method, seed; DGI once per width. */
    private List<StudyCell> grid() {
        require(seeds >= 1, "--seeds must be >= 1, got " + seeds);
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(patience >= 1, "--patience must be >= 1, got " + patience);
        require(reconNegatives >= 1, "--recon-negatives must be >= 1, got " + reconNegatives);
        require(evalRuns >= 1, "--eval-runs must be >= 1, got " + evalRuns);
        require(threads >= 1, "--threads must be >= 1, got " + threads);
        for (int h : hidden) {
            require(h >= 1, "--hidden must be >= 1, got " + h);
        }
        if (layers != null) {
            for (int l : layers) {
                require(l == 1 || l == 2, "--layers must be 1 or 2, got " + l);
            }
        }
        List<String> protocolNames = new ArrayList<>();
        for (String p : protocols) {
            String name = p.strip().toLowerCase(Locale.ROOT);
            require(name.equals("val") || name.equals("paper"), "--protocol: '" + p.strip() + "' is not a protocol; expected val and/or paper");
            require(!protocolNames.contains(name), "--protocol lists " + name + " twice");
            protocolNames.add(name);
        }
        require(!protocolNames.isEmpty(), "--protocol needs val, paper or both");
        String protocol = protocolNames.size() == 2 ? "both" : protocolNames.get(0);
        List<StudyMethod> ms = new ArrayList<>();
        for (String m : methods) {
            StudyMethod sm = StudyMethod.parse(m);
            require(!ms.contains(sm), "--methods lists " + sm.cliName + " twice");
            ms.add(sm);
        }
        Map<String, String> shortNames = new LinkedHashMap<>();
        for (String spec : datasets) {
            String s = spec.strip();
            DatasetOptions d = new DatasetOptions();
            d.dataset = s;
            d.trainFrac = 0.1;
            d.valFrac = 0.1;
            d.validate();
            String name = shortName(s);
            String clash = shortNames.put(name, s);
            require(clash == null, "--datasets: '" + clash + "' and '" + s + "' would both be called " + name + " in the study");
        }
        Map<String, StudyCell> cells = new LinkedHashMap<>();
        for (Map.Entry<String, String> d : shortNames.entrySet()) {
            List<Integer> depths = layers == null ? List.of(DEFAULTS.layersFor(d.getKey())) : layers;
            for (int h : new LinkedHashSet<>(hidden)) {
                for (int l : new LinkedHashSet<>(depths)) {
                    for (StudyMethod m : ms) {
                        for (int s = 0; s < seeds; s++) {
                            StudyCell c = new StudyCell(d.getKey(), d.getValue(), m, h, m.isGmi() ? l : 1, s,
                                    settings(m, h, m.isGmi() ? l : 1, s, protocol));
                            cells.putIfAbsent(c.dirName(), c);
                        }
                    }
                }
            }
        }
        return new ArrayList<>(cells.values());
    }

    /** The gmi train flags of a cell, but --out, --force and --threads (which change no result). */
    private List<String> settings(StudyMethod m, int h, int l, int seed, String protocol) {
        List<String> a = new ArrayList<>(m.trainArgs());
        a.addAll(List.of("--hidden", Integer.toString(h)));
        if (m.isGmi()) {
            a.addAll(List.of("--layers", Integer.toString(l)));
        }
        a.addAll(List.of("--seed", Integer.toString(seed), "--epochs", Integer.toString(epochs), "--patience",
                Integer.toString(patience), "--protocol", protocol));
        if (!protocol.equals("val")) {
            // the val protocol's classifier is deterministic: --eval-runs counts the paper protocol's runs
            a.addAll(List.of("--eval-runs", Integer.toString(evalRuns)));
        }
        if (m.reconstructs()) {
            a.addAll(List.of("--reconstruction", reconstruction.cliName()));
            if (reconstruction == ReconstructionMode.SAMPLED) {
                a.addAll(List.of("--recon-negatives", Integer.toString(reconNegatives)));
            }
        }
        return a;
    }

    /** A dataset's name in the study: the bundled name, else the file or folder name without .npz. */
    static String shortName(String spec) {
        if (DatasetOptions.isBundled(spec)) {
            return spec.toLowerCase(Locale.ROOT);
        }
        Path p = Path.of(spec).toAbsolutePath().normalize();
        String name = p.getFileName() == null ? "dataset" : p.getFileName().toString();
        if (name.startsWith("ind.")) {
            name = name.substring(4);
        }
        if (name.toLowerCase(Locale.ROOT).endsWith(".npz")) {
            name = name.substring(0, name.length() - 4);
        }
        name = name.replaceAll("[^A-Za-z0-9_.]", "_");
        return name.isEmpty() ? "dataset" : name;
    }

    /** Appends this command line to DIR/commands.txt unless it is there already (the report prints them). */
    private void recordCommand() throws IOException {
        List<String> args = spec.commandLine().getParseResult() == null ? List.of()
                : spec.commandLine().getParseResult().originalArgs();
        // the whole command line's arguments: keep those after the subcommand's name
        int at = args.indexOf(spec.name());
        args = at >= 0 ? args.subList(at + 1, args.size()) : args;
        StringBuilder sb = new StringBuilder("./gmi study");
        for (String a : args) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./,=:+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        String line = sb.toString();
        Path file = out.resolve(COMMANDS_FILE);
        List<String> lines = Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        if (!lines.contains(line)) {
            List<String> all = new ArrayList<>(lines);
            all.add(line);
            try (AtomicOutputs outputs = new AtomicOutputs()) {
                Path temp = outputs.temp(file);
                Files.write(temp, all, StandardCharsets.UTF_8);
                outputs.commit();
            }
        }
    }

    /** Runs {@code gmi train ARGS} in this JVM; its progress goes to our stderr, its stdout nowhere. */
    private int runInProcess(List<String> args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        cl.setErr(err());
        return cl.execute(args.toArray(String[]::new));
    }

    /**
     * Runs {@code gmi train ARGS} in a child JVM with this JVM's options and class path; its stderr is
     * copied to ours as it comes (progress lines redrawn in place included), its stdout discarded.
     */
    private int runInChild(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Thread stopChild = new Thread(p::destroy, "gmi-study-child-stop");
        Runtime.getRuntime().addShutdownHook(stopChild);
        try (InputStream in = p.getErrorStream(); Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[4096];
            PrintWriter err = err();
            for (int n = r.read(buf); n >= 0; n = r.read(buf)) {
                err.write(buf, 0, n);
                err.flush();
            }
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            return ExitCodes.SOFTWARE;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopChild);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /**
     * The grid's remaining time: each cell to run is expected to take the mean wall time of the
     * finished cells most like it (same dataset, method, width and depth; else same dataset and
     * method; else same dataset), finished earlier or in this run. Cells of a dataset none of whose
     * cells has finished yet make the estimate a lower bound, and the line says so.
     */
    private static final class Eta {
        private final Map<String, double[]> sums = new LinkedHashMap<>();

        Eta(Path runs) {
            try (var dirs = Files.list(runs)) {
                for (Path dir : dirs.toList()) {
                    Map<String, Object> rec = StudyCell.readRecord(dir);
                    Double seconds = FinishedCells.totalSeconds(dir);
                    if (rec != null && seconds != null) {
                        add(Objects.toString(rec.get("dataset")), Objects.toString(rec.get("method")),
                                FinishedCells.integer(rec.get("hidden")), FinishedCells.integer(rec.get("layers")), seconds);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no estimate from earlier runs: the first cells of this run will give one
            }
        }

        void finished(StudyCell c, double seconds) {
            add(c.dataset(), c.method().cliName, c.hidden(), c.layers(), seconds);
        }

        private void add(String dataset, String method, int hidden, int layers, double seconds) {
            for (String key : keys(dataset, method, hidden, layers)) {
                double[] s = sums.computeIfAbsent(key, k -> new double[2]);
                s[0] += seconds;
                s[1]++;
            }
        }

        private static List<String> keys(String dataset, String method, int hidden, int layers) {
            return List.of(dataset + "|" + method + "|" + hidden + "|" + layers, dataset + "|" + method, dataset);
        }

        /** {@code ; ETA 1h02m for the 30 cells left} (or a lower bound, or nothing before any estimate). */
        String line(List<StudyCell> left) {
            double total = 0;
            List<String> unknown = new ArrayList<>();
            for (StudyCell c : left) {
                double[] s = null;
                for (String key : keys(c.dataset(), c.method().cliName, c.hidden(), c.layers())) {
                    s = sums.get(key);
                    if (s != null) {
                        break;
                    }
                }
                if (s == null) {
                    if (!unknown.contains(c.dataset())) {
                        unknown.add(c.dataset());
                    }
                } else {
                    total += s[0] / s[1];
                }
            }
            if (total == 0) {
                return "";
            }
            return "; ETA " + (unknown.isEmpty() ? "" : "over ") + Text.duration(total) + " for the " + left.size()
                    + " cells left" + (unknown.isEmpty() ? "" : " (no cell of " + String.join(", ", unknown) + " timed yet)");
        }
    }
}
