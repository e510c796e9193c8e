package org.gossipmpi.kernel;

import java.nio.ByteBuffer;

import com.aparapi.Kernel;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;

import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.compress.Quantizers;
import org.gossipmpi.compress.WordPacking;

/**
 * {@link Quantizer}'s encoding passes as Aparapi kernels on one device: an OpenCL device, or Aparapi's Java
 * thread pool ({@link com.aparapi.device.JavaDevice#THREAD_POOL}), which runs the same kernel code as Java.
 * The kernels write whole words into arrays that are then copied into the payload; decoding runs on the
 * JVM's Java path ({@link Quantizers#java()}). Kernels are compiled on first use and reused; their arrays
 * grow on demand and are kept. Not thread-safe: one instance per rank, one thread at a time; launches on
 * one device are serialized across instances ({@link Devices#launch}).
 */
public final class QuantizerKernels implements Quantizer {
    private final Device device;
    private final QuantizeKernel quantize = new QuantizeKernel();
    private final NormKernel norm = new NormKernel();
    private final Ranges ranges;
    private final Object launchLock;
    private final Quantizer decoder = Quantizers.java();
    private float[] scratchSquares = new float[1];

    public QuantizerKernels(Device device) {
        this.device = device;
        this.ranges = new Ranges(device);
        this.launchLock = Devices.launchLock(device);
        norm.squares = new float[1];
        norm.absolutes = new float[1];
        quantize.words = new long[1];
        quantize.special = new int[1];
    }

    @Override
    public String describe() {
        return "Aparapi on " + device.getShortDescription().trim();
    }

    @Override
    public boolean threadSafe() {
        return false;
    }

    /**
     * Whether the last quantizing launch ran as OpenCL on an OpenCL device (false on the Java thread pool,
     * or when Aparapi fell back to Java after a failure on the device).
     */
    public boolean ranOpenCl() {
        return device instanceof OpenCLDevice && quantize.isRunningCL();
    }

    @Override
    public void chunkNorms(float[] x, int off, int len, int fromChunk, int toChunk, float[] squares,
                           float[] absolutes) {
        final int chunks = toChunk - fromChunk;
        if (chunks <= 0) {
            return;
        }
        if (norm.squares.length < chunks) {
            norm.squares = new float[chunks];
            norm.absolutes = new float[chunks];
        }
        norm.x = x;
        norm.off = off;
        norm.len = len;
        norm.chunk = NORM_CHUNK;
        norm.firstChunk = fromChunk;
        norm.chunks = chunks;
        execute(norm, chunks);
        System.arraycopy(norm.squares, 0, squares, fromChunk, chunks);
        System.arraycopy(norm.absolutes, 0, absolutes, fromChunk, chunks);
    }

    @Override
    public boolean packLevels(int mode, float[] x, int off, int len, int width, int s, float multiplier, int key,
                              int fromGroup, int toGroup, ByteBuffer dst, int body) {
        final int kernelMode = mode == QSGD ? QuantizeKernel.QSGD
            : mode == NATURAL ? QuantizeKernel.NATURAL : QuantizeKernel.NAT_DITHER;
        quantize.multiplier = multiplier;
        quantize.s = s;
        quantize.smallThreshold = Quantizer.smallestDitherLevel(Math.max(s, 1));
        quantize.smallScale = Quantizer.ditherSmallScale(Math.max(s, 1));
        return launch(kernelMode, x, off, len, width, key, fromGroup, toGroup, dst, body);
    }

    @Override
    public void packSigns(float[] x, int off, int len, int fromChunk, int toChunk, float[] absolutes,
                          ByteBuffer dst, int body) {
        if (scratchSquares.length < toChunk) {
            scratchSquares = new float[toChunk];
        }
        chunkNorms(x, off, len, fromChunk, toChunk, scratchSquares, absolutes);
        final int groupsPerChunk = NORM_CHUNK / WordPacking.groupElements(1);
        final int groups = WordPacking.groups(len, 1);
        launch(QuantizeKernel.SIGNS, x, off, len, 1, 0, Math.min(groups, fromChunk * groupsPerChunk),
            Math.min(groups, toChunk * groupsPerChunk), dst, body);
    }

    private boolean launch(int mode, float[] x, int off, int len, int width, int key, int fromGroup, int toGroup,
                           ByteBuffer dst, int body) {
        if (toGroup <= fromGroup) {
            return false;
        }
        final int items = (toGroup - fromGroup - 1) * WordPacking.LANES + WordPacking.wordsOf(toGroup - 1, len, width);
        if (quantize.words.length < items) {
            quantize.words = new long[items];
            quantize.special = new int[items];
        }
        quantize.mode = mode;
        quantize.x = x;
        quantize.off = off;
        quantize.len = len;
        quantize.items = items;
        quantize.firstWord = fromGroup * WordPacking.LANES;
        quantize.width = width;
        quantize.perWord = WordPacking.perWord(width);
        quantize.key = key;
        execute(quantize, items);
        final long[] words = quantize.words;
        final int[] special = quantize.special;
        int bad = 0;
        for (int w = 0, p = body + 8 * fromGroup * WordPacking.LANES; w < items; w++, p += 8) {
            dst.putLong(p, words[w]);
            bad |= special[w];
        }
        return bad != 0;
    }

    @Override
    public void addLevels(int mode, ByteBuffer src, int body, int count, int width, int s, float unit, int fromGroup,
                          int toGroup, float[] target) {
        decoder.addLevels(mode, src, body, count, width, s, unit, fromGroup, toGroup, target);
    }

    @Override
    public void addSigns(ByteBuffer src, int body, int count, float unit, int fromGroup, int toGroup,
                         float[] target) {
        decoder.addSigns(src, body, count, unit, fromGroup, toGroup, target);
    }

    private void execute(Kernel kernel, int items) {
        Devices.launch(launchLock, kernel, ranges.of(items));
    }
}
