package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependencies between the project's packages, read from the main sources' imports: no package
 * imports, directly or through others, a package that imports it back, and the engine imports
 * nothing of the project.
 */
class PackageDependencyTest {
    private static final Pattern PACKAGE = Pattern.compile("^package (org\\.gmi[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(org\\.gmi(?:\\.[a-z]\\w*)*)\\.[A-Z]", Pattern.MULTILINE);

    /** package -> the project packages its main sources import. */
    static Map<String, Set<String>> dependencies(Path root) {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))::iterator) {
                String s = Files.readString(f);
                Matcher pm = PACKAGE.matcher(s);
                if (!pm.find()) {
                    continue;
                }
                String pkg = pm.group(1);
                Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher im = IMPORT.matcher(s);
                while (im.find()) {
                    if (!im.group(1).equals(pkg)) {
                        out.add(im.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return deps;
    }

    private static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("engine/pom.xml"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "the project root (holding engine/pom.xml) above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** A path of imports from {@code from} back to {@code from}, or null. */
    static List<String> cycleThrough(Map<String, Set<String>> deps, String from) {
        Deque<List<String>> queue = new ArrayDeque<>();
        queue.add(List.of(from));
        Set<String> seen = new TreeSet<>();
        while (!queue.isEmpty()) {
            List<String> path = queue.poll();
            for (String next : deps.getOrDefault(path.get(path.size() - 1), Set.of())) {
                List<String> longer = new ArrayList<>(path);
                longer.add(next);
                if (next.equals(from)) {
                    return longer;
                }
                if (seen.add(next)) {
                    queue.add(longer);
                }
            }
        }
        return null;
    }

    @Test
    void noPackageImportsAPackageThatImportsItBack() {
        Map<String, Set<String>> deps = dependencies(projectRoot());
        assertTrue(deps.containsKey("org.gmi.engine") && deps.containsKey("org.gmi.cli"), "sources found: " + deps.keySet());
        for (String p : deps.keySet()) {
            List<String> cycle = cycleThrough(deps, p);
            if (cycle != null) {
                fail("package cycle: " + String.join(" -> ", cycle));
            }
        }
    }

    @Test
    void theEngineImportsNothingOfTheProject() {
        assertEquals(Set.of(), dependencies(projectRoot()).get("org.gmi.engine"));
    }

    @Test
    void theCycleFinderFindsACycle() {
        Map<String, Set<String>> deps = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertEquals(List.of("a", "b", "c", "a"), cycleThrough(deps, "a"));
        assertEquals(null, cycleThrough(deps, "d"));
    }
}
