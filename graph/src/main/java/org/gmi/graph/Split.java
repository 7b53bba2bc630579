package org.gmi.graph;

/**
 * Node ids of the three evaluation sets, each sorted ascending and disjoint.
 *
 * @param kind how the split was made, e.g. {@code "planetoid-public"} or {@code "random(seed=0, 0.1/0.1/0.8)"}
 */
public record Split(int[] train, int[] val, int[] test, String kind) {}
