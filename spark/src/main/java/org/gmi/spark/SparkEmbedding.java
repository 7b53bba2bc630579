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
import org.gmi.cli.AtomicOutputs;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.engine.SparseRows;
import org.gmi.graph.NormalizedAdjacency;
import org.gmi.graph.Npy;
import org.gmi.models.GcnEncoder;
import org.gmi.models.SavedEncoder;

/**
 * The embeddings of every node as Spark jobs, written by the executors into a .npy on storage they
 * all read: the computation of {@link GcnEncoder#embedByChunks}, its row ranges spread over tasks.
 *
 * <p>One job per step of the layer-by-layer forward: Z1 = X' W1 (each task its rows of X'), then each
 * layer PReLU(Â Z + b) (each task its rows of Â, reading only the rows of Z their columns name), the
 * two-layer encoder's H1 W2 computed with H1's rows. A layer's input goes to a scratch file beside the
 * output; the last layer's rows go straight into the .npy, after its header. Every row is computed
 * from its input rows alone, so the file has the bits {@code embedByChunks} gives on one machine, and a
 * task retried rewrites the same bytes.
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

    /** What the tasks of one embedding step need besides the encoder. */
    record Step(StepTask.Run run, int nodes, int tasks, int chunk, int layer, String input, String output, long outputOffset)
            implements Serializable {
        int start(int task) {
            return (int) ((long) nodes * task / tasks);
        }
    }

    /**
     * Writes the embeddings of the run's graph under {@code encoder} to {@code target} (a .npy,
     * created here; the caller renames it into place), in at least {@code minTasks} tasks per job.
     */
    static void write(JavaSparkContext sc, StepTask.Run run, GcnEncoder encoder, int nodes, Path target, int minTasks,
                      StepTimes times) throws IOException {
        write(sc, run, encoder, nodes, target, minTasks, SavedEncoder.chunkRows(encoder.hidden()), times);
    }

    /** As above, each task computing {@code chunk} rows at a time (tests cut a small graph into many chunks). */
    static void write(JavaSparkContext sc, StepTask.Run run, GcnEncoder encoder, int nodes, Path target, int minTasks,
                      int chunk, StepTimes times) throws IOException {
        long t0 = System.nanoTime();
        int d = encoder.hidden();
        int tasks = Math.max(minTasks, (nodes + ROWS_PER_TASK - 1) / ROWS_PER_TASK);
        tasks = Math.max(1, Math.min(tasks, nodes));
        Path folder = target.toAbsolutePath().getParent();
        AtomicOutputs.removeStale(folder, SCRATCH);
        long pid = ProcessHandle.current().pid();
        Path[] scratch = new Path[encoder.layers()];
        for (int l = 0; l < scratch.length; l++) {
            scratch[l] = folder.resolve("." + SCRATCH[l] + "." + pid + ".tmp");
        }
        byte[] header = Npy.matrixHeader(nodes, d);
        Broadcast<EncoderValues> shared = sc.broadcast(EncoderValues.of(encoder));
        JavaRDD<Integer> parts = sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks);
        try {
            for (Path s : scratch) {
                RowFile.create(s, new byte[0], nodes, d);
            }
            RowFile.create(target.toAbsolutePath(), header, nodes, d);
            Step project = new Step(run, nodes, tasks, chunk, 0, null, scratch[0].toString(), 0);
            parts.foreach(t -> project(project, shared.value(), t));
            for (int l = 1; l <= encoder.layers(); l++) {
                boolean last = l == encoder.layers();
                Step layer = new Step(run, nodes, tasks, chunk, l, scratch[l - 1].toString(),
                        last ? target.toAbsolutePath().toString() : scratch[l].toString(), last ? header.length : 0);
                parts.foreach(t -> propagate(layer, shared.value(), t));
            }
            times.embedded(System.nanoTime() - t0, 1 + encoder.layers(), tasks);
        } finally {
            shared.destroy();
            for (Path s : scratch) {
                Files.deleteIfExists(s);
            }
        }
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
        try (RowFile out = RowFile.open(Path.of(step.output()), step.outputOffset(), step.nodes(), encoder.hidden(), true)) {
            for (int c0 = r0; c0 < r1; c0 += chunk) {
                out.write(c0, encoder.projectFeatureRows(tape, x, c0, Math.min(r1, c0 + chunk)));
            }
            out.force();
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
        try (RowFile in = RowFile.open(Path.of(step.input()), 0, step.nodes(), d, false);
             RowFile out = RowFile.open(Path.of(step.output()), step.outputOffset(), step.nodes(), d, true)) {
            for (int c0 = r0; c0 < r1; c0 += chunk) {
                Gathered g = Gathered.of(adj.propagationRows(c0, Math.min(r1, c0 + chunk)));
                Matrix rows = new Matrix(g.columns().length, d);
                in.read(g.columns(), rows);
                Matrix h = encoder.propagateRows(tape, step.layer(), g.rows(), rows);
                out.write(c0, last ? h : encoder.projectHiddenRows(tape, new Matrix(h.rows, h.cols, h.data.clone())));
            }
            out.force();
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
