package org.gmi.graph;

import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A strict interpreter for Python pickles of protocol 0 to 5, limited to what Planetoid and
 * GraphGallery files hold: numpy arrays and dtypes, scipy CSR matrices, (default)dicts, lists,
 * tuples, numbers and strings.
 *
 * <p>Why not pyrolite: the {@code net.razorvine:pyrolite} 5.1 jar served here holds only the
 * Pyro client ({@code net.razorvine.pyro}); the pickle package ({@code net.razorvine.pickle}) is
 * no longer in it, so it cannot be constrained, it is simply absent. This interpreter is small
 * and closed instead: every GLOBAL / STACK_GLOBAL is checked against {@link #ALLOWED} the moment
 * it is read and anything else ({@code os.system}, {@code posix.system}, {@code builtins.eval},
 * {@code subprocess.Popen}, ...) is refused before any further opcode runs. Nothing is ever
 * called or instantiated by name: "calling" an allowed global (REDUCE, NEWOBJ) only builds a
 * passive Java value ({@link NdArray}, {@link NdArray.DType}, {@link PyObject}, a map or list).
 * Opcodes that would look up or call code by other means (INST, OBJ, PERSID, BINPERSID, EXT1/2/4)
 * are refused too, and so is protocol 5's NEXT_BUFFER (an out-of-band buffer a file cannot carry).
 * Protocol 5's in-band buffers (BYTEARRAY8, READONLY_BUFFER) and numpy's {@code _frombuffer}
 * reconstruction of an array from one are read.
 *
 * <p>What a pickle may build is bounded by its own size: every value but a copy costs at least one
 * byte of the file, and copies ({@code list(x)}, {@code set(x)}) may add at most
 * {@link #COPIES_PER_BYTE} items per byte of the file, so a small pickle cannot expand into
 * gigabytes here. (Sharing is free: a list memoised once and referenced under many keys is one
 * list; a reader that expands it, such as the Planetoid adjacency, bounds that itself.)
 *
 * <p>Python values map to: int to {@code Long} (or {@code BigInteger}), float to {@code Double},
 * bool to {@code Boolean}, None to {@code null}, str to {@code String} (Python 2 byte strings are
 * read as latin-1, as {@code pickle.load(f, encoding='latin1')} does), bytes to {@code byte[]},
 * tuple to an unmodifiable {@code List}, list to {@code ArrayList}, dict and defaultdict to
 * {@code LinkedHashMap}, set to {@code LinkedHashSet}.
 */
final class Pickle {

    /** The only globals a pickle may name (module.name). */
    static final Set<String> ALLOWED = Collections.unmodifiableSet(new TreeSet<>(Arrays.asList(
            "numpy.core.multiarray._reconstruct",
            "numpy._core.multiarray._reconstruct",
            "numpy.ndarray",
            "numpy.dtype",
            "scipy.sparse.csr.csr_matrix",
            "scipy.sparse._csr.csr_matrix",
            "collections.defaultdict",
            "collections.OrderedDict",
            "__builtin__.list", "builtins.list",
            "__builtin__.dict", "builtins.dict",
            "__builtin__.set", "builtins.set",
            "__builtin__.object", "builtins.object",
            "copy_reg._reconstructor", "copyreg._reconstructor",
            "_codecs.encode",
            "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer")));

    /** Items that copies may add per byte of the pickle, on top of a floor of {@link #COPY_FLOOR}. */
    static final int COPIES_PER_BYTE = 8;
    static final long COPY_FLOOR = 1 << 20;

    /**
     * The opcodes a protocol 0 or 1 pickle (no PROTO header) can start with: MARK, the empty
     * containers, GLOBAL, NONE and the scalar and string opcodes. Anything else is not a pickle.
     */
    private static final String FIRST_OPS_WITHOUT_PROTO = "(]})cNIJKLMFGSVTUX";

    /** An allowed global, as a token: it can be passed around and "called", never executed. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }

        boolean is(String... qualifiedNames) {
            for (String q : qualifiedNames) {
                if (q.equals(qualified())) {
                    return true;
                }
            }
            return false;
        }

        boolean isCsrMatrix() {
            return is("scipy.sparse.csr.csr_matrix", "scipy.sparse._csr.csr_matrix");
        }

        @Override
        public String toString() {
            return qualified();
        }
    }

    /** An instance of an allowed Python class (only scipy's csr_matrix): its class and __dict__. */
    static final class PyObject {
        final Global type;
        final Map<Object, Object> dict = new LinkedHashMap<>();

        PyObject(Global type) {
            this.type = type;
        }

        @Override
        public String toString() {
            return type.qualified() + " instance";
        }
    }

    private final byte[] in;
    private int pos;
    private int opStart;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final IntArrayList marks = new IntArrayList();
    private final Int2ObjectOpenHashMap<Object> memo = new Int2ObjectOpenHashMap<>();
    private long copied;

    private Pickle(byte[] in, int offset) {
        this.in = in;
        this.pos = offset;
    }

    /** Reads one pickled object from {@code data}; throws {@link FormatProblem} on anything unexpected. */
    static Object load(byte[] data) {
        return load(data, 0);
    }

    static Object load(byte[] data, int offset) {
        return new Pickle(data, offset).run();
    }

    private Object run() {
        if (pos >= in.length) {
            throw new FormatProblem("empty pickle (no bytes)");
        }
        int first = in[pos] & 0xff;
        if (first == 0x80) {
            return interpret();
        }
        if (FIRST_OPS_WITHOUT_PROTO.indexOf(first) < 0) {
            throw new FormatProblem(String.format("not a pickle: first byte 0x%02x is neither PROTO 0x80 (protocols 2 to 5) "
                    + "nor an opcode a protocol 0 or 1 pickle starts with", first));
        }
        try {
            return interpret();
        } catch (Refusal r) {
            throw r;
        } catch (FormatProblem p) {
            // without a header the bytes may be anything: say so before what went wrong
            throw new FormatProblem("not a pickle of protocol 2 to 5 (no PROTO header), nor a readable protocol 0 or 1 "
                    + "pickle: " + p.getMessage());
        }
    }

    /** A global or an opcode refused on purpose: reported as it is, never as "not a pickle". */
    private static final class Refusal extends FormatProblem {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }

    private Object interpret() {
        while (true) {
            opStart = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int p = u8();
                    if (p > 5) {
                        throw new FormatProblem("pickle protocol " + p + " is not supported (0 to 5)");
                    }
                }
                case 0x95 -> { // FRAME: a length hint only
                    long n = u64();
                    if (n > in.length - pos) {
                        throw truncated("FRAME");
                    }
                }
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw new FormatProblem("malformed pickle: STOP with " + stack.size() + " values on the stack");
                    }
                    return stack.get(0);
                }
                case '(' -> marks.add(stack.size());
                case '0' -> { // POP
                    if (!marks.isEmpty() && marks.getInt(marks.size() - 1) == stack.size()) {
                        marks.removeInt(marks.size() - 1);
                    } else {
                        pop();
                    }
                }
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'I' -> { // INT (text)
                    String s = line();
                    if (s.equals("00") || s.equals("01")) {
                        push(s.equals("01"));
                    } else {
                        push(parseLong(s));
                    }
                }
                case 'J' -> push((long) s32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) u16());
                case 'L' -> { // LONG (text)
                    String s = line();
                    push(normalize(parseBig(s.endsWith("L") ? s.substring(0, s.length() - 1) : s)));
                }
                case 0x8a -> push(longFromBytes(bytes(u8()))); // LONG1
                case 0x8b -> { // LONG4
                    int n = s32();
                    if (n < 0 || n > 1 << 16) {
                        throw new FormatProblem("LONG4 of " + n + " bytes at offset " + opStart);
                    }
                    push(longFromBytes(bytes(n)));
                }
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble());
                case 'F' -> {
                    String s = line();
                    try {
                        push(Double.parseDouble(s));
                    } catch (NumberFormatException e) {
                        throw new FormatProblem("bad FLOAT " + FormatProblem.quote(s) + " at offset " + opStart);
                    }
                }
                case 'S' -> push(latin1(escapeDecode(quoted(line())))); // STRING (protocol 0, Python 2 str)
                case 'V' -> push(rawUnicodeEscape(line())); // UNICODE (protocol 0)
                case 'T' -> push(latin1(bytes(length32()))); // BINSTRING (Python 2 str)
                case 'U' -> push(latin1(bytes(u8()))); // SHORT_BINSTRING
                case 'X' -> push(utf8(bytes(length32()))); // BINUNICODE
                case 0x8c -> push(utf8(bytes(u8()))); // SHORT_BINUNICODE
                case 0x8d -> push(utf8(bytes(length64()))); // BINUNICODE8
                case 'B' -> push(bytes(length32())); // BINBYTES
                case 'C' -> push(bytes(u8())); // SHORT_BINBYTES
                case 0x8e -> push(bytes(length64())); // BINBYTES8
                case 0x96 -> push(bytes(length64())); // BYTEARRAY8 (protocol 5): read as bytes
                case 0x98 -> { // READONLY_BUFFER (protocol 5): marks the buffer on top read-only
                    if (!(peek() instanceof byte[])) {
                        throw malformed("READONLY_BUFFER on " + typeName(peek()));
                    }
                }
                case 0x97 -> throw new Refusal(String.format("refused pickle opcode NEXT_BUFFER at offset %d: the pickle "
                        + "refers to an out-of-band buffer, which a file cannot carry", opStart));
                case ')' -> push(tuple(new Object[0]));
                case 't' -> push(tuple(popMark().toArray()));
                case 0x85 -> push(tuple(new Object[] {pop()}));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(tuple(new Object[] {a, b}));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(tuple(new Object[] {a, b, c}));
                }
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'a' -> { // APPEND
                    Object v = pop();
                    listAt(peek()).add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    listAt(peek()).addAll(items);
                }
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> { // DICT
                    List<Object> items = popMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putPairs(m, items);
                    push(m);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    mapAt(peek()).put(hashable(k), v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    putPairs(mapAt(peek()), items);
                }
                case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popMark();
                    if (!(peek() instanceof LinkedHashSet<?>)) {
                        throw malformed("ADDITEMS to a non-set");
                    }
                    @SuppressWarnings("unchecked")
                    Set<Object> set = (Set<Object>) peek();
                    set.addAll(hashable(items));
                }
                case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(hashable(popMark())))); // FROZENSET
                case 'c' -> { // GLOBAL
                    String module = line();
                    String name = line();
                    push(global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw malformed("STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    push(newObject(cls, args));
                }
                case 0x92 -> { // NEWOBJ_EX
                    Object kwargs = pop();
                    Object args = pop();
                    Object cls = pop();
                    if (kwargs instanceof Map<?, ?> kw && !kw.isEmpty()) {
                        throw malformed("NEWOBJ_EX with keyword arguments");
                    }
                    push(newObject(cls, args));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    build(peek(), state);
                }
                case 'p' -> memo.put(memoIndex(parseLong(line())), peek()); // PUT
                case 'q' -> memo.put(u8(), peek()); // BINPUT
                case 'r' -> memo.put(memoIndex(s32() & 0xffffffffL), peek()); // LONG_BINPUT
                case 0x94 -> memo.put(memo.size(), peek()); // MEMOIZE
                case 'g' -> push(memoGet(memoIndex(parseLong(line())))); // GET
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(memoIndex(s32() & 0xffffffffL))); // LONG_BINGET
                case 'i', 'o', 'P', 'Q', 0x82, 0x83, 0x84 -> throw new Refusal(String.format(
                        "refused pickle opcode %s at offset %d: it would look up or call code",
                        opName(op), opStart));
                default -> throw new FormatProblem(String.format(
                        "unsupported pickle opcode 0x%02x at offset %d", op, opStart));
            }
        }
    }

    // ---- the allowed globals, "called" without executing anything ----

    private static Global global(String module, String name) {
        String q = module + "." + name;
        if (!ALLOWED.contains(q)) {
            throw new Refusal("pickle refers to " + FormatProblem.quote(q)
                    + ", which is not on the allow-list of numpy/scipy/collections classes: refused, nothing executed");
        }
        return new Global(module, name);
    }

    private Object reduce(Object callable, Object args) {
        if (!(callable instanceof Global g)) {
            throw malformed("REDUCE on something that is not a global");
        }
        List<?> a = argsTuple(args, g);
        if (g.is("numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct")) {
            if (a.size() < 1 || !(a.get(0) instanceof Global cls) || !cls.is("numpy.ndarray")) {
                throw malformed("_reconstruct of something other than numpy.ndarray");
            }
            return new NdArray();
        }
        if (g.is("numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer")) {
            // protocol 5: (buffer, dtype, shape, order), the array's bytes in one in-band buffer
            if (a.size() != 4 || !(a.get(0) instanceof byte[] buf) || !(a.get(1) instanceof NdArray.DType dtype)
                    || !(a.get(2) instanceof List<?> shape) || !(a.get(3) instanceof String order)
                    || !(order.equals("C") || order.equals("F"))) {
                throw malformed("_frombuffer without (buffer, dtype, shape, 'C' or 'F')");
            }
            NdArray arr = new NdArray();
            arr.setState(tuple(new Object[] {shape, dtype, order.equals("F"), buf}));
            return arr;
        }
        if (g.is("numpy.dtype")) {
            if (a.isEmpty() || !(a.get(0) instanceof String descr)) {
                throw malformed("numpy.dtype without a type string");
            }
            return NdArray.DType.parse(descr);
        }
        if (g.is("collections.defaultdict", "collections.OrderedDict", "__builtin__.dict", "builtins.dict")) {
            if (a.size() > 1 || (a.size() == 1 && a.get(0) != null && !(a.get(0) instanceof Global))) {
                throw malformed(g + " with unexpected arguments");
            }
            return new LinkedHashMap<>();
        }
        if (g.is("__builtin__.list", "builtins.list")) {
            ArrayList<Object> list = new ArrayList<>();
            if (a.size() == 1 && a.get(0) instanceof List<?> l) {
                chargeCopies(l.size());
                list.addAll(l);
            } else if (!a.isEmpty()) {
                throw malformed("list() with unexpected arguments");
            }
            return list;
        }
        if (g.is("__builtin__.set", "builtins.set")) {
            LinkedHashSet<Object> set = new LinkedHashSet<>();
            if (a.size() == 1 && a.get(0) instanceof java.util.Collection<?> c) {
                chargeCopies(c.size());
                set.addAll(hashable(new ArrayList<>(c)));
            } else if (!a.isEmpty()) {
                throw malformed("set() with unexpected arguments");
            }
            return set;
        }
        if (g.is("copy_reg._reconstructor", "copyreg._reconstructor")) {
            if (a.size() != 3 || !(a.get(0) instanceof Global cls) || !cls.isCsrMatrix()
                    || !(a.get(1) instanceof Global base) || !base.is("__builtin__.object", "builtins.object")) {
                throw malformed("_reconstructor of something other than a csr_matrix");
            }
            return new PyObject(cls);
        }
        if (g.is("_codecs.encode")) {
            if (a.size() != 2 || !(a.get(0) instanceof String s) || !(a.get(1) instanceof String enc)
                    || !(enc.equalsIgnoreCase("latin1") || enc.equalsIgnoreCase("latin-1"))) {
                throw malformed("_codecs.encode other than (str, 'latin1')");
            }
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        throw malformed(g + " cannot be called here");
    }

    private Object newObject(Object cls, Object args) {
        if (!(cls instanceof Global g)) {
            throw malformed("NEWOBJ on something that is not a global");
        }
        argsTuple(args, g);
        if (g.isCsrMatrix()) {
            return new PyObject(g);
        }
        if (g.is("collections.defaultdict", "collections.OrderedDict", "__builtin__.dict", "builtins.dict")) {
            return new LinkedHashMap<>();
        }
        if (g.is("__builtin__.list", "builtins.list")) {
            return new ArrayList<>();
        }
        throw malformed("NEWOBJ of " + g + " is not supported");
    }

    private void build(Object target, Object state) {
        if (target instanceof NdArray a) {
            a.setState(state);
        } else if (target instanceof NdArray.DType d) {
            d.setState(state);
        } else if (target instanceof PyObject o) {
            Object dictState = state;
            if (state instanceof List<?> t && t.size() == 2) { // (state, slotstate)
                dictState = t.get(0);
            }
            if (!(dictState instanceof Map<?, ?> m)) {
                throw malformed("BUILD of " + o.type + " without a dict state");
            }
            o.dict.putAll(m);
        } else {
            throw malformed("BUILD on " + typeName(target));
        }
    }

    /** Counts items a copy adds; refuses a pickle whose copies outgrow what its size makes plausible. */
    private void chargeCopies(long items) {
        copied += items;
        long limit = COPY_FLOOR + (long) COPIES_PER_BYTE * in.length;
        if (copied > limit) {
            throw new Refusal("the pickle copies " + copied + " list items, more than a pickle of " + in.length
                    + " bytes may build (" + limit + "); refused before building them");
        }
    }

    private List<?> argsTuple(Object args, Global g) {
        if (!(args instanceof List<?> a)) {
            throw malformed("arguments to " + g + " are not a tuple");
        }
        return a;
    }

    // ---- stack, memo and byte helpers ----

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.getInt(marks.size() - 1);
        if (stack.size() <= floor) {
            throw malformed("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        int floor = marks.isEmpty() ? 0 : marks.getInt(marks.size() - 1);
        if (stack.size() <= floor) {
            throw malformed("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw malformed("no MARK");
        }
        int m = marks.removeInt(marks.size() - 1);
        List<Object> top = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return top;
    }

    private Object memoGet(int i) {
        if (!memo.containsKey(i)) {
            throw malformed("memo entry " + i + " was never stored");
        }
        return memo.get(i);
    }

    private int memoIndex(long i) {
        if (i < 0 || i > Integer.MAX_VALUE) {
            throw malformed("memo index " + i);
        }
        return (int) i;
    }

    @SuppressWarnings("unchecked")
    private List<Object> listAt(Object o) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw malformed("APPEND to " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> mapAt(Object o) {
        if (o instanceof LinkedHashMap<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        if (o instanceof PyObject p) {
            return p.dict;
        }
        throw malformed("SETITEM on " + typeName(o));
    }

    private void putPairs(Map<Object, Object> m, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw malformed("odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            m.put(hashable(items.get(i)), items.get(i + 1));
        }
    }

    /**
     * Dict keys and set items must be scalars (int, float, bool, None, str). Python refuses lists
     * as keys anyway; here it also keeps a hostile pickle from hashing a list that contains itself
     * (endless recursion) or a deeply nested one.
     */
    private Object hashable(Object o) {
        if (o == null || o instanceof Long || o instanceof BigInteger || o instanceof String || o instanceof Boolean
                || o instanceof Double) {
            return o;
        }
        throw malformed("dict key or set item of type " + typeName(o) + "; only numbers and strings are accepted");
    }

    private List<Object> hashable(List<Object> items) {
        for (Object o : items) {
            hashable(o);
        }
        return items;
    }

    private static List<Object> tuple(Object[] items) {
        return Collections.unmodifiableList(Arrays.asList(items));
    }

    private int u8() {
        if (pos >= in.length) {
            throw truncated(pos == opStart ? null : opName(in[opStart] & 0xff));
        }
        return in[pos++] & 0xff;
    }

    private int u16() {
        return u8() | (u8() << 8);
    }

    private int s32() {
        return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
    }

    private long u64() {
        long lo = s32() & 0xffffffffL;
        long hi = s32() & 0xffffffffL;
        return lo | (hi << 32);
    }

    private int length32() {
        long n = s32() & 0xffffffffL;
        return checkLength(n);
    }

    private int length64() {
        return checkLength(u64());
    }

    private int checkLength(long n) {
        if (n < 0 || n > in.length - pos) {
            throw truncated(opName(in[opStart] & 0xff) + " of " + Long.toUnsignedString(n) + " bytes");
        }
        return (int) n;
    }

    private byte[] bytes(int n) {
        if (n > in.length - pos) {
            throw truncated(opName(in[opStart] & 0xff) + " of " + n + " bytes");
        }
        byte[] b = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return b;
    }

    private String line() {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') {
            pos++;
        }
        if (pos >= in.length) {
            throw truncated(opName(in[opStart] & 0xff));
        }
        String s = latin1(Arrays.copyOfRange(in, start, pos));
        pos++;
        return s;
    }

    /** The inside of a protocol 0 STRING argument: {@code 'abc'} or {@code "abc"}, quotes removed. */
    private String quoted(String s) {
        if (s.length() < 2 || s.charAt(0) != s.charAt(s.length() - 1) || (s.charAt(0) != '\'' && s.charAt(0) != '"')) {
            throw malformed("STRING argument " + FormatProblem.quote(s) + " is not quoted");
        }
        return s.substring(1, s.length() - 1);
    }

    /** Python's {@code codecs.escape_decode}: backslash escapes of a bytes literal (characters are latin-1). */
    private byte[] escapeDecode(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (++i >= s.length()) {
                throw malformed("STRING ends with a lone backslash");
            }
            char e = s.charAt(i);
            switch (e) {
                case '\n' -> { } // line continuation
                case '\\', '\'', '"' -> out.write(e);
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'n' -> out.write(10);
                case 'r' -> out.write(13);
                case 't' -> out.write(9);
                case 'v' -> out.write(11);
                case 'x' -> {
                    out.write(hex(s, i + 1, 2));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = 0, n = 0;
                        while (n < 3 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                            v = v * 8 + (s.charAt(i++) - '0');
                            n++;
                        }
                        i--;
                        out.write(v & 0xff);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** Python's raw-unicode-escape: latin-1 characters, except {@code \\uXXXX} and {@code \\UXXXXXXXX}. */
    private String rawUnicodeEscape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
                int cp = hex(s, i + 2, digits);
                if (!Character.isValidCodePoint(cp)) {
                    throw malformed("UNICODE escape of code point " + Integer.toHexString(cp));
                }
                b.appendCodePoint(cp);
                i += 1 + digits;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code n} hexadecimal digits of {@code s} from {@code at}. */
    private int hex(String s, int at, int n) {
        if (at + n > s.length()) {
            throw malformed("truncated escape in a string");
        }
        long v = 0;
        for (int k = at; k < at + n; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                throw malformed("bad hexadecimal digit in a string escape");
            }
            v = v * 16 + d;
        }
        return (int) Math.min(v, Integer.MAX_VALUE);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private String utf8(byte[] b) {
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return c.toString();
        } catch (CharacterCodingException e) {
            throw malformed("string that is not UTF-8");
        }
    }

    private long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw malformed("bad integer " + FormatProblem.quote(s));
        }
    }

    private BigInteger parseBig(String s) {
        try {
            return new BigInteger(s.trim());
        } catch (NumberFormatException e) {
            throw malformed("bad integer " + FormatProblem.quote(s));
        }
    }

    /** Little-endian two's complement, as LONG1 and LONG4 store it. */
    private static Object longFromBytes(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return normalize(new BigInteger(be));
    }

    private static Object normalize(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private FormatProblem truncated(String inside) {
        return new FormatProblem("truncated pickle: the data ends at byte " + in.length
                + (inside == null ? " before the STOP opcode" : " inside " + inside));
    }

    private FormatProblem malformed(String what) {
        return new FormatProblem("malformed pickle at offset " + opStart + ": " + what);
    }

    private static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof PyObject p) {
            return p.toString();
        }
        return o.getClass().getSimpleName();
    }

    private static String opName(int op) {
        return switch (op) {
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 'P' -> "PERSID";
            case 'Q' -> "BINPERSID";
            case 0x82 -> "EXT1";
            case 0x83 -> "EXT2";
            case 0x84 -> "EXT4";
            case 'T' -> "BINSTRING";
            case 'U' -> "SHORT_BINSTRING";
            case 'X' -> "BINUNICODE";
            case 'B' -> "BINBYTES";
            case 'C' -> "SHORT_BINBYTES";
            case 'c' -> "GLOBAL";
            case 'S' -> "STRING";
            case 'V' -> "UNICODE";
            case 0x96 -> "BYTEARRAY8";
            default -> String.format("opcode 0x%02x", op);
        };
    }
}
