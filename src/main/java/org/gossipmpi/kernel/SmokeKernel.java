package org.gossipmpi.kernel;

import com.aparapi.Kernel;

/** {@code out[i] = 2 a[i] + 1}: the kernel {@link OpenClDevices#smokeTest()} runs to see where kernels run. */
final class SmokeKernel extends Kernel {
    private final float[] a;
    private final float[] out;

    SmokeKernel(float[] a, float[] out) {
        this.a = a;
        this.out = out;
    }

    @Override
    public void run() {
        final int i = getGlobalId();
        out[i] = 2f * a[i] + 1f;
    }
}
