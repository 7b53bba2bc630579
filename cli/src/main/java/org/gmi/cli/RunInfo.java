package org.gmi.cli;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Pieces of metrics.json that describe the run rather than its results. */
final class RunInfo {
    private RunInfo() {}

    /** The gmi version from the jar manifest, or {@code "dev"} when run from classes. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Every flag of the command with the value it had, keyed by its long name without dashes ({@code eval_runs}). */
    static Map<String, Object> flags(CommandSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String name = o.longestName().replaceFirst("^-+", "").replace('-', '_');
            m.put(name, jsonValue(o.getValue()));
        }
        return m;
    }

    private static Object jsonValue(Object v) {
        if (v instanceof org.gmi.models.Method method) {
            return method.cliName();
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        if (v instanceof java.nio.file.Path p) {
            return p.toString();
        }
        return v;
    }

    /** The Java runtime, the machine and the time, for metrics.json. */
    static Map<String, Object> environment() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gmi_version", version());
        m.put("java_version", Runtime.version().toString());
        m.put("java_vendor", System.getProperty("java.vendor"));
        m.put("java_vm", System.getProperty("java.vm.name"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("cpu_cores", Runtime.getRuntime().availableProcessors());
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
        m.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return m;
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
