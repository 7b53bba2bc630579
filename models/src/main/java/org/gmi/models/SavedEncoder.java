package org.gmi.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.autodiff.Parameter;
import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;
import org.gmi.graph.NormalizedAdjacency;

/**
 * A trained GCN encoder apart from its model: what {@code encoder.gmi} holds ({@link EncoderFile}), and
 * what embeds any graph whose features have the encoder's dimension. The embedding of a graph is
 * {@code H = GCN(X', Â)} with X' the features, each row divided by its sum, and Â = D^-1/2 (A + I) D^-1/2,
 * exactly as training computes it: on the training graph it gives the bits of that run's
 * {@code embeddings.npy} (same thread count).
 *
 * @param method  the method that trained it
 * @param info    what the file records about it, in order: the fixed keys of {@link #describe} first,
 *                then whatever the trainer added (the graph it was trained on, the seed, ...)
 * @param encoder the encoder with its trained parameters
 */
public record SavedEncoder(Method method, Map<String, String> info, GcnEncoder encoder) {
    /** The feature normalisation it was trained with: each row divided by its sum (rows summing to zero stay zero). */
    public static final String FEATURE_NORMALISATION = "row-sum";
    /** The propagation matrix it was trained with: the GCN's symmetric normalisation with self loops. */
    public static final String PROPAGATION = "gcn: D^-1/2 (A + I) D^-1/2";
    /** The activation of every layer. */
    public static final String ACTIVATION = "prelu";

    public SavedEncoder {
        info = Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    /** {@code trained} with its current parameters copied, described by {@link #describe} and then {@code extra}. */
    public static SavedEncoder of(Method method, GcnEncoder trained, Map<String, String> extra) {
        List<Parameter> copies = new ArrayList<>();
        for (Parameter p : trained.parameters()) {
            copies.add(new Parameter(p.name(), p.value().copy()));
        }
        GcnEncoder encoder = new GcnEncoder(copies);
        Map<String, String> info = describe(method, encoder);
        extra.forEach(info::putIfAbsent);
        return new SavedEncoder(method, info, encoder);
    }

    /** The same encoder, with {@code extra} recorded after the info it has (keys it has keep their values). */
    public SavedEncoder withInfo(Map<String, String> extra) {
        Map<String, String> m = new LinkedHashMap<>(info);
        extra.forEach(m::putIfAbsent);
        return new SavedEncoder(method, m, encoder);
    }

    /** The keys every encoder file records: method, layers, hidden, features and the preprocessing. */
    static Map<String, String> describe(Method method, GcnEncoder encoder) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("method", method.cliName());
        m.put("layers", Integer.toString(encoder.layers()));
        m.put("hidden", Integer.toString(encoder.hidden()));
        m.put("features", Integer.toString(encoder.in()));
        m.put("feature_normalisation", FEATURE_NORMALISATION);
        m.put("propagation", PROPAGATION);
        m.put("activation", ACTIVATION);
        return m;
    }

    public int features() {
        return encoder.in();
    }

    public int hidden() {
        return encoder.hidden();
    }

    public int layers() {
        return encoder.layers();
    }

    /**
     * The embeddings of {@code graph} (N x hidden, a fresh matrix); the graph must have
     * {@link #features()} feature columns.
     */
    public Matrix embed(Graph graph) {
        if (graph.numFeatures() != features()) {
            throw new IllegalArgumentException("graph " + graph.name() + " has " + graph.numFeatures()
                    + " feature columns, the encoder was trained on " + features());
        }
        return encoder.embedByChunks(graph.featureRows(), NormalizedAdjacency.of(graph.adjacencyRows()), chunkRows(hidden()));
    }

    /** Rows per chunk of the layer-by-layer embedding: about 4 M floats (16 MiB) per buffer. */
    public static int chunkRows(int hidden) {
        return Math.max(256, (1 << 22) / Math.max(1, hidden));
    }
}
