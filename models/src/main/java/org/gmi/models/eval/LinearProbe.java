package org.gmi.models.eval;

import org.gmi.engine.Matrix;
import org.gmi.graph.Graph;
import org.gmi.models.Method;

/** Logistic-regression probe on frozen embeddings (DESIGN section 2, evaluation protocols). */
public final class LinearProbe {
    private LinearProbe() {}

    public static ProbeResult evaluate(Matrix embeddings, Graph graph, Protocol protocol, Method method, long seed) {
        throw new UnsupportedOperationException("LinearProbe.evaluate: being written");
    }
}
