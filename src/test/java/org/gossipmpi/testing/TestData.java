package org.gossipmpi.testing;

import java.nio.file.Files;

import org.gossipmpi.data.DataSources;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Gates for tests on real data: skipped on a developer's machine without it, failed in CI, where bin/setup installs it. */
public final class TestData {
    private TestData() {
    }

    /**
     * Returns when Debian's dataset-fashion-mnist is installed; otherwise skips the test, or fails it when the
     * environment says CI ({@code CI=true}), where a skip would hide that the test never ran.
     */
    public static void requireFashionMnist() {
        if (Files.isDirectory(DataSources.FASHION_MNIST)) {
            return;
        }
        final String why = "dataset-fashion-mnist is not installed (" + DataSources.FASHION_MNIST + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(why + ", and this is CI, where bin/setup installs it: the test must run here");
        }
        Assumptions.assumeTrue(false, why);
    }

    /**
     * Returns when an OpenCL device is there; otherwise skips the test, or fails it in CI, where bin/setup
     * installs PoCL's CPU device.
     */
    public static void requireOpenCl() {
        if (org.gossipmpi.kernel.Devices.openClDevice() != null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("no OpenCL device, and this is CI, where bin/setup installs PoCL: the test must run here");
        }
        Assumptions.assumeTrue(false, "no OpenCL device");
    }
}
