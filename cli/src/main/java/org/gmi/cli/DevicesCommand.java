package org.gmi.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gmi.engine.Simd;
import org.gmi.graph.Json;
import org.gmi.opencl.OpenClDevices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gmi devices}: the values {@code --device} accepts on this machine, with their memory. */
@Command(name = "devices", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = {"List the devices training can run on (--device), with their memory.",
                "",
                "cpu is always there; OpenCL devices are listed as opencl:PLATFORM:DEVICE;",
                "--device gpu takes the first GPU among them, --device opencl the first of any kind."})
final class DevicesCommand extends GmiCommand {
    @Option(names = "--json", description = "Print a JSON array instead of lines.")
    boolean json;

    @Override
    protected int run() {
        OpenClDevices.Found found = OpenClDevices.find();
        long heap = Runtime.getRuntime().maxMemory();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpu.put("device", "cpu");
            cpu.put("type", "CPU");
            cpu.put("name", Runtime.getRuntime().availableProcessors() + " cores, " + Simd.SPECIES.length() + " float lanes");
            cpu.put("memory_bytes", heap);
            rows.add(cpu);
            for (OpenClDevices.Device d : found.devices()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("device", d.spec());
                r.put("type", d.type());
                r.put("name", d.name());
                r.put("platform", d.platformName());
                r.put("version", d.version());
                r.put("memory_bytes", d.globalMemBytes());
                rows.add(r);
            }
            out().println(Json.write(rows));
            return ExitCodes.OK;
        }
        out().println(Text.fmt("cpu  CPU  %d cores, %d float lanes (Java heap up to %.1f GiB) [Vector API]",
                Runtime.getRuntime().availableProcessors(), Simd.SPECIES.length(), heap / (double) (1L << 30)));
        for (OpenClDevices.Device d : found.devices()) {
            out().println(d.describe());
        }
        if (found.devices().isEmpty()) {
            err().println("gmi devices: " + found.summary());
        }
        return ExitCodes.OK;
    }
}
