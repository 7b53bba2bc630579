package org.gmi.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gmi.autodiff.Parameter;
import org.gmi.engine.CsrMatrix;
import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;
import org.gmi.graph.LoadReport;
import org.gmi.graph.Splits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * encoder.gmi: written and read back exactly, the embeddings of a trained model reproduced bit for
 * bit from the file (also on a graph it never saw, against a fresh model), and every damaged or
 * unusable file refused with one line naming it.
 */
class EncoderFileTest {
    @TempDir
    Path dir;

    /** A random graph: n nodes of average degree about 4, f sparse non-negative features, 3 classes. */
    static Graph randomGraph(long seed, int n, int f) {
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[][] a = new boolean[n][n];
        for (int e = 0; e < 2 * n; e++) {
            int i = rng.nextInt(n);
            int j = rng.nextInt(n);
            if (i != j) {
                a[i][j] = true;
                a[j][i] = true;
            }
        }
        CsrMatrix adj = csr(n, n, (i, j) -> a[i][j] ? 1f : 0f);
        float[][] x = new float[n][f];
        for (float[] row : x) {
            for (int k = 0; k < f; k++) {
                row[k] = rng.nextInt(4) == 0 ? 1 + rng.nextInt(3) : 0;
            }
        }
        CsrMatrix features = csr(n, f, (i, k) -> x[i][k]);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(3);
        }
        return new Graph("random-" + seed, adj, features, labels, 3, Splits.random(labels, 0.2, 0.2, seed),
                new LoadReport("memory", 0, 0, 0, List.of()));
    }

    private interface Entry {
        float at(int i, int j);
    }

    private static CsrMatrix csr(int rows, int cols, Entry entry) {
        int[] ptr = new int[rows + 1];
        List<Integer> col = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = entry.at(i, j);
                if (v != 0) {
                    col.add(j);
                    val.add(v);
                }
            }
            ptr[i + 1] = col.size();
        }
        float[] v = new float[val.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = val.get(k);
        }
        return new CsrMatrix(rows, cols, ptr, col.stream().mapToInt(Integer::intValue).toArray(), v);
    }

    private static TrainResult train(Graph g, Method method, int layers) {
        TrainConfig c = new TrainConfig();
        c.method = method;
        c.hidden = 8;
        c.epochs = 3;
        c.layers = layers;
        c.seed = 5;
        return Trainer.fit(Trainer.createModel(g, c), c, TrainingListener.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GMI-1", "GMI-2", "DGI-1", "DGI-2"})
    void theFileReproducesTheTrainedEmbeddingsBitForBit(String which) throws IOException {
        Method method = Method.valueOf(which.substring(0, 3));
        int layers = which.endsWith("2") ? 2 : 1;
        Graph g = randomGraph(1, 50, 12);
        TrainResult r = train(g, method, layers);
        Path file = dir.resolve(EncoderFile.FILE);
        EncoderFile.write(file, dir.resolve(".encoder.tmp"), r.encoder().withInfo(Map.of("trained_on", g.name())));
        assertEquals(List.of(EncoderFile.FILE), list(dir), "the temporary file is renamed away");

        SavedEncoder back = EncoderFile.read(file);
        assertEquals(method, back.method());
        assertEquals(layers, back.layers());
        assertEquals(12, back.features());
        assertEquals(8, back.hidden());
        assertEquals(g.name(), back.info().get("trained_on"));
        assertEquals(List.of("method", "layers", "hidden", "features", "feature_normalisation", "propagation", "activation",
                "trained_on"), List.copyOf(back.info().keySet()));
        List<Parameter> saved = r.encoder().encoder().parameters();
        List<Parameter> read = back.encoder().parameters();
        for (int k = 0; k < saved.size(); k++) {
            assertEquals(saved.get(k).name(), read.get(k).name());
            assertArrayEquals(saved.get(k).value().data, read.get(k).value().data, saved.get(k).name());
        }
        assertArrayEquals(r.embeddings().data, back.embed(g).data, "the training graph's embeddings, bit for bit");
    }

    @Test
    void anUnseenGraphIsEmbeddedAsTheTrainedModelWouldEmbedIt() {
        Graph train = randomGraph(2, 40, 10);
        Graph unseen = randomGraph(3, 70, 10);
        TrainResult r = train(train, Method.GMI, 2);
        // a model on the unseen graph holding the trained encoder parameters embeds it the same way
        TrainConfig c = new TrainConfig();
        c.hidden = 8;
        c.layers = 2;
        SelfSupervisedModel other = Trainer.createModel(unseen, c);
        List<Parameter> target = other.encoder().parameters();
        List<Parameter> trained = r.encoder().encoder().parameters();
        for (int k = 0; k < target.size(); k++) {
            target.get(k).setValue(trained.get(k).value().copy());
        }
        Matrix h = r.encoder().embed(unseen);
        assertEquals(70, h.rows);
        assertArrayEquals(other.embed().data, h.data);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> r.encoder().embed(randomGraph(4, 30, 11)));
        assertTrue(e.getMessage().contains("11 feature columns") && e.getMessage().contains("trained on 10"), e.getMessage());
    }

    @Test
    void everyDamagedByteIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve(EncoderFile.FILE);
        EncoderFile.writeFile(file, train(randomGraph(5, 30, 6), Method.DGI, 1).encoder());
        byte[] good = Files.readAllBytes(file);
        SplittableRandom rng = new SplittableRandom(9);
        for (int trial = 0; trial < 40; trial++) {
            byte[] bad = good.clone();
            int at = trial < 8 ? trial : rng.nextInt(bad.length);
            bad[at] ^= (byte) (1 + rng.nextInt(255));
            Path damaged = dir.resolve("damaged-" + trial + ".gmi");
            Files.write(damaged, bad);
            EncoderFormatException ex = assertThrows(EncoderFormatException.class, () -> EncoderFile.read(damaged),
                    "byte " + at + " altered");
            assertTrue(ex.getMessage().contains(damaged.toString()), ex.getMessage());
            assertEquals(1, ex.getMessage().lines().count(), ex.getMessage());
        }
        for (int cut : new int[] {0, 10, good.length / 2, good.length - 1}) {
            Path truncated = dir.resolve("cut-" + cut + ".gmi");
            Files.write(truncated, java.util.Arrays.copyOf(good, cut));
            EncoderFormatException ex = assertThrows(EncoderFormatException.class, () -> EncoderFile.read(truncated));
            assertTrue(ex.getMessage().contains("truncated"), ex.getMessage());
        }
        EncoderFormatException missing = assertThrows(EncoderFormatException.class,
                () -> EncoderFile.read(dir.resolve("nothing.gmi")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void contentsNoTrainingWritesAreRefusedThoughTheChecksumIsIntact() throws IOException {
        SavedEncoder good = train(randomGraph(6, 30, 6), Method.GMI, 1).encoder();

        Map<String, String> otherNormalisation = new LinkedHashMap<>(good.info());
        otherNormalisation.put("feature_normalisation", "none");
        refused(new SavedEncoder(good.method(), otherNormalisation, good.encoder()), "feature_normalisation 'none'");

        Map<String, String> wrongWidth = new LinkedHashMap<>(good.info());
        wrongWidth.put("hidden", "9");
        refused(new SavedEncoder(good.method(), wrongWidth, good.encoder()), "hidden 9");

        List<Parameter> nan = new ArrayList<>();
        for (Parameter p : good.encoder().parameters()) {
            nan.add(new Parameter(p.name(), p.value().copy()));
        }
        nan.get(1).value().data[3] = Float.NaN;
        refused(new SavedEncoder(good.method(), good.info(), new GcnEncoder(nan)), "gcn1.bias holds NaN at entry 3");
    }

    private void refused(SavedEncoder e, String expected) throws IOException {
        Path file = dir.resolve("unusable.gmi");
        EncoderFile.writeFile(file, e);
        EncoderFormatException ex = assertThrows(EncoderFormatException.class, () -> EncoderFile.read(file));
        assertTrue(ex.getMessage().contains(expected) && ex.getMessage().contains("checksum is intact"), ex.getMessage());
    }

    private static List<String> list(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
