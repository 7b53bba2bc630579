package example;

import org.gmi.api.Embedding;
import org.gmi.api.Gmi;
import org.gmi.graph.Graph;
import org.gmi.models.Method;
import org.gmi.models.TrainConfig;
import org.gmi.models.eval.ProbeResult;

/**
 * gmi-java as a library: a graph from a name and a graph from arrays, trained, embedded and
 * evaluated. Run with {@code java --add-modules jdk.incubator.vector -cp ... example.EmbedAGraph}.
 */
public final class EmbedAGraph {
    public static void main(String[] args) {
        // 1. a bundled dataset by name (a path or a downloadable name such as "amazon-photo" work the same)
        Graph cora = Gmi.load("cora");
        TrainConfig config = Gmi.config(Method.DGI, cora);
        config.hidden = 64;
        config.epochs = 30;
        Embedding emb = Gmi.train(cora, config);
        ProbeResult probe = Gmi.evaluate(emb, cora);
        System.out.printf("cora: %d x %d embedding, DGI %d epochs, test accuracy %.1f %%%n", emb.nodes(), emb.dimensions(),
                emb.training().epochsRun(), 100 * probe.mean());
        if (probe.mean() < 0.5) {
            throw new AssertionError("30 DGI epochs on Cora should beat 50 % (7 classes), got " + probe.mean());
        }

        // 2. a graph from arrays: two triangles joined by one edge, no labels, one-hot features
        int[] src = {0, 1, 2, 3, 4, 5, 2};
        int[] dst = {1, 2, 0, 4, 5, 3, 3};
        Graph tiny = Gmi.fromArrays("two-triangles", 6, src, dst, null, null);
        TrainConfig gmi = Gmi.config(Method.GMI, tiny);
        gmi.hidden = 8;
        gmi.epochs = 20;
        Embedding e = Gmi.train(tiny, gmi);
        float[][] rows = e.toArray();
        System.out.printf("two-triangles: %d nodes x %d dimensions, node 0 starts %.4f, %.4f, ...%n", rows.length,
                rows[0].length, rows[0][0], rows[0][1]);
    }
}
