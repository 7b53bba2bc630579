package org.gmi.models;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.gmi.graph.Graph;
import org.junit.jupiter.api.Test;

/** GMI minibatch training when N = k B + 1: the epoch's last seed joins the batch before it. */
class MinibatchLastBatchTest {
    @Test
    void gmiTrainsWhenTheLastBatchWouldHaveOneSeed() {
        Graph g = MinibatchGraphs.random(new SplittableRandom(42), 49, 12, 3); // 49 = 3 x 16 + 1
        TrainConfig c = MinibatchTrainerTest.config(Method.GMI, 1, 1);          // batch size 16, fan-out 4
        TrainResult r = assertDoesNotThrow(() -> MinibatchTrainer.train(g, c, TrainingListener.NONE));
        assertEquals(c.epochs, r.epochsRun());
        assertEquals(49, r.embeddings().rows);
    }

    @Test
    void aBatchSizeOfOneIsRefused() {
        TrainConfig c = MinibatchTrainerTest.config(Method.GMI, 1, 1);
        c.batchSize = 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::validate);
        assertEquals("--batch-size must be at least 2 (negatives are drawn among a batch's seeds), or 0 for full batch; got 1",
                e.getMessage());
    }
}
