package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u001f/\u00e9\"", Json.write("a\"b\\c\nd\te\r\u0001\u001f/\u00e9"));
        assertEquals("\"\\b\\f\\u2028\"", Json.write("\b\f\u2028"));
    }

    @Test
    void escapedStringsReadBackUnchanged() {
        String nasty = "quote \" backslash \\ newline \n tab \t nul \u0000 del \u007f unicode \u00b1\u4e2d \ud83d\ude00";
        assertEquals(nasty, JsonReader.parse(Json.write(nasty)));
        assertEquals(Map.of(nasty, nasty), JsonReader.parse(Json.write(Map.of(nasty, nasty))));
    }

    @Test
    void numbersAndNonFiniteValues() {
        assertEquals("1.0", Json.write(1.0));
        assertEquals("-2.5", Json.write(-2.5));
        assertEquals("1.0E-5", Json.write(1e-5));
        assertEquals("42", Json.write(42));
        assertEquals("9007199254740993", Json.write(9007199254740993L));
        assertEquals("null", Json.write(Double.NaN));
        assertEquals("null", Json.write(Double.POSITIVE_INFINITY));
        assertEquals("null", Json.write(Float.NEGATIVE_INFINITY));
        assertEquals("0.1", Json.write(0.1f));
        assertEquals("[1.0, null, null, 0.25]", Json.write(new double[] {1, Double.NaN, Double.NEGATIVE_INFINITY, 0.25}));
        assertEquals("[1, 2, 3]", Json.write(new int[] {1, 2, 3}));
        assertEquals("true", Json.write(true));
        assertEquals("null", Json.write(null));
    }

    @Test
    void doublesReadBackExactly() {
        double[] values = {0.1, 1.0 / 3, 1e-300, 123456789.123, -0.000123, 1e300, 2.5e20};
        @SuppressWarnings("unchecked")
        List<Object> back = (List<Object>) JsonReader.parse(Json.write(values));
        for (int k = 0; k < values.length; k++) {
            assertEquals(values[k], (Double) back.get(k), "value " + k);
        }
    }

    @Test
    void nestedStructuresAreValidAndKeepKeyOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of(Map.of("k", "v"), List.of()));
        m.put("empty", Map.of());
        m.put("series", new double[] {0.5, Double.NaN});
        m.put("none", null);
        String text = Json.write(m);
        Map<String, Object> back = JsonReader.object(text);
        assertEquals(List.of("z", "a", "empty", "series", "none"), List.copyOf(back.keySet()));
        assertEquals(Arrays.asList(0.5, null), back.get("series"));
        assertEquals(List.of(Map.of("k", "v"), List.of()), back.get("a"));
        assertTrue(back.containsKey("none"));
        // scalar arrays stay on one line, objects are indented
        assertTrue(text.contains("\"series\": [0.5, null]"), text);
        assertTrue(text.contains("\n  \"z\": 1,\n"), text);
        assertFalse(text.endsWith("\n"));
    }
}
