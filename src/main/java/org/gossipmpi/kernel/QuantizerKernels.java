package org.gossipmpi.kernel;

import com.aparapi.Kernel;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;

/**
 * {@link Quantizer} as Aparapi kernels on one device: an OpenCL device, or Aparapi's Java thread pool
 * ({@link com.aparapi.device.JavaDevice#THREAD_POOL}), which runs the same kernel code as Java. Kernels are
 * compiled on first use and reused; the partial-sum arrays grow on demand and are kept. One instance per
 * rank thread.
 */
public final class QuantizerKernels implements Quantizer {
    private final Device device;
    private final QuantizeKernel quantize = new QuantizeKernel();
    private final NormKernel norm = new NormKernel();
    private final Ranges ranges;

    public QuantizerKernels(Device device) {
        this.device = device;
        this.ranges = new Ranges(device);
        norm.squares = new float[1];
        norm.absolutes = new float[1];
    }

    @Override
    public String describe() {
        return "Aparapi on " + device.getShortDescription().trim();
    }

    /**
     * Whether the last quantizing launch ran as OpenCL on an OpenCL device (false on the Java thread pool,
     * or when Aparapi fell back to Java after a failure on the device).
     */
    public boolean ranOpenCl() {
        return device instanceof OpenCLDevice && quantize.isRunningCL();
    }

    @Override
    public void norms(float[] x, int off, int len, double[] out) {
        final int chunks = Math.max(1, (len + QuantizerReference.NORM_CHUNK - 1) / QuantizerReference.NORM_CHUNK);
        if (norm.squares.length < chunks) {
            norm.squares = new float[chunks];
            norm.absolutes = new float[chunks];
        }
        norm.x = x;
        norm.off = off;
        norm.len = len;
        norm.chunk = QuantizerReference.NORM_CHUNK;
        norm.chunks = chunks;
        execute(norm, chunks);
        double sq = 0;
        double abs = 0;
        for (int c = 0; c < chunks; c++) {
            sq += norm.squares[c];
            abs += norm.absolutes[c];
        }
        out[0] = sq;
        out[1] = abs;
    }

    @Override
    public void qsgd(float[] x, int off, int len, float invNorm, int s, int key, int[] codes) {
        launch(QuantizeKernel.QSGD, x, off, len, invNorm, s, key, codes);
    }

    @Override
    public void natural(float[] x, int off, int len, int key, int[] codes) {
        launch(QuantizeKernel.NATURAL, x, off, len, 0f, 0, key, codes);
    }

    @Override
    public void natDither(float[] x, int off, int len, float invNorm, int s, int key, int[] codes) {
        launch(QuantizeKernel.NAT_DITHER, x, off, len, invNorm, s, key, codes);
    }

    @Override
    public void signs(float[] x, int off, int len, int[] codes) {
        launch(QuantizeKernel.SIGNS, x, off, len, 0f, 0, 0, codes);
    }

    private void launch(int mode, float[] x, int off, int len, float invNorm, int s, int key, int[] codes) {
        if (len == 0) {
            return;
        }
        quantize.mode = mode;
        quantize.x = x;
        quantize.off = off;
        quantize.invNorm = invNorm;
        quantize.s = s;
        quantize.key = key;
        quantize.codes = codes;
        quantize.len = len;
        execute(quantize, len);
    }

    private void execute(Kernel kernel, int items) {
        kernel.execute(ranges.of(items));
    }
}
