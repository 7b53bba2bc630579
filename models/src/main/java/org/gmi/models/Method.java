package org.gmi.models;

/** The self-supervised methods the engine trains. */
public enum Method {
    /** GMI-mean: Peng et al., WWW 2020, as the official code computes it (DESIGN section 2). */
    GMI,
    /** DGI: Velickovic et al., ICLR 2019. */
    DGI;

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
