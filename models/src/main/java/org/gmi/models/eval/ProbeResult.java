package org.gmi.models.eval;

/**
 * Test accuracy of the linear probe over {@code runs} freshly initialised classifiers.
 *
 * @param iterations the classifier iteration count used for every run
 * @param leaky      true when the iteration count was chosen by looking at test accuracy
 * @param note       one line describing the protocol as run
 * @param accuracies each run's test accuracy, in [0, 1]
 */
public record ProbeResult(String protocol, double mean, double std, int runs, int iterations, boolean leaky,
                          String note, double[] accuracies) {}
