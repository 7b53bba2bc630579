package org.gmi.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.gmi.autodiff.ops.JsdMi;
import org.gmi.graph.NegativeSampler;
import org.gmi.models.GmiVariant;
import org.gmi.models.Method;
import org.gmi.models.ReconstructionMode;
import org.gmi.models.eval.Protocol;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The enumerated flag values, in lower case on the command line ({@code --method gmi}), with their
 * converters and completion lists. Converters sit on the options themselves, so they work with any
 * {@code CommandLine}, not only the one {@link Main} configures.
 */
public final class Choices {
    private Choices() {}

    /** {@code --protocol}: one of the probe protocols, or both of them. */
    enum ProtocolChoice {
        VAL, PAPER, BOTH;

        List<Protocol> protocols() {
            return switch (this) {
                case VAL -> List.of(Protocol.VAL);
                case PAPER -> List.of(Protocol.PAPER);
                case BOTH -> List.of(Protocol.VAL, Protocol.PAPER);
            };
        }

        String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final class MethodConverter implements ITypeConverter<Method> {
        @Override
        public Method convert(String value) {
            for (Method m : Method.values()) {
                if (m.cliName().equalsIgnoreCase(value.strip())) {
                    return m;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a method; expected gmi or dgi");
        }
    }

    public static final class MethodCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> names = new ArrayList<>();
            for (Method m : Method.values()) {
                names.add(m.cliName());
            }
            return names.iterator();
        }
    }

    public static final class ProtocolConverter implements ITypeConverter<ProtocolChoice> {
        @Override
        public ProtocolChoice convert(String value) {
            for (ProtocolChoice p : ProtocolChoice.values()) {
                if (p.cliName().equalsIgnoreCase(value.strip())) {
                    return p;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a protocol; expected val, paper or both");
        }
    }

    public static final class ProtocolCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("val", "paper", "both").iterator();
        }
    }

    /** {@code --sampler}: how GMI draws its negatives. */
    public static String samplerName(NegativeSampler.Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    public static final class SamplerConverter implements ITypeConverter<NegativeSampler.Mode> {
        @Override
        public NegativeSampler.Mode convert(String value) {
            for (NegativeSampler.Mode m : NegativeSampler.Mode.values()) {
                if (samplerName(m).equalsIgnoreCase(value.strip())) {
                    return m;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a sampler; expected uniform or derangement");
        }
    }

    public static final class SamplerCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("uniform", "derangement").iterator();
        }
    }

    /** {@code --reconstruction}: GMI's reconstruction term, exact or sampled. */
    public static final class ReconstructionConverter implements ITypeConverter<ReconstructionMode> {
        @Override
        public ReconstructionMode convert(String value) {
            for (ReconstructionMode m : ReconstructionMode.values()) {
                if (m.cliName().equalsIgnoreCase(value.strip())) {
                    return m;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a reconstruction; expected exact or sampled");
        }
    }

    /** {@code gmi train --reconstruction}: auto picks exact or sampled from the graph's size. */
    enum ReconstructionChoice {
        AUTO, EXACT, SAMPLED;

        String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final class ReconstructionChoiceConverter implements ITypeConverter<ReconstructionChoice> {
        @Override
        public ReconstructionChoice convert(String value) {
            for (ReconstructionChoice m : ReconstructionChoice.values()) {
                if (m.cliName().equalsIgnoreCase(value.strip())) {
                    return m;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a reconstruction; expected auto, exact or sampled");
        }
    }

    static final class ReconstructionChoiceCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("auto", "exact", "sampled").iterator();
        }
    }

    public static final class ReconstructionCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("exact", "sampled").iterator();
        }
    }

    /** {@code --variant}: GMI's neighbour aggregation, mean or adaptive. */
    public static final class VariantConverter implements ITypeConverter<GmiVariant> {
        @Override
        public GmiVariant convert(String value) {
            for (GmiVariant v : GmiVariant.values()) {
                if (v.cliName().equalsIgnoreCase(value.strip())) {
                    return v;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a GMI variant; expected mean or adaptive");
        }
    }

    public static final class VariantCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("mean", "adaptive").iterator();
        }
    }

    /** {@code --jsd-on}: where GMI's JSD estimator applies its softplus. */
    public static final class JsdOnConverter implements ITypeConverter<JsdMi.Mode> {
        @Override
        public JsdMi.Mode convert(String value) {
            for (JsdMi.Mode m : JsdMi.Mode.values()) {
                if (m.name().equalsIgnoreCase(value.strip())) {
                    return m;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a place for the JSD estimator; expected probabilities or logits");
        }
    }

    public static final class JsdOnCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("probabilities", "logits").iterator();
        }
    }
}
