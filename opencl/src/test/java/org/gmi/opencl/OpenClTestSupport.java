package org.gmi.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Opens the OpenCL device for the tests, or explains why not. Without any OpenCL device the tests
 * are skipped on a developer machine (with the reason), and FAIL where {@code GMI_REQUIRE_OPENCL=1}
 * is set (or {@code -Dgmi.requireOpenCl=true}): {@code .ci/run} sets it after installing PoCL, so CI
 * can never pass without running the kernels.
 */
public final class OpenClTestSupport {
    private OpenClTestSupport() {}

    /** Whether a missing OpenCL device is a failure here. */
    public static boolean required() {
        return "1".equals(System.getenv("GMI_REQUIRE_OPENCL")) || Boolean.getBoolean("gmi.requireOpenCl");
    }

    /** The {@code --device} value the tests use: {@code GMI_TEST_DEVICE}, else {@code opencl} (the first device, PoCL here). */
    public static String spec() {
        String s = System.getenv("GMI_TEST_DEVICE");
        return s == null || s.isBlank() ? "opencl" : s;
    }

    /** The device of {@link #spec()}, or a skip (a failure when {@link #required()}). */
    public static OpenClBackend openOrSkip() {
        OpenClDevices.Found found = OpenClDevices.find();
        if (found.devices().isEmpty()) {
            String why = "OpenCL tests need an OpenCL device (e.g. apt-get install pocl-opencl-icd ocl-icd-libopencl1): "
                    + found.summary();
            if (required()) {
                fail(why + " [GMI_REQUIRE_OPENCL=1: a missing device is a failure]");
            }
            // on stderr too: a class skipped before its first test shows no reason in Maven's summary
            System.err.println("SKIPPED: " + why + " [set GMI_REQUIRE_OPENCL=1 to fail instead]");
            Assumptions.abort(why + " [skipped; set GMI_REQUIRE_OPENCL=1 to fail instead]");
        }
        return OpenClBackend.open(spec());
    }
}
