package org.gmi.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.gmi.graph.PlainWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The charts are the only code that needs java.desktop (AWT, through JFreeChart): {@code gmi train},
 * {@code eval} and {@code bench}, and the help of every command, run on a Java runtime without
 * java.desktop, as a runtime linked without it runs them. Each runs in a child JVM started with
 * {@code --limit-modules} over every system module that does not need java.desktop; a control shows
 * that drawing a chart there does fail, so the limit is real.
 */
class NoDesktopTest {
    @TempDir
    Path dir;

    /** The system modules that neither are java.desktop nor require it, directly or not. */
    static String modulesWithoutDesktop() {
        Map<String, ModuleDescriptor> all = new HashMap<>();
        for (ModuleReference m : ModuleFinder.ofSystem().findAll()) {
            all.put(m.descriptor().name(), m.descriptor());
        }
        Set<String> needs = new HashSet<>(Set.of("java.desktop"));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (ModuleDescriptor d : all.values()) {
                if (!needs.contains(d.name()) && d.requires().stream().anyMatch(r -> needs.contains(r.name()))) {
                    needs.add(d.name());
                    grew = true;
                }
            }
        }
        List<String> ok = new ArrayList<>();
        for (String name : all.keySet()) {
            if (!needs.contains(name)) {
                ok.add(name);
            }
        }
        assertTrue(ok.contains("jdk.incubator.vector") && !ok.contains("java.desktop"), ok.toString());
        return String.join(",", ok);
    }

    private static int run(String... args) throws Exception {
        try (ChildJvm child = ChildJvm.start(List.of("--limit-modules", modulesWithoutDesktop()), args)) {
            int code = child.waitFor(120);
            if (code != 0) {
                System.err.println("gmi " + String.join(" ", args) + " exited " + code + ":\n" + child.stderr());
            }
            return code;
        }
    }

    @Test
    void trainEvalBenchAndHelpRunWithoutJavaDesktop() throws Exception {
        Path data = dir.resolve("planted");
        PlainWriter.write(TestGraphs.planted(new SplittableRandom(3), "planted", 40, 2, 0.3, 0.03, 3), data);
        Path out = dir.resolve("run");
        assertEquals(0, run("train", "--method", "gmi", "--variant", "adaptive", "--dataset", data.toString(), "--out", out.toString(),
                "--hidden", "8", "--epochs", "3", "--protocol", "both", "--eval-runs", "1", "--threads", "1"));
        assertTrue(Files.isRegularFile(out.resolve("metrics.json")));
        assertEquals(0, run("eval", "--embeddings", out.resolve("embeddings.npy").toString(), "--dataset", data.toString(),
                "--protocol", "paper", "--eval-runs", "1", "--threads", "1"));
        assertEquals(0, run("bench", "--method", "dgi", "--dataset", data.toString(), "--epochs", "3", "--warmup", "1",
                "--threads", "1", "--hidden", "8", "--out", dir.resolve("bench").toString()));
        // picocli builds every subcommand, study and plot included, for any command line
        assertEquals(0, run("study", "--help"));

        // the control: a chart needs java.desktop, so the limit above is a real one
        Path png = dir.resolve("e.png");
        assertNotEquals(0, run("plot", "embeddings", "--embeddings", out.resolve("embeddings.npy").toString(),
                "--dataset", data.toString(), "--out", png.toString()));
        assertTrue(!Files.exists(png), "no chart without java.desktop");
    }
}
