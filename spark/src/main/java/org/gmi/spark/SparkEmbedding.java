package org.gmi.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.gmi.autodiff.Parameter;
import org.gmi.autodiff.Tape;
import org.apache.hadoop.fs.FileSystem;
import org.gmi.cli.AtomicOutputs;
import org.gmi.cli.DatasetOptions;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.SparseRows;
import org.gmi.graph.NormalizedAdjacency;
import org.gmi.graph.Npy;
import org.gmi.models.GcnEncoder;
import org.gmi.models.SavedEncoder;

/**
 * The embeddings of every node as Spark jobs, written by the executors to storage they all reach:
 * the computation of {@link GcnEncoder#embedByChunks}, its row ranges spread over tasks.
 *
 * <p>One job per step of the layer-by-layer forward: Z1 = X' W1 (each task its rows of X'), then each
 * layer PReLU(Â Z + b) (each task its rows of Â, reading only the rows of Z their columns name), the
 * two-layer encoder's H1 W2 computed with H1's rows. On a POSIX folder, a layer's input goes to a
 * scratch file beside the output and the last layer's rows straight into the .npy, after its header
 * ({@link RowFile}, positional writes); on a Hadoop file system, each task writes its rows as a part
 * file in a scratch folder beside the output, and the driver concatenates the last layer's parts
 * after the header ({@link HadoopRows}). Every row is computed from its input rows alone, so the file
 * has the bits {@code embedByChunks} gives on one machine, and a task retried rewrites the same bytes.
 */
final class SparkEmbedding {
    private SparkEmbedding() {}

    /** Rows a task embeds at most (more tasks than partitions on a large graph). */
    static final int ROWS_PER_TASK = 1 << 18;
    /** Input rows a propagation chunk gathers, on average at most (64 MiB at d = 128). */
    static final long GATHERED_ROWS = 1 << 17;
    /** The scratch files' names: a killed driver's are removed by the next run into the folder. */
    static final String[] SCRATCH = {"embedding-input1.f32", "embedding-input2.f32"};

    /** An encoder's parameters as they travel to the executors. */
    record EncoderValues(String[] names, int[][] shapes, float[][] values) implements Serializable {
        static EncoderValues of(GcnEncoder encoder) {
            List<Parameter> ps = encoder.parameters();
            String[] names = new String[ps.size()];
            int[][] shapes = new int[ps.size()][];
            float[][] values = new float[ps.size()][];
            for (int k = 0; k < names.length; k++) {
                names[k] = ps.get(k).name();
                shapes[k] = new int[] {ps.get(k).rows(), ps.get(k).cols()};
                values[k] = ps.get(k).value().data.clone();
            }
            return new EncoderValues(names, shapes, values);
        }

        GcnEncoder encoder() {
            List<Parameter> ps = new ArrayList<>();
            for (int k = 0; k < names.length; k++) {
                ps.add(new Parameter(names[k], new Matrix(shapes[k][0], shapes[k][1], values[k].clone())));
            }
            return GcnEncoder.of(ps);
        }
    }

    /**
     * What the tasks of one embedding step need besides the encoder: where they read the step's input
     * rows and write its output rows, files on a POSIX folder every executor sees ({@link RowFile}), or,
     * when {@code hadoop}, folders of parts on a Hadoop file system ({@link HadoopRows}).
     */
    record Step(StepTask.Run run, int nodes, int tasks, int chunk, int layer, String input, String output, long outputOffset,
                boolean hadoop) implements Serializable {
        int start(int task) {
            return (int) ((long) nodes * task / tasks);
        }

        int[] starts() {
            int[] s = new int[tasks + 1];
            for (int t = 0; t <= tasks; t++) {
                s[t] = start(t);
            }
            return s;
        }
    }

    /** Rows a task writes, in order within its range; closing makes them durable. */
    interface RowsOut extends AutoCloseable {
        void write(long firstRow, Matrix rows) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Rows a task reads, any of them: {@code into}'s row k = row {@code ids[k]}. */
    interface RowsIn extends AutoCloseable {
        void read(int[] ids, Matrix into) throws IOException;

        @Override
        void close() throws IOException;
    }

    /**
     * Writes the embeddings of the run's graph under {@code encoder} to {@code target} (a .npy, created
     * here, which the caller renames into place: a path on a folder every executor writes, or a Hadoop
     * file system URI), in at least {@code minTasks} tasks per job; returns them when {@code readBack},
     * else null.
     */
    static Matrix write(JavaSparkContext sc, StepTask.Run run, GcnEncoder encoder, int nodes, String target, int minTasks,
                        StepTimes times, boolean readBack) throws IOException {
        return write(sc, run, encoder, nodes, target, minTasks, SavedEncoder.chunkRows(encoder.hidden()), times, readBack);
    }

    /** As above, each task computing {@code chunk} rows at a time (tests cut a small graph into many chunks). */
    static Matrix write(JavaSparkContext sc, StepTask.Run run, GcnEncoder encoder, int nodes, String target, int minTasks,
                        int chunk, StepTimes times, boolean readBack) throws IOException {
        long t0 = System.nanoTime();
        int d = encoder.hidden();
        int tasks = Math.max(minTasks, (nodes + ROWS_PER_TASK - 1) / ROWS_PER_TASK);
        tasks = Math.max(1, Math.min(tasks, nodes));
        boolean hadoop = DatasetOptions.isUri(target);
        byte[] header = Npy.matrixHeader(nodes, d);
        // the inputs of the layers, then the output: files beside the target, or folders of parts there
        String[] files = new String[encoder.layers() + 1];
        org.apache.hadoop.fs.Path scratchRoot = null;
        FileSystem fs = null;
        if (hadoop) {
            org.apache.hadoop.fs.Path t = GraphStaging.hadoopPath(target);
            fs = GraphStaging.fileSystem(t, target);
            scratchRoot = new org.apache.hadoop.fs.Path(t.getParent(), ".gmi-embedding-" + run.id());
            for (int l = 0; l < files.length; l++) {
                files[l] = new org.apache.hadoop.fs.Path(scratchRoot, l < encoder.layers() ? SCRATCH[l] : "embeddings").toString();
            }
        } else {
            Path folder = Path.of(target).toAbsolutePath().getParent();
            AtomicOutputs.removeStale(folder, SCRATCH);
            long pid = ProcessHandle.current().pid();
            for (int l = 0; l < encoder.layers(); l++) {
                files[l] = folder.resolve("." + SCRATCH[l] + "." + pid + ".tmp").toString();
            }
            files[encoder.layers()] = Path.of(target).toAbsolutePath().toString();
        }
        Broadcast<EncoderValues> shared = sc.broadcast(EncoderValues.of(encoder));
        JavaRDD<Integer> parts = sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks);
        try {
            if (!hadoop) {
                for (int l = 0; l < encoder.layers(); l++) {
                    RowFile.create(Path.of(files[l]), new byte[0], nodes, d);
                }
                RowFile.create(Path.of(files[encoder.layers()]), header, nodes, d);
            }
            Step project = new Step(run, nodes, tasks, chunk, 0, null, files[0], 0, hadoop);
            parts.foreach(t -> project(project, shared.value(), t));
            for (int l = 1; l <= encoder.layers(); l++) {
                boolean last = l == encoder.layers();
                Step layer = new Step(run, nodes, tasks, chunk, l, files[l - 1], files[l], last && !hadoop ? header.length : 0, hadoop);
                parts.foreach(t -> propagate(layer, shared.value(), t));
            }
            Matrix embeddings = null;
            if (hadoop) {
                embeddings = readBack ? new Matrix(nodes, d) : null;
                // the executors wrote the last layer in parts: the driver puts them after the header
                HadoopRows.assemble(fs, new org.apache.hadoop.fs.Path(files[encoder.layers()]), tasks, header,
                        GraphStaging.hadoopPath(target), embeddings);
            } else if (readBack) {
                embeddings = Npy.readMatrix(Path.of(target));
            }
            times.embedded(System.nanoTime() - t0, 1 + encoder.layers(), tasks);
            return embeddings;
        } finally {
            shared.destroy();
            if (hadoop) {
                fs.delete(scratchRoot, true);
            } else {
                for (int l = 0; l < encoder.layers(); l++) {
                    Files.deleteIfExists(Path.of(files[l]));
                }
            }
        }
    }

    /** Where task {@code t} of {@code step} writes its rows. */
    private static RowsOut output(Step step, int t, int d) throws IOException {
        if (step.hadoop()) {
            org.apache.hadoop.fs.Path dir = GraphStaging.hadoopPath(step.output());
            FileSystem fs = GraphStaging.fileSystem(dir, step.output());
            return new HadoopRows.Sink(fs, dir, t, step.start(t), step.start(t + 1), d);
        }
        return RowFile.open(Path.of(step.output()), step.outputOffset(), step.nodes(), d, true);
    }

    /** Where the tasks of {@code step} read its input rows. */
    private static RowsIn input(Step step, int d) throws IOException {
        if (step.hadoop()) {
            org.apache.hadoop.fs.Path dir = GraphStaging.hadoopPath(step.input());
            FileSystem fs = GraphStaging.fileSystem(dir, step.input());
            return new HadoopRows.Source(fs, dir, step.starts(), d, GraphStaging.readBlockBytes(), GraphStaging.readCacheBytes());
        }
        return RowFile.open(Path.of(step.input()), 0, step.nodes(), d, false);
    }

    /** Task {@code t} of the first step: its rows of Z1 = X' W1. */
    static void project(Step step, EncoderValues values, int t) throws IOException {
        StepTask.Local local = StepTask.local(step.run());
        GcnEncoder encoder = values.encoder();
        SparseRows x = local.ops().rawFeatures();
        int r0 = step.start(t);
        int r1 = step.start(t + 1);
        int chunk = GcnEncoder.featureChunkRows(x, step.chunk());
        Tape tape = new Tape();
        try (RowsOut out = output(step, t, encoder.hidden())) {
            for (int c0 = r0; c0 < r1; c0 += chunk) {
                out.write(c0, encoder.projectFeatureRows(tape, x, c0, Math.min(r1, c0 + chunk)));
            }
        } finally {
            tape.release();
        }
    }

    /** Task {@code t} of layer {@code step.layer()}: its rows of the layer's output (then times W2, before the second layer). */
    static void propagate(Step step, EncoderValues values, int t) throws IOException {
        StepTask.Local local = StepTask.local(step.run());
        GcnEncoder encoder = values.encoder();
        NormalizedAdjacency adj = local.ops().normalized();
        int d = encoder.hidden();
        int r0 = step.start(t);
        int r1 = step.start(t + 1);
        // a chunk gathers the input rows its entries name: about GATHERED_ROWS of them at most
        int chunk = (int) Math.max(64, Math.min(step.chunk(), GATHERED_ROWS * adj.adjacency().rows()
                / Math.max(1L, adj.adjacency().entries() + adj.adjacency().rows())));
        boolean last = step.layer() == encoder.layers();
        Tape tape = new Tape();
        try (RowsIn in = input(step, d); RowsOut out = output(step, t, d)) {
            for (int c0 = r0; c0 < r1; c0 += chunk) {
                Gathered g = Gathered.of(adj.propagationRows(c0, Math.min(r1, c0 + chunk)));
                Matrix rows = new Matrix(g.columns().length, d);
                in.read(g.columns(), rows);
                Matrix h = encoder.propagateRows(tape, step.layer(), g.rows(), rows);
                out.write(c0, last ? h : encoder.projectHiddenRows(tape, new Matrix(h.rows, h.cols, h.data.clone())));
            }
        } finally {
            tape.release();
        }
    }

    /**
     * Rows of Â with their columns renumbered 0..k-1 over the k distinct columns they hold, ascending
     * ({@code columns}: the original of each). Each row keeps its entries in their order, so a row's
     * product with the k gathered input rows sums the same terms in the same order as with all N.
     */
    record Gathered(CsrMatrix rows, int[] columns) {
        static Gathered of(CsrMatrix a) {
            int[] cols = a.colIdx.clone();
            Arrays.sort(cols);
            int k = 0;
            for (int i = 0; i < cols.length; i++) {
                if (i == 0 || cols[i] != cols[i - 1]) {
                    cols[k++] = cols[i];
                }
            }
            int[] columns = Arrays.copyOf(cols, k);
            int[] renumbered = new int[a.colIdx.length];
            for (int e = 0; e < renumbered.length; e++) {
                renumbered[e] = Arrays.binarySearch(columns, a.colIdx[e]);
            }
            return new Gathered(new CsrMatrix(a.rows, k, a.rowPtr, renumbered, a.values), columns);
        }
    }
}
