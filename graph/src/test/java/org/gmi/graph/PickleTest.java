package org.gmi.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    /**
     * The same values pickled by Python 3.11 (numpy 2.4, scipy 1.17) in each protocol 0 to 5
     * ({@code protocols/make_protocol_fixtures.py}): text opcodes (0), binary ones (1), NEWOBJ (2),
     * bytes (3), frames and memoize (4), numpy arrays from in-band BYTEARRAY8 buffers (5).
     */
    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void readsProtocolsZeroToFiveWrittenByPython(int protocol) throws Exception {
        Object o = Pickle.load(Files.readAllBytes(TestData.protocols("values.p" + protocol + ".pkl")));
        Map<?, ?> v = assertInstanceOf(Map.class, o);
        assertEquals("caf\u00e9 \u2603", v.get("str"));
        assertArrayEquals(new byte[] {0, (byte) 0xff, '\\', '\'', '"', '\n'}, (byte[]) v.get("bytes"));
        assertEquals(-5L, v.get("int"));
        assertEquals(BigInteger.TWO.pow(70), v.get("big"));
        assertEquals(3.25, v.get("float"));
        assertEquals(List.of(true, false), v.get("bools"));
        assertTrue(v.containsKey("none"));
        assertNull(v.get("none"));
        assertEquals(List.of(1L, 2L, 3L), v.get("list"));
        NdArray ints = assertInstanceOf(NdArray.class, v.get("ints"));
        assertEquals("(2, 3)", ints.shapeString());
        assertArrayEquals(new int[] {1, -2, 3, 4, 5, -6}, ints.ints());
        NdArray floats = assertInstanceOf(NdArray.class, v.get("floats"));
        assertEquals("(3, 2)", floats.shapeString());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, floats.floats(), "Fortran order read row-major");
        ScipyCsr csr = ScipyCsr.from(v.get("csr"));
        assertEquals(2, csr.rows());
        assertEquals(3, csr.cols());
        assertArrayEquals(new int[] {0, 1, 2}, csr.indptr());
        assertArrayEquals(new int[] {1, 0}, csr.indices());
        assertArrayEquals(new float[] {1.5f, 2f}, csr.data());
    }

    @Test
    void refusesWhatProtocolsZeroAndFiveCouldDoOtherwise() {
        // protocol 0: GLOBAL os system, a STRING argument, TUPLE, REDUCE
        byte[] p0 = "cos\nsystem\n(S'touch /tmp/x'\ntR.".getBytes(StandardCharsets.ISO_8859_1);
        FormatProblem p = assertThrows(FormatProblem.class, () -> Pickle.load(p0));
        assertTrue(p.getMessage().contains("'os.system'") && p.getMessage().contains("refused"), p.getMessage());
        // protocol 5: NEXT_BUFFER asks for an out-of-band buffer
        byte[] oob = {(byte) 0x80, 5, (byte) 0x97, '.'};
        p = assertThrows(FormatProblem.class, () -> Pickle.load(oob));
        assertTrue(p.getMessage().contains("NEXT_BUFFER") && p.getMessage().contains("out-of-band"), p.getMessage());
        // READONLY_BUFFER on something that is not a buffer
        byte[] readonly = {(byte) 0x80, 5, 'N', (byte) 0x98, '.'};
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(readonly)).getMessage().contains("READONLY_BUFFER"));
        // _frombuffer with a buffer shorter than its shape
        byte[] shortBuffer = frombuffer(new byte[] {1, 0, 0, 0}, 2);
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(shortBuffer)).getMessage().contains("truncated"));
        assertEquals(List.of(), Pickle.load("(lp0\n.".getBytes(StandardCharsets.US_ASCII)), "protocol 0: an empty list");
    }

    /** Protocol 5: numpy._core.numeric._frombuffer(BYTEARRAY8, dtype('i4'), (n,), 'C'). */
    private static byte[] frombuffer(byte[] buffer, int n) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0x80, 5});
        shortUnicode(o, "numpy._core.numeric");
        shortUnicode(o, "_frombuffer");
        o.write(0x93);
        o.write('(');
        o.write(0x96);
        for (int k = 0; k < 8; k++) {
            o.write(k == 0 ? buffer.length : 0);
        }
        o.writeBytes(buffer);
        shortUnicode(o, "numpy");
        shortUnicode(o, "dtype");
        o.write(0x93);
        shortUnicode(o, "i4");
        o.write(0x85);
        o.write('R');
        o.write('K');
        o.write(n);
        o.write(0x85);
        shortUnicode(o, "C");
        o.write('t');
        o.write('R');
        o.write('.');
        return o.toByteArray();
    }

    private static void shortUnicode(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write(0x8c);
        o.write(b.length);
        o.writeBytes(b);
    }

    @Test
    void copiesBeyondWhatThePickleSizeAllowsAreRefused() {
        // a list of 100,000 Nones memoised, then list(it) 20 times: 2,000,000 items copied from about 200 kB
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0x80, 2, ']', 'q', 0, '('});
        for (int k = 0; k < 100_000; k++) {
            o.write('N');
        }
        o.write('e');
        o.write('0'); // POP: the list stays in the memo only
        o.write(']'); // the outer list
        o.write('(');
        for (int k = 0; k < 40; k++) {
            o.writeBytes("c__builtin__\nlist\n".getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(new byte[] {'h', 0, (byte) 0x85, 'R'});
        }
        o.write('e');
        o.write('.');
        byte[] b = o.toByteArray();
        FormatProblem p = assertThrows(FormatProblem.class, () -> Pickle.load(b));
        assertTrue(p.getMessage().contains("copies") && p.getMessage().contains(b.length + " bytes"), p.getMessage());
        // the same with few copies is read
        assertEquals(2, ((List<?>) Pickle.load(pickleOfCopies(2))).size());
    }

    private static byte[] pickleOfCopies(int copies) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0x80, 2, ']', 'q', 0, '(', 'N', 'N', 'e', '0', ']', '('});
        for (int k = 0; k < copies; k++) {
            o.writeBytes("c__builtin__\nlist\n".getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(new byte[] {'h', 0, (byte) 0x85, 'R'});
        }
        o.write('e');
        o.write('.');
        return o.toByteArray();
    }

    @Test
    void refusesProtocolsAboveFiveNonPicklesAndTruncatedData() {
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load(new byte[] {(byte) 0x80, 6, 'N', '.'}))
                .getMessage().contains("protocol 6"));
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load("hello\n".getBytes(StandardCharsets.US_ASCII)))
                .getMessage().contains("not a pickle"));
        assertTrue(assertThrows(FormatProblem.class, () -> Pickle.load("I12x\n.".getBytes(StandardCharsets.US_ASCII)))
                .getMessage().contains("not a pickle of protocol 2 to 5"));
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
