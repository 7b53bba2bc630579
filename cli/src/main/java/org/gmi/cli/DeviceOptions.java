package org.gmi.cli;

import org.gmi.engine.Backend;
import org.gmi.engine.CpuBackend;
import org.gmi.opencl.OpenClBackend;
import org.gmi.opencl.OpenClDevices;
import picocli.CommandLine.Option;

/**
 * {@code --device cpu|gpu|opencl[:PLATFORM:DEVICE]}, shared by train and bench: where the epochs
 * run. {@code cpu} is the engine's Vector API kernels; the others the OpenCL backend, on the first
 * OpenCL GPU ({@code gpu}), the first OpenCL device of any kind ({@code opencl}: PoCL on a CPU) or
 * the device {@code gmi devices} lists as {@code opencl:P:D}. JOCL is only loaded for those.
 */
final class DeviceOptions {
    static final String CPU = "cpu";

    @Option(names = "--device", paramLabel = "cpu|gpu|opencl[:P:D]",
            description = {"Where the training epochs run (default: ${DEFAULT-VALUE}): cpu, the Vector API kernels; gpu, the first "
                    + "OpenCL GPU; opencl, the first OpenCL device of any kind (e.g. PoCL on the CPU); opencl:P:D, platform P "
                    + "device D as 'gmi devices' lists them."})
    String device = CPU;

    /** Checks the value (exit 2 otherwise); nothing is opened yet. */
    void validate() {
        GmiCommand.require(device.equals(CPU) || OpenClDevices.isOpenClSpec(device),
                "--device must be cpu, gpu, opencl or opencl:PLATFORM:DEVICE (see 'gmi devices'), got " + device);
    }

    boolean isCpu() {
        return device.equals(CPU);
    }

    /** The backend; an OpenCL device that is not there is bad input (exit 2, one line naming the devices found). */
    Backend open() {
        if (device.equals(CPU)) {
            return CpuBackend.INSTANCE;
        }
        try {
            return OpenClBackend.open(device);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /** The peak device memory in MiB, or null on the CPU (see peak_rss_mib there). */
    static Double peakMib(Backend b) {
        return b.isCpu() ? null : b.peakBytes() / (1024.0 * 1024.0);
    }
}
