package org.gmi.models.eval;

import java.util.Map;

/**
 * Test accuracy of the linear probe.
 *
 * <p>{@code val} (honest) protocol: one deterministic classifier per split; {@code runs} is the
 * number of splits, {@code accuracies} each split's test accuracy. {@code paper} protocol:
 * {@code runs} freshly initialised classifiers on one split.
 *
 * @param iterations the classifier's iteration count (paper: Adam steps of every run; val: L-BFGS
 *                   iterations of the chosen classifier on the first split)
 * @param leaky      true when anything was chosen by looking at test accuracy
 * @param note       one line describing the protocol as run
 * @param accuracies each run's (or split's) test accuracy, in [0, 1]
 * @param details    protocol-specific facts for metrics.json (val: the regularisation grid, the
 *                   chosen strength per split, validation accuracies, convergence); empty for paper
 */
public record ProbeResult(String protocol, double mean, double std, int runs, int iterations, boolean leaky,
                          String note, double[] accuracies, Map<String, Object> details) {}
