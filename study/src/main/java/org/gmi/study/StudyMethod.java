package org.gmi.study;

import org.gmi.cli.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The methods {@code gmi study} compares, each a setting of {@code gmi train}: DGI, GMI as the
 * official code computes it, the two ablations of the analysis that motivated this project, the
 * paper's GMI-adaptive (left out of the official code) and GMI with the DIM form of the JSD.
 */
enum StudyMethod {
    /** Deep Graph Infomax: one GCN layer whatever --layers says (its paper and code). */
    DGI("dgi", "dgi"),
    /** GMI-mean, the official code: alpha 0.8, beta 1, gamma 1, JSD on the sigmoid outputs. */
    GMI("gmi", "gmi"),
    /** No reconstruction term: gamma 0. */
    GMI_NO_RECON("gmi-no-recon", "gmi", "--gamma", "0"),
    /** No neighbour term either: beta 0 and gamma 0, the feature MI alone (DGI-like). */
    GMI_NO_NEIGHBOUR("gmi-no-neighbour", "gmi", "--beta", "0", "--gamma", "0"),
    /** GMI-adaptive: neighbour weights sigmoid(h_i . h_j), normalised over each node's neighbours. */
    GMI_ADAPTIVE("gmi-adaptive", "gmi", "--variant", "adaptive"),
    /** GMI with the JSD's softplus on the raw bilinear scores (the DIM form), not on their sigmoids. */
    GMI_LOGITS("gmi-logits", "gmi", "--jsd-on", "logits");

    final String cliName;
    private final String trainMethod;
    private final List<String> extra;

    StudyMethod(String cliName, String trainMethod, String... extra) {
        this.cliName = cliName;
        this.trainMethod = trainMethod;
        this.extra = List.of(extra);
    }

    boolean isGmi() {
        return this != DGI;
    }

    /** Whether the method has a reconstruction term (the --reconstruction flags apply). */
    boolean reconstructs() {
        return isGmi() && this != GMI_NO_RECON && this != GMI_NO_NEIGHBOUR;
    }

    /** {@code --method X} and the flags that make this method out of {@code gmi train}. */
    List<String> trainArgs() {
        List<String> args = new ArrayList<>(List.of("--method", trainMethod));
        args.addAll(extra);
        return args;
    }

    static StudyMethod parse(String name) {
        for (StudyMethod m : values()) {
            if (m.cliName.equals(name.strip().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new BadInputException("--methods: '" + name.strip() + "' is not a study method; expected " + names());
    }

    static String names() {
        List<String> n = new ArrayList<>();
        for (StudyMethod m : values()) {
            n.add(m.cliName);
        }
        return String.join(", ", n);
    }
}
