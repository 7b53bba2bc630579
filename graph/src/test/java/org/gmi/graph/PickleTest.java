package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PickleTest {

    /**
     * Python 3.11: pickle.dumps({'a': [1, 2, 3], 'b': (1.5, None, True, False), 'c': b'xyz',
     * 'd': 2**40, 'e': -2**70, 'f': 'héllo', 'g': {1, 2}, 'h': [[]] * 2, 'i': frozenset([3])},
     * protocol=4).hex()
     */
    private static final String PROTOCOL_4 = "80049579000000000000007d94288c0161945d94284b014b024b03658c01629428473ff8"
            + "0000000000004e888974948c016394430378797a948c0164948a060000000000018c0165948a090000000000000000c08c"
            + "0166948c0668c3a96c6c6f948c0167948f94284b014b02908c0168945d94285d94680f658c016994284b039194752e";

    /** Python 3.11: pickle.dumps([b'xyz', 255, -1, 65536, 3.25, (1,), (1,2), (1,2,3), (1,2,3,4)], protocol=2).hex() */
    private static final String PROTOCOL_2 = "80025d710028635f636f646563730a656e636f64650a7101580300000078797a71025806"
            + "0000006c6174696e3171038671045271054bff4affffffff4a0000010047400a0000000000004b018571064b014b028671"
            + "074b014b024b03877108284b014b024b034b04747109652e";

    @Test
    void readsAProtocol4PickleWrittenByPython() {
        Object o = Pickle.load(TestData.hex(PROTOCOL_4));
        Map<?, ?> m = (Map<?, ?>) o;
        assertEquals(List.of(1L, 2L, 3L), m.get("a"));
        List<?> b = (List<?>) m.get("b");
        assertEquals(1.5, b.get(0));
        assertNull(b.get(1));
        assertEquals(Boolean.TRUE, b.get(2));
        assertEquals(Boolean.FALSE, b.get(3));
        assertArrayEquals("xyz".getBytes(StandardCharsets.US_ASCII), (byte[]) m.get("c"));
        assertEquals(1L << 40, m.get("d"));
        assertEquals(BigInteger.TWO.pow(70).negate(), m.get("e"));
        assertEquals("h\u00e9llo", m.get("f"));
        assertEquals(Set.of(1L, 2L), m.get("g"));
        List<?> h = (List<?>) m.get("h");
        assertSame(h.get(0), h.get(1), "memo: [[]] * 2 is one list twice");
        assertEquals(Set.of(3L), m.get("i"));
    }

    @Test
    void readsAProtocol2PickleWrittenByPython3() {
        List<?> l = (List<?>) Pickle.load(TestData.hex(PROTOCOL_2));
        assertArrayEquals("xyz".getBytes(StandardCharsets.US_ASCII), (byte[]) l.get(0)); // via _codecs.encode(.., 'latin1')
        assertEquals(List.of(255L, -1L, 65536L, 3.25), l.subList(1, 5));
        assertEquals(List.of(1L), l.get(5));
        assertEquals(List.of(1L, 2L), l.get(6));
        assertEquals(List.of(1L, 2L, 3L), l.get(7));
        assertEquals(List.of(1L, 2L, 3L, 4L), l.get(8));
    }

    /** GLOBAL 'os system', the command as a unicode string, TUPLE1, REDUCE, STOP: what pickle.loads would run. */
    static byte[] osSystemPickle(String module, String command) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(2);
        o.writeBytes(("c" + module + "\nsystem\n").getBytes(StandardCharsets.US_ASCII));
        byte[] cmd = command.getBytes(StandardCharsets.UTF_8);
        o.write('X');
        o.write(cmd.length);
        o.write(cmd.length >> 8);
        o.write(0);
        o.write(0);
        o.writeBytes(cmd);
        o.write(0x85); // TUPLE1
        o.write('R'); // REDUCE: os.system(command)
        o.write('.');
        return o.toByteArray();
    }

    /** Protocol 4: STACK_GLOBAL from two unicode strings, then REDUCE. */
    static byte[] stackGlobalPickle(String module, String name, String argument) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x80);
        o.write(4);
        String[] strings = {module, name, argument};
        for (int k = 0; k < strings.length; k++) {
            byte[] b = strings[k].getBytes(StandardCharsets.UTF_8);
            o.write(0x8c); // SHORT_BINUNICODE
            o.write(b.length);
            o.writeBytes(b);
            if (k == 1) {
                o.write(0x93); // STACK_GLOBAL
            }
        }
        o.write(0x85);
        o.write('R');
        o.write('.');
        return o.toByteArray();
    }

    @Test
    void refusesOsSystemAndExecutesNothing(@TempDir Path dir) {
        Path marker = dir.resolve("pwned");
        for (String module : new String[] {"os", "posix", "nt"}) {
            FormatProblem p = assertThrows(FormatProblem.class,
                    () -> Pickle.load(osSystemPickle(module, "touch " + marker)));
            assertTrue(p.getMessage().contains(module + ".system"), p.getMessage());
            assertTrue(p.getMessage().contains("refused"), p.getMessage());
        }
        assertFalse(Files.exists(marker), "the marker file must not exist: nothing may run");
    }

    @Test
    void refusesOtherDangerousGlobalsByStackGlobal(@TempDir Path dir) {
        Path marker = dir.resolve("pwned");
        String[][] globals = {
            {"posix", "system"}, {"builtins", "eval"}, {"builtins", "exec"}, {"__builtin__", "eval"},
            {"subprocess", "Popen"}, {"builtins", "getattr"}, {"numpy", "load"}, {"pickle", "loads"},
            {"scipy.sparse", "load_npz"}, {"collections", "namedtuple"},
        };
        for (String[] g : globals) {
            FormatProblem p = assertThrows(FormatProblem.class,
                    () -> Pickle.load(stackGlobalPickle(g[0], g[1], "open('" + marker + "', 'w')")));
            assertTrue(p.getMessage().contains(g[0] + "." + g[1]), p.getMessage());
        }
        assertFalse(Files.exists(marker));
    }

    @Test
    void refusesAMaliciousPlanetoidFileNamingFileAndClass(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Path data = Files.createDirectory(dir.resolve("data"));
        TestData.copyBundled("cora", data);
        Files.write(data.resolve("ind.cora.x"), osSystemPickle("os", "touch " + marker));
        GraphFormatException e = assertThrows(GraphFormatException.class, () -> PlanetoidLoader.load(data));
        TestData.assertNamesFile(e, "ind.cora.x");
        assertTrue(e.getMessage().contains("os.system"), e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void refusesOpcodesThatCallCodeOtherwise() {
        // INST 'os\nsystem\n' would look up and call os.system in protocol 0
        byte[] inst = "\u0080\u0002(ios\nsystem\n.".getBytes(StandardCharsets.ISO_8859_1);
        FormatProblem p = assertThrows(FormatProblem.class, () -> Pickle.load(inst));
        assertTrue(p.getMessage().contains("INST"), p.getMessage());
        byte[] ext = {(byte) 0x80, 2, (byte) 0x82, 1, '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(ext)).getMessage().contains("EXT1"));
        byte[] persid = {(byte) 0x80, 2, 'N', 'Q', '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(persid)).getMessage().contains("BINPERSID"));
    }

    @Test
    void refusesProtocolsOutsideTwoToFourAndTruncatedData() {
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(new byte[] {(byte) 0x80, 5, 'N', '.'}))
                .getMessage().contains("protocol 5"));
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load("(lp0\n.".getBytes(StandardCharsets.US_ASCII)))
                .getMessage().contains("not a pickle of protocol 2 to 4"));
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(new byte[0])).getMessage().contains("empty"));
        byte[] full = TestData.hex(PROTOCOL_4);
        for (int cut : new int[] {1, 2, 11, 40, full.length / 2, full.length - 1}) {
            byte[] part = java.util.Arrays.copyOf(full, cut);
            FormatProblem p = assertThrows(FormatProblem.class, () -> Pickle.load(part), "cut at " + cut);
            assertTrue(p.getMessage().contains("truncated"), "cut at " + cut + ": " + p.getMessage());
        }
        // BINBYTES announcing 2 GB in a tiny file: refused before any allocation
        byte[] huge = {(byte) 0x80, 3, 'B', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(huge)).getMessage().contains("truncated"));
    }

    @Test
    void refusesMalformedStacks() {
        byte[] underflow = {(byte) 0x80, 2, 'R', '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(underflow)).getMessage().contains("underflow"));
        byte[] twoValues = {(byte) 0x80, 2, 'N', 'N', '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(twoValues)).getMessage().contains("STOP"));
        byte[] badMemo = {(byte) 0x80, 2, 'h', 7, '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(badMemo)).getMessage().contains("memo"));
    }

    @Test
    void refusesUnhashableKeysSuchAsAListThatContainsItself() {
        // {}, [] memoised, the list appended to itself, then used as a dict key: hashing it would never end
        byte[] cyclic = {(byte) 0x80, 2, '}', ']', 'q', 0, 'h', 0, 'a', 'N', 's', '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(cyclic)).getMessage().contains("dict key"));
        byte[] setOfLists = {(byte) 0x80, 4, (byte) 0x8f, '(', ']', (byte) 0x90, '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(setOfLists)).getMessage().contains("set item"));
    }

    @Test
    void refusesDeeplyNestedNpyHeaders() {
        String deep = "{'descr': '<i4', 'fortran_order': False, 'shape': " + "(".repeat(5000) + "}";
        byte[] npy = Npy.write("<i4", false, new long[] {1}, new byte[4]);
        byte[] header = deep.getBytes(StandardCharsets.ISO_8859_1);
        byte[] bad = new byte[10 + header.length];
        System.arraycopy(npy, 0, bad, 0, 8);
        bad[8] = (byte) header.length;
        bad[9] = (byte) (header.length >> 8);
        System.arraycopy(header, 0, bad, 10, header.length);
        assertTrue(assertThrows(FormatProblem.class, () -> Npy.read(bad)).getMessage().contains("deep"));
    }

    @Test
    void readsTheBundledPicklesIntoTheExpectedTypes() throws Exception {
        byte[] x = Datasets.class.getResourceAsStream("data/ind.cora.x").readAllBytes();
        ScipyCsr csr = ScipyCsr.from(Pickle.load(x));
        assertEquals(140, csr.rows());
        assertEquals(1433, csr.cols());
        byte[] y = Datasets.class.getResourceAsStream("data/ind.cora.y").readAllBytes();
        NdArray a = (NdArray) Pickle.load(y);
        assertArrayEquals(new long[] {140, 7}, a.shape);
        assertEquals("int32", a.dtype.toString());
        int[] v = a.ints();
        for (int i = 0; i < 140; i++) {
            int sum = 0;
            for (int c = 0; c < 7; c++) {
                sum += v[i * 7 + c];
            }
            assertEquals(1, sum, "row " + i + " of ind.cora.y is one-hot");
        }
    }
}
