package org.gmi.cli;

import java.nio.charset.Charset;
import java.util.Locale;

/** Small formatting helpers shared by the commands. Numbers are always formatted in Locale.ROOT. */
public final class Text {
    private Text() {}

    /** Collapses line breaks so a message stays on one line. */
    public static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    public static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** A duration for humans: {@code 12s}, {@code 3m50s}, {@code 1h02m}. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + fmt("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + fmt("%02d", (s % 3600) / 60) + "m";
    }

    /** Four significant digits, no exponent for ordinary magnitudes: {@code 0.6931}, {@code 0.01234}. */
    public static String sig4(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e6)) {
            return fmt("%.3e", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** A plus-minus sign the standard output can encode ({@code ±}, else {@code +/-}). */
    public static String plusMinus(Charset charset) {
        return charset.newEncoder().canEncode('\u00b1') ? "\u00b1" : "+/-";
    }

    /** {@code 11.3 G}, {@code 516 G}, {@code 2.1 T}: FLOP for humans. */
    public static String flop(double f) {
        return f >= 1e12 ? fmt("%.3g T", f / 1e12) : f >= 1e9 ? fmt("%.3g G", f / 1e9) : fmt("%.3g M", f / 1e6);
    }
}
