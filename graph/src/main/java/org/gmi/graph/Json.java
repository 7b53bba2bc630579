package org.gmi.graph;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A small JSON writer (no library needed for what {@code gmi} writes): maps (keys as strings, in
 * their iteration order), lists and other collections, primitive and object arrays, numbers,
 * booleans, strings, enums (their {@code toString()}) and null. NaN and infinities, which JSON
 * cannot hold, are written as {@code null}. Output is indented by two spaces; arrays that hold
 * only scalars stay on one line so that per-epoch series remain readable.
 */
public final class Json {
    private Json() {}

    /** The value as indented JSON, ending without a newline. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (v instanceof Double d) {
            number(sb, d);
        } else if (v instanceof Float f) {
            number(sb, f);
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof Character c) {
            quote(sb, c.toString());
        } else if (v instanceof Map<?, ?> map) {
            writeMap(sb, map, indent);
        } else if (v instanceof Collection<?> c) {
            writeList(sb, c.iterator(), c.size(), indent);
        } else if (v.getClass().isArray()) {
            writeArray(sb, v, indent);
        } else {
            quote(sb, v.toString());
        }
    }

    private static void number(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            sb.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d).append(".0");
        } else {
            sb.append(d);
        }
    }

    private static void number(StringBuilder sb, float f) {
        if (!Float.isFinite(f)) {
            sb.append("null");
        } else {
            // Float.toString gives the shortest decimal that reads back as the same float
            sb.append(Float.toString(f));
        }
    }

    private static void writeMap(StringBuilder sb, Map<?, ?> map, int indent) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append("{\n");
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            pad(sb, indent + 1);
            quote(sb, String.valueOf(e.getKey()));
            sb.append(": ");
            write(sb, e.getValue(), indent + 1);
            sb.append(it.hasNext() ? ",\n" : "\n");
        }
        pad(sb, indent);
        sb.append('}');
    }

    private static void writeArray(StringBuilder sb, Object array, int indent) {
        int n = Array.getLength(array);
        Iterator<Object> it = new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public Object next() {
                return Array.get(array, i++);
            }
        };
        writeList(sb, it, n, indent);
    }

    private static void writeList(StringBuilder sb, Iterator<?> it, int size, int indent) {
        if (size == 0) {
            sb.append("[]");
            return;
        }
        Object[] items = new Object[size];
        boolean scalars = true;
        for (int i = 0; i < size; i++) {
            items[i] = it.next();
            scalars &= !(items[i] instanceof Map || items[i] instanceof Collection
                    || (items[i] != null && items[i].getClass().isArray()));
        }
        if (scalars) {
            sb.append('[');
            for (int i = 0; i < size; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                write(sb, items[i], indent);
            }
            sb.append(']');
            return;
        }
        sb.append("[\n");
        for (int i = 0; i < size; i++) {
            pad(sb, indent + 1);
            write(sb, items[i], indent + 1);
            sb.append(i + 1 < size ? ",\n" : "\n");
        }
        pad(sb, indent);
        sb.append(']');
    }

    private static void pad(StringBuilder sb, int indent) {
        sb.append("  ".repeat(indent));
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        quote(sb, s);
        return sb.toString();
    }
}
