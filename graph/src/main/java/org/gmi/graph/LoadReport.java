package org.gmi.graph;

import java.util.List;

/**
 * What a loader found and fixed while reading a graph; printed by the CLI, never silent.
 *
 * @param source          the file or folder read
 * @param duplicateEdges  edge records merged into an already-seen undirected pair
 * @param selfLoops       nodes with an edge to themselves (kept in A, as the official code does)
 * @param isolatedNodes   nodes with no neighbour other than themselves
 * @param notes           anything else worth a line (e.g. "15 test ids without features: zero rows")
 */
public record LoadReport(String source, long duplicateEdges, long selfLoops, long isolatedNodes, List<String> notes) {}
