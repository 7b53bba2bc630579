package org.gmi.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code split.json}, written beside every training's embeddings: the dataset, its node count, classes
 * and labels, and every split the evaluation used (node ids counted from 0). {@code gmi eval --split}
 * reads one back to evaluate other embeddings on the same nodes.
 */
public final class SplitFile {
    public static final String FILE = "split.json";

    private SplitFile() {}

    /** The file's content: {@code splits}, or the graph's own split when the list is empty. */
    public static Map<String, Object> of(Graph graph, List<Split> splits) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", graph.name());
        m.put("nodes", graph.numNodes());
        m.put("classes", graph.numClasses());
        m.put("labels", graph.labels());
        List<Map<String, Object>> list = new ArrayList<>();
        for (Split s : splits.isEmpty() ? List.of(graph.split()) : splits) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("kind", s.kind());
            one.put("train", s.train());
            one.put("val", s.val());
            one.put("test", s.test());
            list.add(one);
        }
        m.put("splits", list);
        return m;
    }

    /**
     * The first split of {@code file}, every node id checked against {@code graph}.
     *
     * @throws IllegalArgumentException naming the file and what does not fit
     */
    public static Split read(Path file, Graph graph) throws IOException {
        String where = "'" + file + "'";
        Map<String, Object> m;
        try {
            m = JsonReader.object(Files.readString(file));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + " is not a split.json: " + e.getMessage(), e);
        }
        Object nodes = m.get("nodes");
        require(nodes instanceof Double d && d == graph.numNodes(), where + " is the split of "
                + (nodes instanceof Double d ? Long.toString(d.longValue()) : String.valueOf(nodes)) + " nodes; dataset "
                + graph.name() + " has " + graph.numNodes());
        require(m.get("splits") instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?>, where + " holds no split");
        Map<?, ?> first = (Map<?, ?>) ((List<?>) m.get("splits")).get(0);
        int[][] parts = new int[3][];
        String[] names = {"train", "val", "test"};
        for (int k = 0; k < 3; k++) {
            require(first.get(names[k]) instanceof List<?>, where + ": no '" + names[k] + "' list");
            List<?> ids = (List<?>) first.get(names[k]);
            parts[k] = new int[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                Object v = ids.get(i);
                require(v instanceof Double d && d == Math.rint(d) && d >= 0 && d < graph.numNodes(), where + ": '" + names[k]
                        + "' entry " + i + " is " + v + ", not a node id of " + graph.name() + " (0 to " + (graph.numNodes() - 1) + ")");
                parts[k][i] = ((Double) v).intValue();
            }
        }
        String kind = "from " + file.getFileName() + (first.get("kind") instanceof String s ? " (" + s + ")" : "");
        return new Split(parts[0], parts[1], parts[2], kind);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
