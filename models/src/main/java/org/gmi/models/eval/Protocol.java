package org.gmi.models.eval;

/** How the linear probe picks its number of iterations (DESIGN section 2, evaluation protocols). */
public enum Protocol {
    /** Honest default: the iteration count is chosen on the validation nodes. */
    VAL,
    /**
     * Each method's published protocol. For GMI the iteration count is chosen on TEST accuracy (a
     * leak, reported as such); for DGI 100 iterations at lr 0.01.
     */
    PAPER;

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
