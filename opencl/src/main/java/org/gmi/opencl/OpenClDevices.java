package org.gmi.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The OpenCL platforms and devices of this machine, and the choice of one from a {@code --device}
 * value: {@code gpu} (the first GPU), {@code opencl} (the first device of any kind, e.g. PoCL on the
 * CPU) or {@code opencl:PLATFORM:DEVICE} (indices as {@code gmi devices} lists them).
 */
public final class OpenClDevices {
    private OpenClDevices() {}

    /** One device: where it is, what it is, how much memory it has. */
    public record Device(int platform, int index, String platformName, String name, String type, long globalMemBytes,
                         String version, cl_platform_id platformId, cl_device_id deviceId) {
        /** Its compute units (an NVIDIA GPU's streaming multiprocessors; PoCL's CPU cores), at least 1. */
        public int computeUnits() {
            int[] v = new int[1];
            clGetDeviceInfo(deviceId, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(v), null);
            return Math.max(1, v[0]);
        }

        /** The {@code --device} value that selects exactly this device. */
        public String spec() {
            return "opencl:" + platform + ":" + index;
        }

        /** One line, e.g. {@code opencl:0:0  GPU  NVIDIA H100 (80.0 GiB, OpenCL 3.0 CUDA) [NVIDIA CUDA]}. */
        public String describe() {
            return String.format(Locale.ROOT, "%s  %s  %s (%.1f GiB, %s) [%s]", spec(), type, name,
                    globalMemBytes / (double) (1L << 30), version, platformName);
        }
    }

    /** What a search found: the devices, or why there are none. */
    public record Found(List<Device> devices, String problem) {
        /** The devices in one line, for error messages: {@code opencl:0:0 CPU pthread-... (8.6 GiB)}, or the problem. */
        public String summary() {
            if (devices.isEmpty()) {
                return "no OpenCL device found (" + problem + ")";
            }
            List<String> parts = new ArrayList<>();
            for (Device d : devices) {
                parts.add(String.format(Locale.ROOT, "%s %s %s (%.1f GiB)", d.spec(), d.type, d.name,
                        d.globalMemBytes / (double) (1L << 30)));
            }
            return "devices found: " + String.join("; ", parts);
        }
    }

    /** Every OpenCL device of every platform; never throws (a missing runtime is reported as the problem). */
    public static Found find() {
        try {
            CL.setExceptionsEnabled(true);
        } catch (LinkageError e) {
            return new Found(List.of(), "no OpenCL runtime: " + firstLine(e.getMessage())
                    + "; install an ICD loader (libOpenCL.so.1) and a driver, e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd");
        }
        List<Device> out = new ArrayList<>();
        int[] count = new int[1];
        try {
            clGetPlatformIDs(0, null, count);
        } catch (CLException e) {
            return new Found(List.of(), "no OpenCL platform: " + e.getMessage()
                    + "; no ICD file under /etc/OpenCL/vendors names a working driver");
        }
        if (count[0] == 0) {
            return new Found(List.of(), "no OpenCL platform installed");
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        for (int p = 0; p < platforms.length; p++) {
            String platformName = platformString(platforms[p], CL_PLATFORM_NAME);
            int[] n = new int[1];
            try {
                clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, n);
            } catch (CLException e) {
                continue; // a platform without devices (CL_DEVICE_NOT_FOUND)
            }
            cl_device_id[] devices = new cl_device_id[n[0]];
            clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, devices.length, devices, null);
            for (int d = 0; d < devices.length; d++) {
                out.add(new Device(p, d, platformName, deviceString(devices[d], CL_DEVICE_NAME), type(devices[d]),
                        deviceLong(devices[d], CL_DEVICE_GLOBAL_MEM_SIZE), deviceString(devices[d], CL_DEVICE_VERSION),
                        platforms[p], devices[d]));
            }
        }
        return new Found(out, out.isEmpty() ? "the OpenCL platforms have no devices" : null);
    }

    /** Whether {@code spec} is an OpenCL device value: gpu, opencl or opencl:P:D. */
    public static boolean isOpenClSpec(String spec) {
        return spec.equals("gpu") || spec.equals("opencl") || spec.matches("opencl:\\d+:\\d+");
    }

    /** The device {@code spec} names; IllegalArgumentException (one line naming the devices found) when there is none. */
    public static Device select(String spec) {
        if (!isOpenClSpec(spec)) {
            throw new IllegalArgumentException("--device must be cpu, gpu, opencl or opencl:PLATFORM:DEVICE, got " + spec);
        }
        Found found = find();
        for (Device d : found.devices) {
            boolean match = switch (spec) {
                case "gpu" -> d.type.equals("GPU");
                case "opencl" -> true;
                default -> spec.equals(d.spec());
            };
            if (match) {
                return d;
            }
        }
        String what = switch (spec) {
            case "gpu" -> "no OpenCL GPU";
            case "opencl" -> "no OpenCL device";
            default -> "no OpenCL device " + spec;
        };
        throw new IllegalArgumentException("--device " + spec + ": " + what + " on this machine; " + found.summary());
    }

    private static String type(cl_device_id d) {
        long t = deviceLong(d, CL_DEVICE_TYPE);
        if ((t & CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((t & CL_DEVICE_TYPE_CPU) != 0) {
            return "CPU";
        }
        if ((t & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "ACCELERATOR";
        }
        return "OTHER";
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8).trim();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
