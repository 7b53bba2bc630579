package org.gmi.study.plot;

/**
 * One line of a {@link LinePanel}: points (x, y) and, optionally, error bars of half-width err.
 * Names no AWT type: building one loads nothing of java.desktop.
 *
 * @param err half-widths of error bars at each point, or null for none
 */
public record Line(String name, double[] x, double[] y, double[] err) {
    public Line {
        if (x.length != y.length || (err != null && err.length != x.length)) {
            throw new IllegalArgumentException("line " + name + ": x, y (and err) must have one entry per point");
        }
    }
}
