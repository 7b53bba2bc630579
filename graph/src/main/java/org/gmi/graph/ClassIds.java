package org.gmi.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * Class ids as the linear probe needs them: 0..C-1, every one of them present. The probe's
 * classifier has one output per class id below the largest, so a stray large id (one label of
 * 65535 among ids 0 and 1) would make it train 65,536 outputs for 3 classes. Loaders pass their
 * labels through {@link #compact}: ids with gaps are renumbered, in id order, to the classes
 * present, and the renumbering is reported; more distinct classes than {@link #MAX_CLASSES} are
 * refused.
 */
final class ClassIds {
    /** Most distinct classes a graph may have (the probe's cost grows with them). */
    static final int MAX_CLASSES = 4096;

    private ClassIds() {}

    /**
     * Renumbers {@code labels} (ids >= 0, -1 for unlabelled) in place to 0..C-1 when some id below
     * the largest (or below {@code declaredClasses}, a format's own class count such as one-hot
     * columns) is unused, adding a note saying so; returns C. Refuses more than {@link #MAX_CLASSES}
     * classes, naming {@code where}.
     */
    static int compact(int[] labels, int declaredClasses, String where, List<String> notes) {
        int maxId = -1;
        for (int l : labels) {
            maxId = Math.max(maxId, l);
        }
        int bound = Math.max(maxId + 1, declaredClasses);
        boolean[] present = new boolean[bound];
        int classes = 0;
        for (int l : labels) {
            if (l >= 0 && !present[l]) {
                present[l] = true;
                classes++;
            }
        }
        if (classes > MAX_CLASSES) {
            throw new GraphFormatException(where + ": " + classes + " distinct classes, more than the " + MAX_CLASSES
                    + " the linear probe is run with; refused");
        }
        if (classes == bound) {
            return classes;
        }
        int[] newId = new int[bound];
        List<String> changed = new ArrayList<>();
        int next = 0;
        for (int id = 0; id < bound; id++) {
            if (present[id]) {
                newId[id] = next;
                if (id != next && changed.size() < 8) {
                    changed.add(id + " -> " + next);
                }
                next++;
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= 0) {
                labels[i] = newId[labels[i]];
            }
        }
        int moved = 0;
        for (int id = 0; id < bound; id++) {
            moved += present[id] && newId[id] != id ? 1 : 0;
        }
        notes.add("class ids renumbered to the " + classes + " classes present (of ids 0.." + (bound - 1) + "): "
                + String.join(", ", changed) + (moved > changed.size() ? ", ..." : ""));
        return classes;
    }
}
