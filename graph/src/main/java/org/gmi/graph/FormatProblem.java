package org.gmi.graph;

/**
 * What is wrong with some bytes, without the file name: thrown by the parsers (pickle, .npy,
 * text) and turned into a {@link GraphFormatException} naming the file by the loader that knows it.
 */
class FormatProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FormatProblem(String message) {
        super(message, null, false, false);
    }

    /** The same problem as a user-facing exception naming {@code where}, in one line. */
    GraphFormatException in(String where) {
        return new GraphFormatException(where + ": " + getMessage());
    }

    /** Printable, one-line, length-capped form of a value taken from untrusted input. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(s.length(), 60);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else if (c <= 0xff) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        if (s.length() > n) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
