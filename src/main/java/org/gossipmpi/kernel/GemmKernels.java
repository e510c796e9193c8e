package org.gossipmpi.kernel;

import com.aparapi.device.Device;

/**
 * {@link Gemm} as an Aparapi kernel on one device (an OpenCL device, or Aparapi's Java thread pool). The
 * kernel is compiled at its first launch and reused; Aparapi copies the arrays to the device per launch, so
 * callers pass compact batch buffers, not whole datasets. One instance per rank thread; launches on one
 * device are serialized across instances ({@link Devices#launch}).
 */
public final class GemmKernels implements Gemm {
    private final Device device;
    private final GemmKernel kernel = new GemmKernel();
    private final Ranges ranges;
    private final Object launchLock;

    public GemmKernels(Device device) {
        this.device = device;
        this.ranges = new Ranges(device);
        this.launchLock = Devices.launchLock(device);
    }

    @Override
    public String describe() {
        return "Aparapi on " + device.getShortDescription().trim();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        final GemmKernel g = kernel;
        g.a = a;
        g.b = b;
        g.c = c;
        g.aOff = aOff;
        g.lda = lda;
        g.bOff = bOff;
        g.ldb = ldb;
        g.cOff = cOff;
        g.ldc = ldc;
        g.m = m;
        g.n = n;
        g.k = k;
        g.transA = transA ? 1 : 0;
        g.transB = transB ? 1 : 0;
        g.alpha = alpha;
        g.beta = beta;
        Devices.launch(launchLock, g, ranges.of(m * n));
    }
}
