package org.gmi.graph;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Lines of a small text data file, checked to be text: UTF-8 (a leading BOM is dropped), no NUL
 * or other control bytes except tab, CR, LF and form feed. Blank lines and lines starting with
 * {@code #} are skipped; text after a {@code #} is a comment. Each kept line keeps its 1-based
 * number for messages.
 */
final class TextFile {

    /** A content line and its 1-based line number. */
    record Line(int number, String text) {}

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");

    private TextFile() {}

    static List<Line> lines(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' || b == 0x7f) {
                throw new FormatProblem(String.format("not a text file: control byte 0x%02x at offset %d", b, i));
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatProblem("not a text file: bytes that are not UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Line> out = new ArrayList<>();
        int number = 0;
        for (String raw : text.split("\r\n|\n|\r", -1)) {
            number++;
            int hash = raw.indexOf('#');
            String s = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (!s.isEmpty()) {
                out.add(new Line(number, s));
            }
        }
        return out;
    }

    /** The fields of a line: comma separated if it has a comma, else whitespace separated. */
    static String[] fields(Line line) {
        String s = line.text();
        if (s.indexOf(',') >= 0) {
            String[] f = s.split(",", -1);
            for (int i = 0; i < f.length; i++) {
                f[i] = f[i].strip();
            }
            return f;
        }
        return s.split("\\s+");
    }

    /** True for a header line: its first field starts with a letter and is not nan or inf. */
    static boolean isHeader(Line line) {
        String first = fields(line)[0];
        return !first.isEmpty() && Character.isLetter(first.charAt(0)) && !isNonFinite(first);
    }

    static boolean isNonFinite(String field) {
        String f = field.toLowerCase(java.util.Locale.ROOT);
        if (f.startsWith("+") || f.startsWith("-")) {
            f = f.substring(1);
        }
        return f.equals("nan") || f.equals("inf") || f.equals("infinity");
    }

    /** An integer field; {@code what} names it in the message ("node id", "label"). */
    static long parseInteger(String field, Line line, String what) {
        if (!INTEGER.matcher(field).matches()) {
            throw new FormatProblem("line " + line.number() + ": " + what + " " + FormatProblem.quote(field)
                    + " is not an integer");
        }
        try {
            return Long.parseLong(field.startsWith("+") ? field.substring(1) : field);
        } catch (NumberFormatException e) {
            throw new FormatProblem("line " + line.number() + ": " + what + " " + FormatProblem.quote(field) + " is too large");
        }
    }

    /** A finite decimal number; NaN, inf and values beyond float range are refused. */
    static float parseFinite(String field, Line line, int column) {
        if (isNonFinite(field)) {
            throw new FormatProblem("line " + line.number() + ", column " + (column + 1) + ": non-finite value "
                    + FormatProblem.quote(field) + " (NaN and infinity are not allowed)");
        }
        if (!NUMBER.matcher(field).matches()) {
            throw new FormatProblem("line " + line.number() + ", column " + (column + 1) + ": "
                    + FormatProblem.quote(field) + " is not a number");
        }
        float v = Float.parseFloat(field);
        if (!Float.isFinite(v)) {
            throw new FormatProblem("line " + line.number() + ", column " + (column + 1) + ": " + FormatProblem.quote(field)
                    + " overflows a float");
        }
        return v;
    }
}
